import { OPEN_RULE_DOCS_COMMAND as ENGINE_OPEN_RULE_DOCS, type Fix } from '@planewise/analysis-core/boundary';
import type { AnnotatedTextEdit, ChangeAnnotation, CodeAction, Command, Diagnostic, TextDocumentEdit, CreateFile, WorkspaceEdit, TextEdit, SnippetTextEdit } from 'vscode-languageserver/node';
import type { TextEdit as FixEdit } from '@planewise/analysis-core/boundary';
import { OPEN_RULE_DOCS_COMMAND } from './protocol';
import { fileToUri, isDiagnosticData } from './convert';

export interface EditSupport {
  /** The client takes `documentChanges` (versioned edits, file creation); otherwise only plain `changes`. */
  documentChanges: boolean;
  createFiles: boolean;
  /** The client shows a disabled action with its reason (CodeAction.disabled). */
  disabledActions?: boolean;
  /** The client honours change annotations that need confirmation (a refactoring preview). */
  changeAnnotations?: boolean;
  /**
   * Apply a fix that changes other files at once (our own VS Code client,
   * whose refactoring preview would leave those edits unticked); otherwise
   * they are previewed for confirmation.
   */
  applyFixesAtOnce?: boolean;
  /** The client takes snippet edits in `documentChanges` (LSP 3.18) and places the cursor in them. */
  snippetEdits?: boolean;
}

export interface CodeActionContext {
  /** Diagnostics the client sent with the request; the action names those its fix resolves. */
  diagnostics: Diagnostic[];
  /** The version of an open document, so a stale edit is refused by the client; null when not open. */
  versionOf(file: string): number | null;
  docsHref(page: string): string;
  support: EditSupport;
  /** The file the action was asked for: changes to any other file are shown for confirmation first. */
  activeFile?: string;
}

const OTHER_FILES_ANNOTATION = 'planewise.otherFiles';

/** Turns an engine Fix into an LSP code action; undefined when the client cannot apply it. */
export function fixToCodeAction(fix: Fix, context: CodeActionContext): CodeAction | undefined {
  const action: CodeAction = { title: fix.title, kind: fix.kind };
  const resolved = new Set(fix.resolves);
  const diagnostics = context.diagnostics.filter((d) => isDiagnosticData(d.data) && resolved.has(d.data.fingerprint));
  if (diagnostics.length > 0) action.diagnostics = diagnostics;
  if (fix.isPreferred) action.isPreferred = true;
  if (fix.disabled) {
    // A client that cannot show why would offer an action that does nothing: leave it out there.
    if (!context.support.disabledActions) return undefined;
    action.disabled = { reason: fix.disabled.reason };
    return action;
  }

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

/** The files a fix changes besides the one in the editor. */
function otherFiles(fix: Fix, context: CodeActionContext): string[] {
  if (context.activeFile === undefined) return [];
  return [...new Set(fix.changes.map((change) => change.file).filter((file) => file !== context.activeFile))];
}

function toWorkspaceEdit(fix: Fix, context: CodeActionContext): WorkspaceEdit | undefined {
  const creates = fix.changes.some((change) => change.kind === 'create');
  if (!context.support.documentChanges || (creates && !context.support.createFiles)) {
    // Plain `changes` cannot create files: offer the fix only if it needs none.
    if (creates) return undefined;
    const changes: Record<string, TextEdit[]> = {};
    for (const change of fix.changes) {
      if (change.kind === 'edit') (changes[fileToUri(change.file)] ??= []).push(...change.edits.map(({ range, newText }) => ({ range, newText })));
    }
    return { changes };
  }
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  // Changes to files other than the one in the editor are previewed before they apply, unless the client applies them at once.
  const annotate = context.support.changeAnnotations === true && context.support.applyFixesAtOnce !== true && otherFiles(fix, context).length > 0;
  const annotation = (file: string) => (annotate && file !== context.activeFile ? OTHER_FILES_ANNOTATION : undefined);
  const annotated = (edits: FixEdit[], id: string | undefined): (TextEdit | AnnotatedTextEdit | SnippetTextEdit)[] =>
    edits.map(({ range, newText, snippet }) => {
      const edit: TextEdit | SnippetTextEdit = snippet !== undefined && context.support.snippetEdits ? { range, snippet: { kind: 'snippet', value: snippet } } : { range, newText };
      return id === undefined ? edit : { ...edit, annotationId: id };
    });
  for (const change of fix.changes) {
    const uri = fileToUri(change.file);
    const id = annotation(change.file);
    if (change.kind === 'create') {
      // Never overwrite: if the file appeared meanwhile, the client refuses the whole edit.
      documentChanges.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false }, ...(id === undefined ? {} : { annotationId: id }) });
      const start = { line: 0, character: 0 };
      documentChanges.push({ textDocument: { uri, version: null }, edits: annotated([{ range: { start, end: start }, newText: change.text }], id) });
    } else {
      documentChanges.push({ textDocument: { uri, version: context.versionOf(change.file) }, edits: annotated(change.edits, id) });
    }
  }
  if (!annotate) return { documentChanges };
  const others = otherFiles(fix, context);
  const changeAnnotations: Record<string, ChangeAnnotation> = {
    [OTHER_FILES_ANNOTATION]: { label: `${fix.title}: also changes ${others.length} other file${others.length === 1 ? '' : 's'}`, needsConfirmation: true, description: others.map((file) => file.split(/[\\/]/).pop()).join(', ') },
  };
  return { documentChanges, changeAnnotations };
}
