/** The trace reader settings, read per resource. */
import * as vscode from 'vscode';

export interface ReaderSettings {
  maxLineBytes: number;
  maxProblems: number;
  maxFiles: number;
}

export function readerSettings(scope?: vscode.Uri): ReaderSettings {
  const config = vscode.workspace.getConfiguration('planewise.traceReader', scope);
  return {
    maxLineBytes: positive(config.get<number>('maxLineBytes'), 1_048_576),
    maxProblems: positive(config.get<number>('maxProblems'), 1_000),
    maxFiles: positive(config.get<number>('maxFiles'), 100_000),
  };
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}

export function isCompressedTrace(uri: vscode.Uri): boolean {
  return uri.path.endsWith('.gz');
}
