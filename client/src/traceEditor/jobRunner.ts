/**
 * Runs a trace command's job on a worker thread with a cancellable progress
 * notification. Cancelling terminates the worker: whatever it was reading
 * stops at once and the extension host never waited on it.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import { formatBytes } from '../webview/format';
import { readerSettings } from './settings';
import type { HostToWorker, Job, JobResult, WorkerToHost } from './workerProtocol';

export class JobCancelledError extends Error {
  constructor() {
    super('Cancelled.');
  }
}

export function workerScript(context: vscode.ExtensionContext): string {
  return context.asAbsolutePath(path.join('client', 'dist', 'trace-editor-worker.js'));
}

export async function runTraceJob(
  context: vscode.ExtensionContext,
  title: string,
  job: Job,
  scope: vscode.Uri | undefined,
  extraCancel?: vscode.CancellationToken,
): Promise<JobResult> {
  const settings = readerSettings(scope);
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
    new Promise<JobResult>((resolve, reject) => {
      const worker = new Worker(workerScript(context));
      let settled = false;
      let reported = 0;
      const finish = (action: () => void) => {
        if (settled) return;
        settled = true;
        subscription.dispose();
        void worker.terminate();
        action();
      };
      const cancel = () => finish(() => reject(new JobCancelledError()));
      const cancelSubscriptions = [token.onCancellationRequested(cancel), ...(extraCancel ? [extraCancel.onCancellationRequested(cancel)] : [])];
      const subscription = { dispose: () => cancelSubscriptions.forEach((item) => item.dispose()) };
      worker.on('message', (message: WorkerToHost) => {
        if (message.type === 'jobProgress') {
          const percent = message.total > 0 ? Math.floor((message.done / message.total) * 100) : 0;
          progress.report({ message: `${message.files} files, ${formatBytes(message.done)} of ${formatBytes(message.total)}`, increment: percent - reported });
          reported = percent;
        } else if (message.type === 'jobDone') finish(() => resolve(message.result));
        else if (message.type === 'jobFailed') finish(() => reject(new Error(message.message)));
      });
      worker.on('error', (error) => finish(() => reject(error)));
      worker.on('exit', (code) => finish(() => reject(new Error(`the trace worker stopped (exit code ${code})`))));
      const request: HostToWorker = {
        type: 'job',
        job,
        options: {
          cwd,
          maxLineBytes: settings.maxLineBytes,
          maxProblems: settings.maxProblems,
          maxFiles: settings.maxFiles,
          shardWorker: context.asAbsolutePath(path.join('analysis-core', 'dist', 'trace-worker.js')),
        },
      };
      worker.postMessage(request);
    }),
  );
}
