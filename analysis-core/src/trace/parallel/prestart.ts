/**
 * Starting a trace worker before it is needed. A worker takes a few hundred
 * milliseconds to start (a Node environment, then its bundle), longer on a
 * busy machine; started while the CLI is still loading its own bundle, it is
 * ready about when the main thread claims its first range instead of well
 * after. This module imports only Node's own modules, so the CLI can run it
 * before the rest of its bundle is evaluated. A worker started here waits for
 * its task (see worker.ts) and does not keep the process alive until
 * analyzeTraces adopts it; one that is never adopted only cost its start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Smaller files are read on one thread, whatever the thread count: on the
 * 2-core benchmark machine (quiet, file cached, medians of 3) two threads lose
 * at 128 MiB (summarize 1.60 s against 1.12 s) and 256 MiB (1.80 against
 * 1.45; policy 2.34 against 2.09), tie at 512 MiB (2.21 against 2.12; policy
 * 3.07 against 3.15), and win at 1 GiB (3.41 against 4.02; policy 4.55
 * against 4.94): starting a worker, and two readers contending for memory
 * bandwidth. An explicit `jobs` is a maximum: a split that is slower than
 * one thread is never asked for.
 */
export const DEFAULT_PARALLEL_MIN_BYTES = 512 * 1024 * 1024;

/**
 * Cores that are idle right now, at most 4: a second thread only pays when a
 * core is free for it (on a busy machine two threads contend and run slower
 * than one).
 */
export function defaultJobs(): number {
  const cores = os.availableParallelism();
  const busy = Math.floor(os.loadavg()[0] ?? 0);
  return Math.max(1, Math.min(4, cores - busy));
}

const started = new Map<string, Worker[]>();

/** Starts `count` workers of `script` now, to be taken by takePrestartedWorker; returns them. */
export function prestartWorkers(script: string, count: number): Worker[] {
  const workers = started.get(script) ?? [];
  started.set(script, workers);
  const startedNow: Worker[] = [];
  for (let index = 0; index < count; index++) {
    const worker = new Worker(script);
    worker.unref();
    // A worker that fails to start is not handed out: the read starts another and reports its error.
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      const waiting = workers.indexOf(worker);
      if (waiting >= 0) workers.splice(waiting, 1);
    });
    workers.push(worker);
    startedNow.push(worker);
  }
  return startedNow;
}

/** A worker of `script` started earlier and waiting for its task, or undefined. */
export function takePrestartedWorker(script: string): Worker | undefined {
  const worker = started.get(script)?.shift();
  worker?.ref();
  return worker;
}

/** The bundled worker beside the running bundle, when running from one. */
export function bundledWorkerScript(directory: string): string | undefined {
  const bundled = path.join(directory, 'trace-worker.js');
  return fs.existsSync(bundled) ? bundled : undefined;
}

/**
 * Starts the workers a command line will use, when that is clear from the
 * arguments alone: `--jobs` (or the idle cores) above 1, and a trace file of
 * DEFAULT_PARALLEL_MIN_BYTES or more named directly. Directories, globs,
 * stdin and compressed files are left to analyzeTraces, which starts its own
 * workers when it needs them (a compressed file then wasted one start).
 */
export function prestartForArguments(args: readonly string[], script: string): void {
  let jobs: number | undefined;
  let largest = 0;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--jobs' || arg.startsWith('--jobs=')) {
      jobs = Number(arg === '--jobs' ? args[++index] : arg.slice('--jobs='.length));
      continue;
    }
    if (arg.startsWith('-') || /\.(gz|zst|zstd)$/.test(arg)) continue;
    try {
      const stat = fs.statSync(arg);
      if (stat.isFile()) largest = Math.max(largest, stat.size);
    } catch {
      // Not a file this guess can use; the command reports what is wrong with it.
    }
  }
  if (largest < DEFAULT_PARALLEL_MIN_BYTES) return;
  const threads = Math.min(jobs ?? defaultJobs(), os.availableParallelism());
  if (Number.isInteger(threads) && threads > 1) prestartWorkers(script, threads - 1);
}
