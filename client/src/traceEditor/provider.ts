/**
 * The `planewise.traceViewer` custom editor: a read-only view of a trace file
 * that never loads the file into a text document. Each open editor gets its
 * own worker thread (reading, aggregation, row look-ups) and a webview that
 * only renders what it is sent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { renderShell } from '../webview/html';
import { type FromWebview, type ToWebview, appendOperations, parseFromWebview } from '../webview/messages';
import { runTraceJob, workerScript, JobCancelledError } from './jobRunner';
import { isCompressedTrace, readerSettings } from './settings';
import type { HostToWorker, WorkerToHost } from './workerProtocol';
import type { TraceDiff } from '@planewise/analysis-core/trace';
import { diffChanges, diffHeadline } from './diffView';
import { fieldRange } from './fieldRange';
import { pickPolicyFormat, policyFormatChoice } from '../commands/policyFormats';

/** What a test can read back about an open viewer: the last of each message sent to its webview. */
export interface TraceViewState {
  uri: string;
  ready: boolean;
  progress?: Extract<ToWebview, { type: 'progress' }>['progress'];
  summary?: Extract<ToWebview, { type: 'summary' }>['summary'];
  problems?: Extract<ToWebview, { type: 'summary' }>['problems'];
  policy?: Extract<ToWebview, { type: 'policy' }>['policy'];
  /** The principal's policy the viewer shows. */
  principalPolicy?: Extract<ToWebview, { type: 'principalPolicy' }>['detail'];
  compare?: Extract<ToWebview, { type: 'compare' }>['compare'];
  rejectedMessages: number;
}

class TraceDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

export class TraceEditorProvider implements vscode.CustomReadonlyEditorProvider<TraceDocument> {
  static readonly viewType = 'planewise.traceViewer';
  private readonly viewers = new Set<TraceViewer>();
  private active: TraceViewer | undefined;
  /** Invalid lines of open traces, shown in their text editors and the Problems panel. */
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('planewise-trace');

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    context.subscriptions.push(this.diagnostics);
  }

  openCustomDocument(uri: vscode.Uri): TraceDocument {
    return new TraceDocument(uri);
  }

  resolveCustomEditor(document: TraceDocument, panel: vscode.WebviewPanel): void {
    const viewer = new TraceViewer(this.context, this.log, document.uri, panel, this.diagnostics);
    this.viewers.add(viewer);
    this.active = viewer;
    panel.onDidChangeViewState(() => {
      if (panel.active) this.active = viewer;
    });
    panel.onDidDispose(() => {
      this.viewers.delete(viewer);
      if (this.active === viewer) this.active = undefined;
      viewer.dispose();
    });
  }

  /** The viewer of `uri`, or the active one. */
  viewer(uri?: vscode.Uri): TraceViewer | undefined {
    if (!uri) return this.active;
    return [...this.viewers].find((viewer) => viewer.uri.toString() === uri.toString());
  }
}

