/**
 * Where a trace command's inputs come from: the explorer selection or the
 * editor it was run on (VS Code passes the clicked resource and the whole
 * selection), arguments from another extension or a test, or a dialog.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { TraceEditorProvider } from '../traceEditor/provider';

/**
 * Trace names, as analysis-core's directory search knows them: planewise
 * traces, and the OpenTelemetry Collector's files (OTLP/JSON, protobuf,
 * zstd, rotated backups with a timestamp before the last extension).
 */
export const TRACE_FILE = /\.trace\.jsonl(\.gz)?$|\.otlp\.jsonl?(\.gz)?$|\.otlp\.(pb|proto)$|\.otlp\.(json|jsonl|pb|proto)(-\d{4}-[^/]*)?\.zst$|\.otlp-\d{4}-[^/]*\.(json|jsonl|pb|proto)$/;

export function isTraceUri(uri: vscode.Uri): boolean {
  return TRACE_FILE.test(uri.path);
}

export function isUri(value: unknown): value is vscode.Uri {
  return value instanceof vscode.Uri;
}

/** The trace the user is looking at: a trace viewer tab or a trace text editor. */
export function activeTraceUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText) {
    if (isTraceUri(input.uri)) return input.uri;
  }
  return undefined;
}

/** The trace shown in the active tab when that tab is the trace viewer (not a text editor). */
export function activeTraceViewerUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && input.viewType === TraceEditorProvider.viewType ? input.uri : undefined;
}

export interface PickOptions {
  allowMany?: boolean;
  /** Use the active trace instead of asking (default); off when the active trace is already taken. */
  useActive?: boolean;
  /** Where the dialog starts; the first workspace folder otherwise. */
  defaultUri?: vscode.Uri;
}

/** `clicked` and `selection` as VS Code passes them to explorer and editor context menu commands. */
export async function pickTraceInputs(clicked: unknown, selection: unknown, title: string, options: PickOptions = {}): Promise<vscode.Uri[] | undefined> {
  if (Array.isArray(selection) && selection.length > 0 && selection.every(isUri)) return selection;
  if (isUri(clicked)) return [clicked];
  const active = options.useActive === false ? undefined : activeTraceUri();
  if (active) return [active];
  const defaultUri = options.defaultUri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: options.allowMany ?? true,
    openLabel: 'Use',
    title,
    filters: { Traces: ['jsonl', 'gz', 'json', 'pb', 'proto', 'zst'] },
    ...(defaultUri ? { defaultUri } : {}),
  });
}

/** Where a follow-up dialog starts: the folder the first pick was made in. */
export function besidePick(picked: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(picked, '..');
}

export function describeInputs(uris: vscode.Uri[]): string {
  if (uris.length === 1 && uris[0]) return vscode.workspace.asRelativePath(uris[0]);
  return `${uris.length} inputs`;
}

export function baseName(uris: vscode.Uri[]): string {
  const first = uris[0];
  if (!first) return 'traces';
  return path.basename(first.fsPath).replace(/\.trace\.jsonl(\.gz)?$/, '').replace(/\.otlp([.-].*)?$/, '');
}

/** Writes a file the caller named; refuses to replace one unless told to. */
export async function writeNewFile(uri: vscode.Uri, text: string, overwrite: boolean): Promise<void> {
  if (!overwrite) {
    const exists = await vscode.workspace.fs.stat(uri).then(
      () => true,
      () => false,
    );
    if (exists) throw new Error(`${uri.fsPath} already exists; it was not replaced.`);
  }
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
}
