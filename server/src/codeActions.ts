import { OPEN_RULE_DOCS_COMMAND as ENGINE_OPEN_RULE_DOCS, type Fix } from '@planewise/analysis-core/boundary';
import type { CodeAction, Command, Diagnostic, TextDocumentEdit, CreateFile, WorkspaceEdit, TextEdit } from 'vscode-languageserver/node';
import { OPEN_RULE_DOCS_COMMAND } from './protocol';
import { fileToUri, isDiagnosticData } from './convert';

export interface EditSupport {
  /** The client takes `documentChanges` (versioned edits, file creation); otherwise only plain `changes`. */
  documentChanges: boolean;
  createFiles: boolean;
}

export interface CodeActionContext {
  /** Diagnostics the client sent with the request; the action names those its fix resolves. */
  diagnostics: Diagnostic[];
  /** The version of an open document, so a stale edit is refused by the client; null when not open. */
  versionOf(file: string): number | null;
  docsHref(page: string): string;
  support: EditSupport;
}

/** Turns an engine Fix into an LSP code action; undefined when the client cannot apply it. */
export function fixToCodeAction(fix: Fix, context: CodeActionContext): CodeAction | undefined {
  const action: CodeAction = { title: fix.title, kind: fix.kind };
  const resolved = new Set(fix.resolves);
  const diagnostics = context.diagnostics.filter((d) => isDiagnosticData(d.data) && resolved.has(d.data.fingerprint));
  if (diagnostics.length > 0) action.diagnostics = diagnostics;
  if (fix.isPreferred) action.isPreferred = true;

  if (fix.changes.length > 0) {
    const edit = toWorkspaceEdit(fix, context);
    if (!edit) return undefined;
    action.edit = edit;
  }
  if (fix.command) action.command = toCommand(fix.command, context);
  if (!action.edit && !action.command) return undefined;
  return action;
}

function toCommand(command: NonNullable<Fix['command']>, context: CodeActionContext): Command {
  if (command.id === ENGINE_OPEN_RULE_DOCS) {
    // The engine names the rule and its page relative to the extension root.
    // Resolved here so every editor gets a working link: the server opens it with window/showDocument.
    const page = command.arguments[1];
    const href = typeof page === 'string' ? context.docsHref(page) : undefined;
    return { title: command.title, command: OPEN_RULE_DOCS_COMMAND, arguments: href ? [href] : [] };
  }
  return { title: command.title, command: command.id, arguments: command.arguments };
}

function toWorkspaceEdit(fix: Fix, context: CodeActionContext): WorkspaceEdit | undefined {
  const creates = fix.changes.some((change) => change.kind === 'create');
  if (!context.support.documentChanges || (creates && !context.support.createFiles)) {
    // Plain `changes` cannot create files: offer the fix only if it needs none.
    if (creates) return undefined;
    const changes: Record<string, TextEdit[]> = {};
    for (const change of fix.changes) {
      if (change.kind === 'edit') (changes[fileToUri(change.file)] ??= []).push(...change.edits);
    }
    return { changes };
  }
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  for (const change of fix.changes) {
    const uri = fileToUri(change.file);
    if (change.kind === 'create') {
      // Never overwrite: if the file appeared meanwhile, the client refuses the whole edit.
      documentChanges.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
      const start = { line: 0, character: 0 };
      documentChanges.push({ textDocument: { uri, version: null }, edits: [{ range: { start, end: start }, newText: change.text }] });
    } else {
      documentChanges.push({ textDocument: { uri, version: context.versionOf(change.file) }, edits: change.edits });
    }
  }
  return { documentChanges };
}
