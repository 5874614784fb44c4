/**
 * Drives the built language server as a separate process over the real
 * protocol, as an editor would: stdio, node IPC or a socket, with
 * vscode-jsonrpc on this side.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import {
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
  ApplyWorkspaceEditRequest,
  ConfigurationRequest,
  DidChangeWatchedFilesNotification,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowDocumentRequest,
  ShutdownRequest,
  WorkDoneProgressCreateRequest,
  type ClientCapabilities,
  type FileEvent,
  type InitializeResult,
  type LogMessageParams,
  type PublishDiagnosticsParams,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { STATUS_NOTIFICATION, type PlanewiseInitializationOptions, type StatusParams } from '../src/protocol';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const serverBundle = path.join(repoRoot, 'server', 'dist', 'server.js');
export const testWorkspace = path.join(repoRoot, 'test-workspace');

let built: Promise<void> | undefined;
/** Bundles the server the way scripts/build.mjs does, so the tests always run the current sources. */
export function buildServer(): Promise<void> {
  built ??= (async () => {
    const temporary = `${serverBundle}.${process.pid}.tmp`;
    await esbuild.build({
      absWorkingDir: repoRoot,
      entryPoints: ['server/src/server.ts'],
      outfile: temporary,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      inject: ['scripts/import-meta-url.js'],
      define: { 'import.meta.url': 'importMetaUrl', 'process.env.NODE_ENV': '"development"' },
      logLevel: 'warning',
    });
    // Renaming is atomic: test files that build at the same time never see half a bundle.
    renameSync(temporary, serverBundle);
  })();
  return built;
}

export type Transport = 'stdio' | 'ipc' | 'socket';

export const CLIENT_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    applyEdit: true,
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
    didChangeWatchedFiles: { dynamicRegistration: true },
    didChangeConfiguration: { dynamicRegistration: true },
  },
  textDocument: {
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'source'] } }, dataSupport: true },
    synchronization: { didSave: true },
  },
  window: { workDoneProgress: true, showDocument: { support: true } },
};

interface Waiter {
  check(): boolean;
}

export class TestClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  /** Every publishDiagnostics in arrival order. */
  readonly published: PublishDiagnosticsParams[] = [];
  readonly statuses: StatusParams[] = [];
  readonly logs: LogMessageParams[] = [];
  readonly progress: unknown[] = [];
  readonly registrations: string[] = [];
  readonly shownDocuments: string[] = [];
  /** What workspace/configuration answers for `planewise`. */
  settings: Record<string, unknown> = {};
  /** Decides workspace/applyEdit; by default writes the edit to disk. */
  onApplyEdit: (edit: WorkspaceEdit) => boolean = (edit) => {
    applyWorkspaceEdit(edit);
    return true;
  };
  private readonly waiters = new Set<Waiter>();
  private readonly versions = new Map<string, number>();
  private stderr = '';

  constructor(
    readonly connection: MessageConnection,
    readonly child: ChildProcess,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.diagnostics.set(params.uri, params);
      this.published.push(params);
      this.settle();
    });
    connection.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => {
      this.statuses.push(params);
      this.settle();
    });
    connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params);
      if (process.env.PLANEWISE_TEST_LOG) process.stderr.write(`[server] ${params.message}\n`);
      this.settle();
    });
    connection.onNotification('$/progress', (params: unknown) => {
      this.progress.push(params);
      this.settle();
    });
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => this.settings));
    connection.onRequest(RegistrationRequest.type, (params) => {
      for (const registration of params.registrations) this.registrations.push(registration.method);
    });
    connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    connection.onRequest(ApplyWorkspaceEditRequest.type, (params) => ({ applied: this.onApplyEdit(params.edit) }));
    connection.onRequest(ShowDocumentRequest.type, (params) => {
      this.shownDocuments.push(params.uri);
      return { success: true };
    });
    connection.listen();
  }

  get serverStderr(): string {
    return this.stderr;
  }

  /** Resolves with the first truthy value of `probe`, re-evaluated whenever the server says something. */
  waitFor<T>(probe: () => T | undefined | false, what: string, limitMs = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const value = probe();
          if (!value) return false;
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(value);
          return true;
        },
      };
      // A safety net so a broken server fails the test instead of hanging it; never an assertion about speed.
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const lastLogs = this.logs.slice(-10).map((log) => log.message).join('\n');
        reject(new Error(`timed out waiting for ${what}\nlast server logs:\n${lastLogs}\nstderr:\n${this.stderr}`));
      }, limitMs);
      if (!waiter.check()) this.waiters.add(waiter);
    });
  }

  private settle(): void {
    for (const waiter of [...this.waiters]) waiter.check();
  }

  async initialize(root: string, capabilities = CLIENT_CAPABILITIES, initializationOptions?: PlanewiseInitializationOptions): Promise<InitializeResult> {
    const uri = pathToFileURL(root).href;
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uri,
      capabilities,
      initializationOptions,
      workspaceFolders: [{ uri, name: path.basename(root) }],
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  /** Waits for the first whole-workspace check to finish (the server goes idle after having checked files). */
  idle(after = 0): Promise<StatusParams> {
    return this.waitFor(() => this.statuses.slice(after).find((s) => s.state !== 'checking' && s.state !== 'starting' && s.lastCheckAt !== undefined), 'an idle status');
  }

  diagnosticsFor(file: string) {
    return this.diagnostics.get(pathToFileURL(file).href)?.diagnostics ?? [];
  }

  async open(file: string, text = readFileSync(file, 'utf8')): Promise<void> {
    this.versions.set(file, 1);
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: pathToFileURL(file).href, languageId: 'typescript', version: 1, text },
    });
  }

  /** Replaces the whole text of an open document; returns its new version. */
  async change(file: string, text: string): Promise<number> {
    const version = (this.versions.get(file) ?? 1) + 1;
    this.versions.set(file, version);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: pathToFileURL(file).href, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  async close(file: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri: pathToFileURL(file).href } });
  }

  async filesChanged(events: { file: string; type: FileEvent['type'] }[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: events.map(({ file, type }) => ({ uri: pathToFileURL(file).href, type })),
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      try {
        await this.connection.sendRequest(ShutdownRequest.type);
        await this.connection.sendNotification(ExitNotification.type);
      } catch {
        this.child.kill();
      }
      await exited;
    }
    this.connection.dispose();
  }
}