export class TraceViewer implements vscode.Disposable {
  readonly state: TraceViewState;
  private readonly worker: Worker;
  private readonly disposables: vscode.Disposable[] = [];
  /** The JSON Lines copy of a compressed or binary trace, read by the worker and shown as text. */
  private readonly copyFile: string;
  private readonly pendingPolicy = new Map<number, (reply: { json?: string; notes?: string[]; error?: string }) => void>();
  private nextRequestId = 1;
  private updateTimer: NodeJS.Timeout | undefined;
  private compareCancel: vscode.CancellationTokenSource | undefined;
  private disposed = false;
  /**
   * Measures, while this viewer's worker reads, the extension host's event-loop
   * delay (everything running in the host) and the longest time this viewer's
   * own handling of one worker message took: reading must never block the host.
   */
  private readWatch: { started: number; delay: IntervalHistogram; longestHandlingMs: number } | undefined;
  private readonly relayQueue: WorkerToHost[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    readonly uri: vscode.Uri,
    private readonly panel: vscode.WebviewPanel,
    private readonly diagnostics: vscode.DiagnosticCollection,
  ) {
    this.state = { uri: uri.toString(), ready: false, rejectedMessages: 0 };
    const webview = panel.webview;
    webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'client', 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')],
    };
    webview.html = renderShell({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'client', 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'webview.css')).toString(),
      title: path.basename(uri.fsPath),
      view: 'trace',
    });
    this.disposables.push(webview.onDidReceiveMessage((message: unknown) => this.fromWebview(message)));

    // Written only when the worker finds the trace compressed or binary.
    const base = path.basename(uri.fsPath);
    this.copyFile = path.join(os.tmpdir(), `planewise-${process.pid}-${Date.now()}-${base.endsWith('.gz') ? base.slice(0, -3) : `${base}.jsonl`}`);
    const settings = readerSettings(uri);
    this.worker = new Worker(workerScript(context));
    this.worker.on('message', (message: WorkerToHost) => this.fromWorker(message));
    this.worker.on('error', (error) => this.post({ type: 'notice', level: 'error', message: `The trace reader failed: ${error.message}` }));
    this.toWorker({
      type: 'open',
      options: {
        file: uri.fsPath,
        copyFile: this.copyFile,
        maxLineBytes: settings.maxLineBytes,
        maxProblems: settings.maxProblems,
        live: true,
      },
    });
    this.watch();
  }

  dispose(): void {
    this.disposed = true;
    this.readWatch?.delay.disable();
    clearTimeout(this.updateTimer);
    this.compareCancel?.cancel();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.diagnostics.delete(this.textUri);
    void this.worker.terminate();
    fs.rm(this.copyFile, { force: true }, () => undefined);
  }

  /** Watches the file: VS Code's watcher, plus fs.watch for files outside the workspace. */
  private watch(): void {
    const onChange = () => {
      clearTimeout(this.updateTimer);
      this.updateTimer = setTimeout(() => this.toWorker({ type: 'update' }), 150);
    };
    const folder = vscode.Uri.file(path.dirname(this.uri.fsPath));
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, path.basename(this.uri.fsPath)));
    this.disposables.push(watcher, watcher.onDidChange(onChange), watcher.onDidCreate(onChange));
    try {
      const nodeWatcher = fs.watch(this.uri.fsPath, { persistent: false }, onChange);
      nodeWatcher.on('error', () => nodeWatcher.close());
      this.disposables.push({ dispose: () => nodeWatcher.close() });
    } catch (error) {
      this.log.debug(`fs.watch unavailable for ${this.uri.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private toWorker(message: HostToWorker): void {
    if (this.disposed) return;
    if ((message.type === 'open' || message.type === 'update' || message.type === 'reload') && !this.readWatch) {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      this.readWatch = { started: performance.now(), delay, longestHandlingMs: 0 };
    }
    this.worker.postMessage(message);
  }

  /** Logs how long a read took and how long the host's event loop was held up meanwhile (info for big reads, debug for small appends). */
  private endReadWatch(bytes: number): void {
    const watch = this.readWatch;
    if (!watch) return;
    this.readWatch = undefined;
    watch.delay.disable();
    const line = `Read ${path.basename(this.uri.fsPath)} (${(bytes / 1e6).toFixed(1)} MB) in ${Math.round(performance.now() - watch.started)} ms; extension host event loop delay: max ${(watch.delay.max / 1e6).toFixed(1)} ms, p99 ${(watch.delay.percentile(99) / 1e6).toFixed(1)} ms; longest handling of one reader message: ${watch.longestHandlingMs.toFixed(1)} ms`;
    if (bytes >= 8e6) this.log.info(line);
    else this.log.debug(line);
  }

  private post(message: ToWebview): void {
    switch (message.type) {
      case 'progress':
        this.state.progress = message.progress;
        break;
      case 'summary':
        this.state.summary = { ...message.summary, operations: [...message.summary.operations] };
        this.state.problems = message.problems;
        break;
      case 'operations':
        appendOperations(this.state.summary, message);
        break;
      case 'policy':
        this.state.policy = message.policy;
        break;
      case 'principalPolicy':
        this.state.principalPolicy = message.detail;
        break;
      case 'compare':
        this.state.compare = message.compare;
        break;
      default:
        break;
    }
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  /**
   * Relays worker messages one per turn of the event loop. A read ends with
   * several messages at once (the last summary, the rest of the operations,
   * the policy overview), which Node delivers in a single turn; relaying them
   * all there, each serialised again for the webview, held the host for one
   * long stretch instead of a few short ones.
   */
  private fromWorker(message: WorkerToHost): void {
    this.relayQueue.push(message);
    if (this.relayQueue.length === 1) setImmediate(() => this.relayNext());
  }

  private relayNext(): void {
    const message = this.relayQueue.shift();
    if (message === undefined || this.disposed) return;
    const watch = this.readWatch;
    const started = performance.now();
    this.relay(message);
    if (watch) watch.longestHandlingMs = Math.max(watch.longestHandlingMs, performance.now() - started);
    if (this.relayQueue.length > 0) setImmediate(() => this.relayNext());
  }

  private relay(message: WorkerToHost): void {
    switch (message.type) {
      case 'progress':
        if (message.progress.phase !== 'reading') this.endReadWatch(message.progress.totalBytes);
        return this.post({ type: 'progress', progress: message.progress });
      case 'snapshot':
        this.diagnostics.set(this.textUri, problemDiagnostics(message.problems));
        return this.post({ type: 'summary', summary: message.summary, problems: message.problems });
      case 'operations':
        return this.post({ type: 'operations', start: message.start, rows: message.rows });
      case 'policy':
        return this.post({ type: 'policy', policy: message.policy });
      case 'principalPolicy':
        if (message.detail) return this.post({ type: 'principalPolicy', detail: message.detail });
        return this.post({ type: 'notice', level: 'error', message: message.error ?? 'no policy' });
      case 'rows':
        return this.post({ type: 'rows', page: message.page });
      case 'policyJson':
        this.pendingPolicy.get(message.requestId)?.(message);
        this.pendingPolicy.delete(message.requestId);
        return;
      default:
        return;
    }
  }

  /** Every webview message enters here and is validated first. */
  fromWebview(raw: unknown): void {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.state.rejectedMessages += 1;
      this.log.warn(`Trace viewer: ${parsed.error}`);
      return;
    }
    this.handle(parsed.message).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error(`Trace viewer: ${message}`);
      this.post({ type: 'notice', level: 'error', message });
    });
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.state.ready = true;
        this.post({ type: 'file', file: { name: path.basename(this.uri.fsPath), path: this.uri.fsPath, compressed: isCompressedTrace(this.uri) } });
        // A webview that reloads gets the current state again.
        if (this.state.progress) this.post({ type: 'progress', progress: this.state.progress });
        if (this.state.summary && this.state.problems) this.post({ type: 'summary', summary: this.state.summary, problems: this.state.problems });
        if (this.state.policy) this.post({ type: 'policy', policy: this.state.policy });
        if (this.state.compare) this.post({ type: 'compare', compare: this.state.compare });
        return;
      case 'cancel':
        return this.toWorker({ type: 'cancel' });
      case 'reload':
        return this.toWorker({ type: 'reload' });
      case 'requestRows':
        return this.toWorker({ type: 'rows', requestId: message.requestId, start: message.start, count: message.count, filter: message.filter, ...(message.sort ? { sort: message.sort } : {}) });
      case 'openLine':
        return this.openLine(message.line);
      case 'showPrincipal':
        return this.toWorker({ type: 'principalPolicy', principal: message.principal });
      case 'setPolicyOptions':
        return this.toWorker({ type: 'policyOptions', options: message.options });
      case 'copyPolicy': {
        await vscode.env.clipboard.writeText(await this.policyJson(message.principal));
        this.post({ type: 'notice', level: 'info', message: message.principal ? `Copied the policy of ${message.principal}.` : 'Copied the policy.' });
        return;
      }
      case 'savePolicy':
        await this.savePolicy();
        return;
      case 'pickCompare':
        return this.pickCompare();
      case 'cancelCompare':
        this.compareCancel?.cancel();
        return;
      case 'openAsText':
        return this.openAsText();
      case 'viewChanged':
        return;
    }
  }

  policyJson(principal?: string): Promise<string> {
    return this.policyText(principal).then((reply) => reply.text);
  }

  /** The policy as the worker writes it: one principal's document, or all of them as `format`. */
  private policyText(principal?: string, format?: string): Promise<{ text: string; notes: string[] }> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.pendingPolicy.set(requestId, (reply) => (reply.json !== undefined ? resolve({ text: reply.json, notes: reply.notes ?? [] }) : reject(new Error(reply.error ?? 'no policy'))));
      this.toWorker({ type: 'policyJson', requestId, ...(principal !== undefined ? { principal } : {}), ...(format !== undefined ? { format } : {}) });
    });
  }

  /**
   * Saves the policy where the user chooses, in the format they pick (the
   * formats of `planewise policy --format`); the save dialog asks before
   * replacing a file. A target given without a format gets the JSON.
   */
  async savePolicy(target?: vscode.Uri, formatName?: string): Promise<vscode.Uri | undefined> {
    const format = formatName !== undefined || target !== undefined ? policyFormatChoice(formatName ?? 'json') : await pickPolicyFormat('Save the policy as');
    if (!format) return undefined;
    const base = path.basename(this.uri.fsPath).replace(/\.trace\.jsonl(\.gz)?$/, '');
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(path.dirname(this.uri.fsPath), `${base}${format.fileSuffix}`)),
        filters: { [format.label]: [format.fileSuffix.split('.').pop()!] },
        saveLabel: 'Save Policy',
        title: 'Save the generated policy',
      }));
    if (!uri) return undefined;
    const { text, notes } = await this.policyText(undefined, format.name);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    const noted = notes.length === 0 ? '' : ` ${notes[0]}${notes.length > 1 ? ` (and ${notes.length - 1} more)` : ''}`;
    this.post({ type: 'notice', level: 'info', message: `Saved the policy to ${uri.fsPath}.${noted}` });
    return uri;
  }

  /** The file the text editor shows: the trace, or its JSON Lines copy when the worker made one. */
  private get textUri(): vscode.Uri {
    return fs.existsSync(this.copyFile) ? vscode.Uri.file(this.copyFile) : this.uri;
  }

  /**
   * Shows a raw line in one text editor beside the viewer, reused on every
   * click, with the line selected or, for an invalid line, the field its
   * problem names.
   */
  private async openLine(line: number): Promise<void> {
    const target = this.textUri;
    const document = await vscode.workspace.openTextDocument(target);
    if (line > document.lineCount) return;
    const open = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === target.toString());
    const text = document.lineAt(line - 1).text;
    const reason = this.state.problems?.items.find((problem) => problem.line === line)?.reason;
    const field = reason === undefined ? undefined : fieldRange(text, reason);
    const selection = field ? new vscode.Range(line - 1, field.start, line - 1, field.end) : new vscode.Range(line - 1, 0, line - 1, text.length);
    const editor = await vscode.window.showTextDocument(document, { viewColumn: open?.viewColumn ?? vscode.ViewColumn.Beside, preview: true, selection });
    editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** Replaces this viewer's tab with the text editor, in the same group and place. */
  private async openAsText(): Promise<void> {
    const tab = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .find((candidate) => candidate.input instanceof vscode.TabInputCustom && candidate.input.viewType === TraceEditorProvider.viewType && candidate.input.uri.toString() === this.uri.toString());
    await vscode.commands.executeCommand('vscode.openWith', this.uri, 'default', this.panel.viewColumn);
    if (tab) await vscode.window.tabGroups.close(tab);
  }

  /**
   * Offers only traces: the workspace's trace files and the folders that hold
   * them, then "Browse…" for one elsewhere (a dialog filtered to traces).
   */
  private async pickTraceToCompare(): Promise<vscode.Uri | undefined> {
    const files = (await vscode.workspace.findFiles('**/*.trace.{jsonl,jsonl.gz}', '**/node_modules/**', 2_000)).filter((file) => file.toString() !== this.uri.toString());
    const folders = [...new Map(files.map((file) => [path.dirname(file.fsPath), vscode.Uri.file(path.dirname(file.fsPath))])).values()];
    type Choice = vscode.QuickPickItem & { uri?: vscode.Uri };
    const choices: Choice[] = [
      ...files.map((uri) => ({ label: `$(file) ${path.basename(uri.fsPath)}`, description: vscode.workspace.asRelativePath(path.dirname(uri.fsPath)), uri })),
      ...folders.map((uri) => ({ label: `$(folder) ${vscode.workspace.asRelativePath(uri)}`, description: 'every trace in the folder', uri })),
      { label: '$(folder-opened) Browse…', description: 'a trace or folder outside the workspace' },
    ];
    const choice = await vscode.window.showQuickPick(choices, { title: 'Compare this trace (before) with…', placeHolder: 'A trace file or a folder of traces (after)', matchOnDescription: true });
    if (!choice) return undefined;
    if (choice.uri) return choice.uri;
    return (
      await vscode.window.showOpenDialog({
        canSelectFiles: true,
        canSelectFolders: true,
        canSelectMany: false,
        defaultUri: vscode.Uri.file(path.dirname(this.uri.fsPath)),
        openLabel: 'Compare',
        title: 'Choose the trace (or folder of traces) to compare with',
        filters: { 'Traces (*.trace.jsonl, *.trace.jsonl.gz)': ['jsonl', 'gz'] },
      })
    )?.[0];
  }

  /** Compares this trace (before) with another trace or folder (after). */
  async pickCompare(other?: vscode.Uri): Promise<void> {
    const picked = other ?? (await this.pickTraceToCompare());
    if (!picked) return;
    const otherName = vscode.workspace.asRelativePath(picked);
    this.compareCancel?.cancel();
    const cancel = (this.compareCancel = new vscode.CancellationTokenSource());
    this.post({ type: 'compare', compare: { state: 'running', otherName, changes: [] } });
    try {
      const result = await runTraceJob(this.context, `Comparing with ${otherName}`, { kind: 'diff', before: [this.uri.fsPath], after: [picked.fsPath] }, this.uri, cancel.token);
      this.post({ type: 'compare', compare: { state: 'done', otherName, headline: diffHeadline(result.data as TraceDiff), changes: diffChanges(result.data as TraceDiff) } });
    } catch (error) {
      const cancelled = error instanceof JobCancelledError;
      this.post({
        type: 'compare',
        compare: { state: cancelled ? 'cancelled' : 'error', otherName, changes: [], ...(cancelled ? {} : { message: error instanceof Error ? error.message : String(error) }) },
      });
    }
  }
}

/** Every problem of the viewer as a diagnostic on its line of the text file. */
export function problemDiagnostics(problems: Extract<ToWebview, { type: 'summary' }>['problems']): vscode.Diagnostic[] {
  return problems.items.map((problem) => {
    const severity = problem.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error;
    const diagnostic = new vscode.Diagnostic(new vscode.Range(problem.line - 1, 0, problem.line - 1, Number.MAX_SAFE_INTEGER), problem.reason, severity);
    diagnostic.source = 'planewise';
    return diagnostic;
  });
}
