/**
 * The Planewise language server: a thin LSP adapter over the boundary engine.
 * Start with --stdio, --node-ipc or --socket=<port> (vscode-languageserver
 * reads the transport from the command line).
 */
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  LSPErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type CancellationToken,
  type ClientCapabilities,
  type CodeAction,
  type Diagnostic,
  type InitializeResult,
  type WorkDoneProgressReporter,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CHECK_WORKSPACE_COMMAND,
  CREATE_CONFIG_COMMAND,
  OPEN_RULE_DOCS_COMMAND,
  STATUS_NOTIFICATION,
  type CheckWorkspaceResult,
  type PlanewiseInitializationOptions,
  type CreateConfigResult,
  type ServerState,
  type StatusParams,
} from './protocol';
import { fileToUri, uriToFile } from './convert';
import { fixToCodeAction, type EditSupport } from './codeActions';
import { combineFixes, formatFixChanges, ProjectPrettier, safeFixes, type Fix } from '@planewise/analysis-core/boundary';

/** The kind editor.codeActionsOnSave asks for: `"editor.codeActionsOnSave": { "source.fixAll.planewise": "explicit" }`. */
const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.planewise`;
import { normalizeSettings } from './settings';
import { FolderSession, type FolderHost } from './workspace';
import { findCreateConfigFix } from './createConfig';
import { guardReader, transportFromArgs } from './transport';
import { MAX_SOURCE_FILE_BYTES } from '@planewise/analysis-core/boundary';

const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const CONFIG_FILE = 'planewise.config.json';
/** The server runs from <extension>/server/dist/server.js; rule pages ship in <extension>/docs/rules/. */
const extensionRoot = path.resolve(__dirname, '..', '..');

const transport = transportFromArgs(process.argv);
if (transport.stdio) {
  // stdout is the protocol stream: stray console output goes to stderr instead of corrupting it.
  console.log = console.info = console.debug = console.warn = console.error;
}
let shutdownRequested = false;
guardReader(transport.reader, {
  log: (message) => process.stderr.write(`${message}\n`),
  exit: (code) => process.exit(code),
  shutdownRequested: () => shutdownRequested,
});
const connection = createConnection(ProposedFeatures.all, transport.reader, transport.writer);
const documents = new TextDocuments(TextDocument);

let capabilities: ClientCapabilities = {};
let editSupport: EditSupport = { documentChanges: false, createFiles: false };
let watchesFiles = false;
/** What the client said about workspace trust; undefined when it says nothing (editors other than VS Code). */
let workspaceTrusted: boolean | undefined;
const sessions = new Map<string, FolderSession>();
/** Files that currently show diagnostics, so clearing is sent only where there is something to clear. */
const withDiagnostics = new Set<string>();
/** Documents already logged as too large, so the log says it once per document (the engine reports them on the file). */
const skippedLarge = new Set<string>();
let lastStatus = '';
/** Until the first whole-workspace check ends, the status says "starting". */
let initialCheckDone = false;
let resolveReady!: () => void;
const ready = new Promise<void>((resolve) => (resolveReady = resolve));

function verboseEnabled(): boolean {
  for (const session of sessions.values()) if (session.settings.trace.server === 'verbose') return true;
  return false;
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

const host: FolderHost = {
  extensionRoot,
  publish(file: string, diagnostics: Diagnostic[]) {
    if (diagnostics.length === 0 && !withDiagnostics.has(file) && !openDocument(file)) return;
    if (diagnostics.length > 0) withDiagnostics.add(file);
    else withDiagnostics.delete(file);
    const document = openDocument(file);
    void connection.sendDiagnostics({ uri: document?.uri ?? fileToUri(file), version: document?.version, diagnostics });
  },
  stateChanged: sendStatus,
  info: (message) => connection.console.info(message),
  verbose: (message) => {
    if (verboseEnabled()) connection.console.log(message);
  },
  error: (message, error) => connection.console.error(error === undefined ? message : `${message}: ${describeError(error)}`),
};

/** Each project's Prettier, loaded on the first fix formatted there and kept. */
const projectPrettier = new ProjectPrettier({ log: (message) => host.info(message) });

/** A file's text as the editor has it: the open document's, else the disk's. */
function currentText(file: string): string | undefined {
  const document = openDocument(file);
  if (document) return document.getText();
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The fix with the code it writes formatted by the project's Prettier, where
 * that is allowed: it runs the workspace's code, so only in a workspace the
 * client trusts (when it says) and with formatWithPrettier on.
 */
async function formatted(fix: Fix, session: FolderSession): Promise<Fix> {
  if (workspaceTrusted === false || !session.settings.formatWithPrettier || fix.changes.length === 0) return fix;
  return formatFixChanges(fix, projectPrettier, currentText);
}

// A bug must cost one answer, not the server: log it and keep serving.
process.on('uncaughtException', (error) => host.error('Uncaught exception', error));
process.on('unhandledRejection', (error) => host.error('Unhandled rejection', error));

const openByFile = new Map<string, string>();
function openDocument(file: string): TextDocument | undefined {
  const uri = openByFile.get(file);
  return uri === undefined ? undefined : documents.get(uri);
}

function sessionFor(file: string): FolderSession | undefined {
  let best: FolderSession | undefined;
  for (const session of sessions.values()) {
    if (session.contains(file) && (!best || session.root.length > best.root.length)) best = session;
  }
  return best;
}

function isSourceFile(file: string): boolean {
  return SOURCE_FILE.test(file) && !file.split(path.sep).includes('node_modules');
}

function addFolder(folder: WorkspaceFolder): void {
  const root = uriToFile(folder.uri);
  if (!root || sessions.has(folder.uri)) return;
  sessions.set(folder.uri, new FolderSession(folder.uri, root, host));
}

// ---- status ------------------------------------------------------------------

function currentStatus(): StatusParams {
  const planes: Record<string, number> = { data: 0, control: 0, intelligence: 0 };
  let filesChecked = 0;
  let findings = 0;
  let lastCheckMs = 0;
  let lastCheckAt: number | undefined;
  let busy = false;
  let message: string | undefined;
  let resolutionWarning: string | undefined;
  for (const session of sessions.values()) {
    if (!session.engine) continue;
    for (const [plane, count] of Object.entries(session.planes)) planes[plane] = (planes[plane] ?? 0) + count;
    filesChecked += session.filesChecked;
    findings += session.findings;
    busy ||= session.busy;
    message ??= session.problem;
    resolutionWarning ??= session.resolutionWarning;
    if (session.lastCheckAt !== undefined && (lastCheckAt === undefined || session.lastCheckAt > lastCheckAt)) {
      lastCheckAt = session.lastCheckAt;
      lastCheckMs = session.lastCheckMs;
    }
  }
  const state: ServerState = busy ? 'checking' : !initialCheckDone ? 'starting' : message?.startsWith('Internal error') ? 'error' : 'idle';
  const status: StatusParams = { state, planes, filesChecked, findings, lastCheckMs: Math.round(lastCheckMs), lastCheckAt };
  if (message) status.message = message;
  if (resolutionWarning) status.resolutionWarning = resolutionWarning;
  return status;
}

function sendStatus(): void {
  const status = currentStatus();
  const key = JSON.stringify(status);
  if (key === lastStatus) return;
  lastStatus = key;
  void connection.sendNotification(STATUS_NOTIFICATION, status);
}

// ---- settings ----------------------------------------------------------------

async function refreshSettings(session: FolderSession): Promise<boolean> {
  let raw: unknown;
  if (capabilities.workspace?.configuration) {
    try {
      raw = await connection.workspace.getConfiguration({ scopeUri: session.uri, section: 'planewise' });
    } catch (error) {
      host.error(`Could not read settings for ${session.root}; using defaults`, error);
    }
  }
  const { settings, problems } = normalizeSettings(raw);
  for (const problem of problems) host.error(`Settings for ${session.root}: ${problem}`);
  return session.applySettings(settings);
}

// ---- whole-workspace checks with progress ----------------------------------------

async function checkSessions(
  targets: FolderSession[],
  progress: WorkDoneProgressReporter & { token?: CancellationToken },
  token: CancellationToken | undefined,
): Promise<{ cancelled: boolean; filesChecked: number }> {
  // Either the request or the progress UI (its cancel button) can stop the check.
  const isCancelled = () => (token?.isCancellationRequested ?? false) || (progress.token?.isCancellationRequested ?? false);
  progress.begin('Planewise', 0, 'Checking plane boundaries', true);
  let filesChecked = 0;
  let cancelled = false;
  try {
    for (const session of targets) {
      const name = path.basename(session.root);
      const outcome = await session.checkAll({
        isCancelled,
        onProgress: (done, total) => progress.report(total === 0 ? 100 : Math.round((done / total) * 100), `${name}: ${done}/${total} files`),
      });
      filesChecked += outcome.filesChecked;
      if (outcome.cancelled) {
        cancelled = true;
        break;
      }
    }
  } finally {
    progress.done();
  }
  return { cancelled, filesChecked };
}

async function checkEverything(targets = [...sessions.values()]): Promise<void> {
  const progress = await connection.window.createWorkDoneProgress();
  await checkSessions(targets.filter((session) => session.engine), progress, undefined);
}

// ---- lifecycle -----------------------------------------------------------------

connection.onInitialize((params): InitializeResult => {
  capabilities = params.capabilities;
  const workspaceEdit = capabilities.workspace?.workspaceEdit;
  editSupport = {
    documentChanges: workspaceEdit?.documentChanges ?? false,
    createFiles: workspaceEdit?.resourceOperations?.includes('create') ?? false,
    disabledActions: capabilities.textDocument?.codeAction?.disabledSupport ?? false,
    changeAnnotations: workspaceEdit?.changeAnnotationSupport !== undefined,
    snippetEdits: workspaceEdit?.snippetEditSupport === true,
    applyFixesAtOnce: (params.initializationOptions as PlanewiseInitializationOptions | undefined)?.applyFixesAtOnce === true,
  };
  const trusted = (params.initializationOptions as PlanewiseInitializationOptions | undefined)?.workspaceTrusted;
  workspaceTrusted = typeof trusted === 'boolean' ? trusted : undefined;
  const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: path.basename(params.rootUri) }] : []);
  for (const folder of folders) addFolder(folder);
  if (sessions.size === 0) host.info('No workspace folder: Planewise checks files only inside an opened folder.');
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      codeActionProvider: {
        codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.Refactor, CodeActionKind.RefactorMove, CodeActionKind.Source, FIX_ALL_KIND],
        // Actions come whole; resolving returns them as they are. A client may hold an action's edit back until it is chosen (ours does, to say which files a fix changed).
        resolveProvider: true,
      },
      executeCommandProvider: { commands: [CHECK_WORKSPACE_COMMAND, CREATE_CONFIG_COMMAND, OPEN_RULE_DOCS_COMMAND] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'planewise', version: require('../package.json').version as string },
  };
});

connection.onInitialized(async () => {
  if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
    watchesFiles = true;
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}' }, { globPattern: `**/${CONFIG_FILE}` }],
    });
  }
  if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'planewise' });
  }
  if (capabilities.workspace?.workspaceFolders) {
    connection.workspace.onDidChangeWorkspaceFolders(async (event) => {
      for (const removed of event.removed) {
        sessions.get(removed.uri)?.stop();
        sessions.delete(removed.uri);
      }
      const added: FolderSession[] = [];
      for (const folder of event.added) {
        addFolder(folder);
        const session = sessions.get(folder.uri);
        if (session) added.push(session);
      }
      for (const session of added) await refreshSettings(session);
      await checkEverything(added);
      sendStatus();
    });
  }
  sendStatus();
  for (const session of sessions.values()) await refreshSettings(session);
  resolveReady();
  // Documents opened while the engines were starting were queued on `ready`; now the whole workspace.
  await checkEverything();
  initialCheckDone = true;
  sendStatus();
});

connection.onShutdown(() => {
  shutdownRequested = true;
  for (const session of sessions.values()) session.stop();
});

// ---- documents -------------------------------------------------------------------

/** The session and file for a document the engine should see, or undefined (other scheme, outside folders). */
function target(document: TextDocument): { session: FolderSession; file: string } | undefined {
  const file = uriToFile(document.uri);
  if (!file || !isSourceFile(file)) return undefined;
  const session = sessionFor(file);
  if (!session?.engine || !session.settings.enable) return undefined;
  // Still handed to the engine: it skips parsing and shows a "not checked" warning on the file.
  const size = Buffer.byteLength(document.getText());
  if (size <= MAX_SOURCE_FILE_BYTES) skippedLarge.delete(document.uri);
  else if (!skippedLarge.has(document.uri)) {
    skippedLarge.add(document.uri);
    host.info(`Not checking ${file}: ${size} bytes is over the ${MAX_SOURCE_FILE_BYTES}-byte limit for source files`);
  }
  return { session, file };
}

const justOpened = new Set<string>();

documents.onDidOpen(async ({ document }) => {
  justOpened.add(document.uri);
  const file = uriToFile(document.uri);
  if (file) openByFile.set(file, document.uri);
  await ready;
  const current = documents.get(document.uri);
  const found = current && target(current);
  if (found) found.session.documentSettled(found.file, current.getText(), false);
});

documents.onDidChangeContent(async ({ document }) => {
  // TextDocuments reports an open as a content change too; onDidOpen handled it.
  if (justOpened.delete(document.uri)) return;
  await ready;
  const current = documents.get(document.uri);
  const found = current && target(current);
  if (!found) return;
  if (found.session.settings.run === 'onType') found.session.documentEdited(found.file, current.getText());
  else found.session.engine?.updateFile(found.file, current.getText());
});

documents.onDidSave(async ({ document }) => {
  await ready;
  const file = uriToFile(document.uri);
  if (!file) return;
  if (!watchesFiles && path.basename(file) === CONFIG_FILE) {
    // Without file watching, a save is the only sign the config changed.
    await sessionFor(file)?.configChanged();
    return;
  }
  const found = target(document);
  if (found && found.session.settings.run === 'onSave') found.session.documentSettled(found.file, document.getText(), true);
});

documents.onDidClose(async ({ document }) => {
  justOpened.delete(document.uri);
  skippedLarge.delete(document.uri);
  const file = uriToFile(document.uri);
  if (!file) return;
  openByFile.delete(file);
  await ready;
  const session = sessionFor(file);
  // The engine goes back to the file on disk; unsaved edits may have changed what dependents see.
  if (session?.engine && isSourceFile(file) && existsSync(file)) session.documentSettled(file, undefined, true);
});

connection.onDidChangeWatchedFiles(async ({ changes }) => {
  await ready;
  const configsChanged = new Set<FolderSession>();
  for (const change of changes) {
    const file = uriToFile(change.uri);
    if (!file) continue;
    if (path.basename(file) === CONFIG_FILE) {
      // A config applies to its folder and below: every session under or above it may be affected.
      for (const session of sessions.values()) if (session.contains(file) || session.root.startsWith(path.dirname(file))) configsChanged.add(session);
      continue;
    }
    if (!isSourceFile(file) || openDocument(file)) continue; // the editor's text wins over the disk
    const session = sessionFor(file);
    if (!session?.engine) continue;
    session.diskChanged(file, change.type === FileChangeType.Created ? 'created' : change.type === FileChangeType.Deleted ? 'deleted' : 'changed');
  }
  await Promise.all([...configsChanged].map((session) => session.configChanged()));
});

connection.onDidChangeConfiguration(async () => {
  await ready;
  const recheck: FolderSession[] = [];
  for (const session of sessions.values()) if (await refreshSettings(session)) recheck.push(session);
  sendStatus();
  if (recheck.length > 0) await checkEverything(recheck);
});

// ---- code actions and commands --------------------------------------------------------

connection.onCodeActionResolve((action) => action);

connection.onCodeAction(async (params, token) => {
  await ready;
  const file = uriToFile(params.textDocument.uri);
  const session = file ? sessionFor(file) : undefined;
  if (!file || !session?.engine || token.isCancellationRequested) return [];
  const fixes = session.guard(`computing fixes for ${file}`, () => session.engine!.fixes(file, params.range)) ?? [];
  const only = params.context.only;
  const context = { diagnostics: params.context.diagnostics, versionOf: (changed: string) => openDocument(changed)?.version ?? null, docsHref: session.docsHref, support: editSupport, activeFile: file };
  const wanted: Fix[] = [];
  if (only?.some((kind) => FIX_ALL_KIND === kind || FIX_ALL_KIND.startsWith(`${kind}.`))) {
    // editor.codeActionsOnSave: every safe fix of the file that does not overlap another, as one action.
    const fixAll = session.guard(`computing fix-all for ${file}`, () => {
      const findings = session.engine!.check([file]).findings.get(file) ?? [];
      const { applied, changes } = combineFixes(safeFixes(session.engine!, file, findings));
      return applied.length === 0 ? undefined : { title: 'Fix all Planewise findings', kind: FIX_ALL_KIND, resolves: applied.flatMap((fix) => fix.resolves), changes };
    });
    if (fixAll) wanted.push(fixAll);
  }
  for (const fix of fixes) {
    if (only && !only.some((kind) => fix.kind === kind || fix.kind.startsWith(`${kind}.`))) continue;
    wanted.push(fix);
  }
  const offered = await Promise.all(wanted.map((fix) => formatted(fix, session)));
  if (token.isCancellationRequested) return [];
  const actions: CodeAction[] = [];
  for (const fix of offered) {
    const action = fixToCodeAction(fix, context);
    if (action) actions.push(action);
  }
  return actions;
});

connection.onExecuteCommand(async (params, token) => {
  await ready;
  switch (params.command) {
    case CHECK_WORKSPACE_COMMAND:
      return checkWorkspaceCommand(params.workDoneToken, token);
    case CREATE_CONFIG_COMMAND:
      return createConfigCommand(params.arguments?.[0]);
    case OPEN_RULE_DOCS_COMMAND: {
      const href = params.arguments?.[0];
      if (typeof href !== 'string') throw new ResponseError(LSPErrorCodes.RequestFailed, `${OPEN_RULE_DOCS_COMMAND} needs the page URL as its argument`);
      const { success } = await connection.window.showDocument({ uri: href, external: !href.startsWith('file:') });
      return success;
    }
    default:
      throw new ResponseError(LSPErrorCodes.RequestFailed, `Unknown command ${params.command}`);
  }
});

async function checkWorkspaceCommand(workDoneToken: string | number | undefined, token: CancellationToken): Promise<CheckWorkspaceResult> {
  const started = performance.now();
  const targets = [...sessions.values()].filter((session) => session.engine);
  const progress = workDoneToken !== undefined ? connection.window.attachWorkDoneProgress(workDoneToken) : await connection.window.createWorkDoneProgress();
  const { cancelled, filesChecked } = await checkSessions(targets, progress, token);
  if (cancelled) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'Workspace check cancelled');
  let errors = 0;
  let warnings = 0;
  for (const session of targets) {
    for (const tally of session.tallies.values()) {
      errors += tally.errors;
      warnings += tally.warnings;
    }
  }
  return { filesChecked, errors, warnings, durationMs: Math.round(performance.now() - started) };
}

async function createConfigCommand(folderUri: unknown): Promise<CreateConfigResult> {
  const session = typeof folderUri === 'string' ? sessions.get(folderUri) : [...sessions.values()].find((s) => s.engine);
  if (!session?.engine) {
    return { created: false, message: typeof folderUri === 'string' ? `No checked workspace folder ${folderUri}` : 'No checked workspace folder' };
  }
  const configPath = path.join(session.root, CONFIG_FILE);
  if (existsSync(configPath)) return { created: false, uri: fileToUri(configPath), message: `${configPath} already exists; it was left as it is` };
  const fix = session.guard('computing the config file', () => findCreateConfigFix(session.engine!, configPath, session.candidateFiles([...openByFile.keys()])));
  if (!fix) return { created: false, message: 'The engine offered no config to create; see the Planewise log' };
  const action = fixToCodeAction(fix, { diagnostics: [], versionOf: () => null, docsHref: session.docsHref, support: { documentChanges: true, createFiles: true } });
  if (!action?.edit) return { created: false, message: 'The engine offered no config to create; see the Planewise log' };
  const { applied, failureReason } = await connection.workspace.applyEdit({ label: fix.title, edit: action.edit });
  if (!applied) return { created: false, message: `The editor did not create ${configPath}${failureReason ? `: ${failureReason}` : ''}` };
  if (!watchesFiles) await session.configChanged();
  return { created: true, uri: fileToUri(configPath), message: `Created ${configPath}${fix.detail !== undefined ? `. ${fix.detail}` : ''}` };
}

documents.listen(connection);
connection.listen();