export async function startServer(transport: Transport): Promise<TestClient> {
  await buildServer();
  if (transport === 'ipc') {
    const child = fork(serverBundle, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    return new TestClient(createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child)), child);
  }
  if (transport === 'socket') {
    // With --socket=N the server connects to a port the editor listens on.
    const listener = net.createServer();
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as net.AddressInfo).port;
    const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
    const child = spawn(process.execPath, [serverBundle, `--socket=${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    const socket = await accepted;
    listener.close();
    return new TestClient(createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket)), child);
  }
  const child = spawn(process.execPath, [serverBundle, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  return new TestClient(createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!)), child);
}

/** A scratch project: files given relative to its root. */
export function writeProject(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'planewise-server-'));
  for (const [relative, text] of Object.entries(files)) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return root;
}

/** A copy of test-workspace to edit freely. */
export function copyTestWorkspace(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'planewise-tw-'));
  cpSync(testWorkspace, root, { recursive: true, filter: (source) => !source.includes(`${path.sep}traces${path.sep}`) });
  return root;
}

export function removeProject(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

function offsetAt(text: string, position: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + position.character, text.length);
}

export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  for (const edit of sorted) text = text.slice(0, offsetAt(text, edit.range.start)) + edit.newText + text.slice(offsetAt(text, edit.range.end));
  return text;
}

/** Writes a WorkspaceEdit to disk as an editor would; refuses to create a file that exists, as the server asks. */
export function applyWorkspaceEdit(edit: WorkspaceEdit): string[] {
  const touched: string[] = [];
  for (const change of edit.documentChanges ?? []) {
    if ('kind' in change) {
      if (change.kind !== 'create') throw new Error(`unexpected resource operation ${change.kind}`);
      const file = fileURLToPath(change.uri);
      if (readable(file) !== undefined && !change.options?.overwrite) throw new Error(`refusing to overwrite ${file}`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, '');
      touched.push(file);
    } else {
      const file = fileURLToPath(change.textDocument.uri);
      writeFileSync(file, applyTextEdits(readable(file) ?? '', change.edits as TextEdit[]));
      if (!touched.includes(file)) touched.push(file);
    }
  }
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
    const file = fileURLToPath(uri);
    writeFileSync(file, applyTextEdits(readFileSync(file, 'utf8'), edits));
    touched.push(file);
  }
  return touched;
}

function readable(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
