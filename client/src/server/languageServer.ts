/**
 * Starts, restarts and stops the Planewise language server (server/dist/server.js
 * over IPC) and mirrors its state in a language status item. Loaded lazily:
 * nothing here runs until a workspace turns out to need the server.
 */
import fs from 'node:fs';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  State,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type HandleDiagnosticsSignature,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { STATUS_NOTIFICATION, type PlanewiseInitializationOptions, type StatusParams } from '@planewise/server/protocol';
import { CrashPolicy } from './crashPolicy';
import { type ServerLifecycle, type StatusView, describeLifecycle, describeStatus } from './statusText';
import { type ChangedFile, fixNotice } from './fixNotice';
import { problemsToShow } from './suppressionTyping';

export const SERVER_DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'typescript' },
  { scheme: 'file', language: 'typescriptreact' },
  { scheme: 'file', language: 'javascript' },
  { scheme: 'file', language: 'javascriptreact' },
  { scheme: 'file', pattern: '**/planewise.config.json' },
] satisfies vscode.DocumentFilter[];

export class LanguageServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly crashPolicy = new CrashPolicy();
  private readonly statusItem: vscode.LanguageStatusItem;
  private readonly disposables: vscode.Disposable[] = [];
  private lastStatus: StatusParams | undefined;
  /** The server's last diagnostics per document, and how many of them are shown (problems of a comment being typed wait). */
  private readonly diagnostics = new Map<string, { all: vscode.Diagnostic[]; shown: number; show: HandleDiagnosticsSignature }>();
  /** Edits of fixes that change other files, held back until the fix is chosen, so the user can be told which files changed. */
  private readonly heldEdits = new WeakMap<vscode.CodeAction, vscode.WorkspaceEdit>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.statusItem = vscode.languages.createLanguageStatusItem('planewise.status', SERVER_DOCUMENT_SELECTOR);
    this.statusItem.name = 'Planewise';
    this.showView(describeLifecycle('stopped'));
    this.statusItem.command = { title: 'Show Output', command: 'planewise.showOutput' };
  }

  get isRunning(): boolean {
    return this.client?.state === State.Running;
  }

  get status(): StatusParams | undefined {
    return this.lastStatus;
  }

  async start(): Promise<void> {
    if (this.client) return;
    const started = performance.now();
    const serverModule = this.context.asAbsolutePath('server/dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };
    // The server starts only in a trusted workspace today; saying so lets it gate what runs the workspace's code (its Prettier) on trust itself.
    const initializationOptions: PlanewiseInitializationOptions = { applyFixesAtOnce: true, workspaceTrusted: vscode.workspace.isTrusted };
    const clientOptions: LanguageClientOptions = {
      documentSelector: SERVER_DOCUMENT_SELECTOR,
      initializationOptions,
      outputChannel: this.log,
      synchronize: {
        configurationSection: 'planewise',
        fileEvents: [
          vscode.workspace.createFileSystemWatcher('**/planewise.config.json'),
          vscode.workspace.createFileSystemWatcher('**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'),
        ],
      },
      errorHandler: this.errorHandler(),
      middleware: {
        provideCodeActions: async (document, range, context, token, next) => {
          const actions = await next(document, range, context, token);
          for (const action of actions ?? []) {
            if (!(action instanceof vscode.CodeAction) || action.edit === undefined) continue;
            if (!action.edit.entries().some(([uri]) => uri.toString() !== document.uri.toString())) continue;
            // VS Code resolves an action without an edit when it is chosen: the moment to tell which files it changes.
            this.heldEdits.set(action, action.edit);
            action.edit = undefined;
          }
          return actions;
        },
        resolveCodeAction: async (action, token, next) => {
          const edit = this.heldEdits.get(action);
          if (edit === undefined) return next(action, token);
          action.edit = edit;
          this.noticeWhenApplied(action.title, edit);
          return action;
        },
        handleDiagnostics: (uri, diagnostics, show) => {
          const shown = problemsToShow(diagnostics, cursorsIn(uri));
          this.diagnostics.set(uri.toString(), { all: diagnostics, shown: shown.length, show });
          show(uri, shown);
        },
        window: {
          // Rule pages shipped with the extension are for reading: render them instead of opening the Markdown source.
          showDocument: async (params, token, next) => {
            if (params.external || !/^file:.*\.md$/i.test(params.uri)) return next(params, token);
            await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.parse(params.uri));
            return { success: true };
          },
        },
      },
    };
    const client = new LanguageClient('planewise', 'Planewise Language Server', serverOptions, clientOptions);
    this.client = client;
    this.disposables.push(
      client.onNotification(STATUS_NOTIFICATION, (status: StatusParams) => this.showStatus(status)),
      vscode.window.onDidChangeTextEditorSelection(({ textEditor }) => this.showWaitingProblems(textEditor.document.uri)),
      client.onDidChangeState(({ newState }) => {
        if (newState === State.Stopped && !this.lastStatus) this.showLifecycle('stopped');
      }),
    );
    this.showLifecycle('starting');
    try {
      await client.start();
      // The server's first status notification replaces this once a check ran.
      if (!this.lastStatus) this.showLifecycle('running');
      this.log.info(`Language server started in ${Math.round(performance.now() - started)} ms`);
    } catch (error) {
      this.statusItem.busy = false;
      this.statusItem.text = 'Planewise: failed to start';
      this.statusItem.severity = vscode.LanguageStatusSeverity.Error;
      this.log.error(`Language server failed to start: ${describeError(error)}`);
      throw error;
    }
  }

  async restart(): Promise<void> {
    this.crashPolicy.reset();
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.lastStatus = undefined;
    this.diagnostics.clear();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    if (client) {
      try {
        await client.stop(2_000);
      } catch (error) {
        // A server that already died cannot acknowledge the shutdown; nothing is lost.
        this.log.warn(`Stopping the language server: ${describeError(error)}`);
      }
    }
    this.showLifecycle('stopped');
  }

  /** The status item's current text, for the tests that run inside VS Code. */
  get statusText(): string {
    return this.statusItem.text;
  }

  /** Runs one of the server's workspace/executeCommand commands. */
  async executeCommand<T>(command: string, args: unknown[] = [], token?: vscode.CancellationToken): Promise<T> {
    await this.start();
    const client = this.client;
    if (!client) throw new Error('The Planewise language server is not running.');
    return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }, token)) as T;
  }

  dispose(): void {
    void this.stop();
    this.statusItem.dispose();
  }

  /**
   * Once a fix that changes other files has applied (at once, or when its
   * preview is accepted), names each file, with Open and Undo: VS Code shows
   * none of them, and none is saved yet.
   */
  private noticeWhenApplied(title: string, edit: vscode.WorkspaceEdit): void {
    const uris = edit.entries().map(([uri]) => uri);
    const files: ChangedFile[] = uris.map((uri) => ({ path: vscode.workspace.asRelativePath(uri), created: !fs.existsSync(uri.fsPath) }));
    const waiting = new Set(uris.map((uri) => uri.toString()));
    const source = vscode.window.activeTextEditor?.document.uri;
    const stop = (): void => {
      clearTimeout(timeout);
      listener.dispose();
    };
    // A preview may wait for the user; a fix never accepted is never announced.
    const timeout = setTimeout(stop, 10 * 60_000);
    const listener = vscode.workspace.onDidChangeTextDocument((event) => {
      if (!waiting.has(event.document.uri.toString())) return;
      stop();
      this.log.info(fixNotice(title, files));
      void vscode.window.showInformationMessage(fixNotice(title, files), 'Open', 'Undo').then(async (choice) => {
        if (choice === 'Open') {
          for (const uri of uris) await vscode.window.showTextDocument(uri, { preview: false, preserveFocus: uri.toString() !== uris[0]!.toString() });
        } else if (choice === 'Undo') {
          // Undo in the file the fix was chosen in undoes the whole edit (VS Code asks to undo it in every file).
          if (source) await vscode.window.showTextDocument(source);
          await vscode.commands.executeCommand('undo');
        }
      });
    });
  }

  /** Shows the problems of a suppression comment once the cursor left it (or hides them when it came back). */
  private showWaitingProblems(uri: vscode.Uri): void {
    const received = this.diagnostics.get(uri.toString());
    if (!received) return;
    const shown = problemsToShow(received.all, cursorsIn(uri));
    if (shown.length === received.shown) return;
    received.shown = shown.length;
    received.show(uri, shown);
  }

  private showStatus(status: StatusParams): void {
    this.lastStatus = status;
    this.showView(describeStatus(status, (epochMs) => new Date(epochMs).toLocaleTimeString()));
  }

  private showLifecycle(state: ServerLifecycle): void {
    this.showView(describeLifecycle(state));
  }

  private showView(view: StatusView): void {
    this.statusItem.text = view.text;
    this.statusItem.detail = view.detail;
    this.statusItem.busy = view.busy;
    this.statusItem.severity = view.isError ? vscode.LanguageStatusSeverity.Error : view.isWarning ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  }

  private errorHandler(): ErrorHandler {
    return {
      // A failed message is not a dead server; keep the connection.
      error: () => ({ action: ErrorAction.Continue }),
      closed: async (): Promise<CloseHandlerResult> => {
        const decision = this.crashPolicy.onCrash(Date.now());
        if (decision.restart) {
          this.log.warn(`Language server stopped unexpectedly; restarting in ${decision.delayMs} ms (${decision.recentCrashes} recent crashes)`);
          await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
          return { action: CloseAction.Restart, handled: true };
        }
        const message = `The Planewise language server crashed ${decision.recentCrashes} times in a few minutes and was not restarted.`;
        this.log.error(message);
        this.statusItem.busy = false;
        this.statusItem.text = 'Planewise: stopped after crashes';
        this.statusItem.severity = vscode.LanguageStatusSeverity.Error;
        void vscode.window.showErrorMessage(message, 'Restart Server', 'Show Output').then((choice) => {
          if (choice === 'Restart Server') void vscode.commands.executeCommand('planewise.restartServer');
          if (choice === 'Show Output') this.log.show();
        });
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
  }
}

function cursorsIn(uri: vscode.Uri): vscode.Position[] {
  const key = uri.toString();
  return vscode.window.visibleTextEditors.filter((editor) => editor.document.uri.toString() === key).flatMap((editor) => editor.selections.map((selection) => selection.active));
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
