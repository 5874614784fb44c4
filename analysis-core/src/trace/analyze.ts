/**
 * One pass over all the inputs into a TraceDigest. A large plain file is cut
 * into byte ranges that are digested on worker threads while this thread
 * takes the first range; the shard digests are merged in file order.
 * Compressed files and files of length-prefixed records (OTLP/protobuf) are
 * read front to back on one thread: a range cannot find the next record or
 * line boundary inside them without reading everything before it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { ALL_ANALYSES, DEFAULT_ISSUE_CAP, type DigestAnalyses, TraceDigest } from './digest';
import type { TraceSource } from './inputs';
import { type ParserState, initialParserState } from './lineParser';
import { DEFAULT_PARALLEL_MIN_BYTES, bundledWorkerScript, defaultJobs, takePrestartedWorker } from './parallel/prestart';
import { type ShardResult, type ShardTask, digestShardHere, guidedRangeStarts, mergeShards, newClaims, wasAbandoned } from './parallel/shard';
import { DEFAULT_MAX_LINE_BYTES, readTraceFile, readTraceRange, readTraceStream, traceFileForm } from './reader';

export { DEFAULT_PARALLEL_MIN_BYTES, defaultJobs };

export const MIN_RANGE_BYTES = 4 * 1024 * 1024;
const MAX_RANGE_BYTES = 64 * 1024 * 1024;

export interface AnalyzeOptions {
  /** The accumulators to feed (default both); the other stays empty. */
  analyses?: DigestAnalyses;
  maxLineBytes?: number;
  /** The bound on one record of a JSON document spread over lines. */
  maxDocumentBytes?: number;
  /** The most threads to use for one file of parallelMinBytes or more (this one included). Default: defaultJobs(). */
  jobs?: number;
  /** Files smaller than this are read on one thread. Default: DEFAULT_PARALLEL_MIN_BYTES. */
  parallelMinBytes?: number;
  /** Size of the byte ranges the threads claim one by one. Default: shrinking from 64 MiB to 4 MiB toward the end of the file (see guidedRangeStarts). */
  rangeBytes?: number;
  issueCap?: number;
  /** Where `-` reads from. */
  stdin?: Readable;
  /** Bytes done and in total: the plain and compressed file sizes, or 0 (unknown) when a stream such as stdin is among the inputs. */
  onProgress?(done: number, total: number): void;
  /** The bundled worker script; found next to this code when not given. Without one, shards run on this thread. */
  workerScript?: string;
}

interface WorkerEntry {
  script: string;
  /** The script is JavaScript source to evaluate, not a file name. */
  eval: boolean;
}

/**
 * The most threads that can help: one per CPU, and one per range of the
 * largest file (a thread without a range only costs its start-up and heap).
 */
export function maxUsefulJobs(largestFileBytes: number, rangeBytes = MIN_RANGE_BYTES): number {
  return Math.max(1, Math.min(os.availableParallelism(), Math.ceil(largestFileBytes / rangeBytes)));
}

function findWorker(explicit: string | undefined): WorkerEntry | undefined {
  if (explicit !== undefined) return { script: explicit, eval: false };
  if (__filename.endsWith('.ts')) {
    // Running from source (tests through tsx): load the TypeScript worker through tsx's require hook.
    const source = path.join(__dirname, 'parallel', 'worker.ts');
    return { script: `require('tsx/cjs/api').register(); require(${JSON.stringify(source)});`, eval: true };
  }
  const bundled = bundledWorkerScript(__dirname);
  return bundled !== undefined ? { script: bundled, eval: false } : undefined;
}

function runWorker(entry: WorkerEntry, task: ShardTask, onBytes: (bytes: number) => void): Promise<ShardResult> {
  return new Promise((resolve, reject) => {
    const worker = (entry.eval ? undefined : takePrestartedWorker(entry.script)) ?? new Worker(entry.script, { eval: entry.eval });
    worker.postMessage(task);
    let settled = false;
    worker.on('message', (message: { type: string; bytes?: number; result?: ShardResult; message?: string }) => {
      if (message.type === 'progress') onBytes(message.bytes ?? 0);
      else if (message.type === 'done') {
        settled = true;
        // The worker's heap is released while the merge runs: waiting for it first cost 0.1 s at 1 GB.
        resolve(message.result!);
        void worker.terminate();
      } else if (message.type === 'error') {
        settled = true;
        reject(new Error(message.message));
        void worker.terminate();
      }
    });
    worker.on('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`trace worker stopped with exit code ${code}`));
    });
  });
}

/** What the first line says about the file (format, version), so every shard reads it the same way. */
async function probeState(file: string, maxLineBytes: number): Promise<ParserState | undefined> {
  const read = await readTraceRange(file, { event: () => undefined }, { start: 0, end: 1, startLine: 1, state: initialParserState(), maxLineBytes });
  // A file refused at its header is read on one thread, which stops at the header; so is a multi-line document, which has no line boundaries to cut at.
  return read.fatal === undefined && read.checkpoint.state.document !== true ? read.checkpoint.state : undefined;
}

async function digestInParallel(
  source: { path: string; name: string; size: number },
  state: ParserState,
  jobs: number,
  worker: WorkerEntry,
  options: AnalyzeOptions,
  issueCap: number,
  onBytes: (bytes: number) => void,
): Promise<TraceDigest | undefined> {
  // Newline-aligned cuts happen inside the reader.
  const cores = Math.min(jobs, os.availableParallelism());
  const rangeStarts = guidedRangeStarts(source.size, cores, options.rangeBytes ?? MIN_RANGE_BYTES, options.rangeBytes ?? MAX_RANGE_BYTES);
  const threads = Math.min(cores, rangeStarts.length);
  const task: ShardTask = {
    file: source.path,
    name: source.name,
    size: source.size,
    rangeStarts,
    claims: newClaims(),
    state,
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    issueCap,
    analyses: options.analyses ?? ALL_ANALYSES,
  };
  // This thread claims ranges too, into a digest it keeps; the workers' come back as plain data.
  let previous = 0;
  const [here, ...elsewhere] = await Promise.all([
    digestShardHere(task, (bytes) => {
      onBytes(bytes - previous);
      previous = bytes;
    }),
    ...Array.from({ length: threads - 1 }, () => runWorker(worker, task, onBytes)),
  ]);
  return wasAbandoned(task.claims) ? undefined : mergeShards(here, elsewhere);
}

/**
 * A CloudTrail delivery file is one line holding every record of a few
 * minutes, tens of MB in a busy account: files named as CloudTrail delivers
 * them get a bound that fits them (still a bound: the line is one string).
 */
export const CLOUDTRAIL_MAX_LINE_BYTES = 256 * 1024 * 1024;

function defaultMaxLineBytes(name: string): number {
  const parts = name.split(/[\\/]/);
  const deliveredByCloudTrail = /_CloudTrail_/.test(parts.at(-1) ?? '') || (parts.includes('AWSLogs') && parts.includes('CloudTrail'));
  return deliveredByCloudTrail ? CLOUDTRAIL_MAX_LINE_BYTES : DEFAULT_MAX_LINE_BYTES;
}

export async function analyzeTraces(sources: TraceSource[], options: AnalyzeOptions = {}): Promise<TraceDigest> {
  const issueCap = options.issueCap ?? DEFAULT_ISSUE_CAP;
  const jobs = Math.max(1, options.jobs ?? defaultJobs());
  const threshold = options.parallelMinBytes ?? DEFAULT_PARALLEL_MIN_BYTES;
  const worker = jobs > 1 ? findWorker(options.workerScript) : undefined;
  // A stream's size is unknown until it ends, and so is the total then: 0.
  const sized = sources.every((source) => source.kind === 'file');
  let total = sized ? sources.reduce((sum, source) => sum + (source.kind === 'file' ? source.size : 0), 0) : 0;
  let done = 0;
  const progress = (bytes: number) => {
    done += bytes;
    if (sized && done > total) total = done;
    options.onProgress?.(done, total);
  };
  const analyses = options.analyses ?? ALL_ANALYSES;
  let digest = new TraceDigest(issueCap, analyses);
  for (const source of sources) {
    if (source.kind === 'file' && jobs > 1 && worker !== undefined && source.size >= threshold && (await traceFileForm(source.path)) === 'lines') {
      const state = await probeState(source.path, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
      if (state !== undefined) {
        const parallel = await digestInParallel(source, state, jobs, worker, options, issueCap, progress);
        if (parallel !== undefined) {
          // The first input's digest is the result as it is: merging it into an empty one copied every accumulator (0.1 s at 1 GB).
          if (digest.files.length === 0) digest = parallel;
          else digest.merge(parallel);
          continue;
        }
        // A header partway through: read again on one thread, the bytes counted twice in the progress total.
        if (sized) total += source.size;
      }
    }
    const sink = digest.coreSink({ issue: (issue) => digest.addIssue({ ...issue, file: source.name }) });
    let previous = 0;
    const readOptions = {
      maxLineBytes: options.maxLineBytes ?? defaultMaxLineBytes(source.kind === 'stdin' ? source.name : source.path),
      ...(options.maxDocumentBytes !== undefined ? { maxDocumentBytes: options.maxDocumentBytes } : {}),
      onProgress: (bytes: number) => {
        progress(bytes - previous);
        previous = bytes;
      },
    };
    const read =
      source.kind === 'file'
        ? await readTraceFile(source.path, sink, readOptions)
        : await readTraceStream(source.kind === 'stream' ? fs.createReadStream(source.path) : (options.stdin ?? process.stdin), source.name, sink, readOptions);
    digest.addFile({ name: source.name, ...read.counts, ...(read.fatal !== undefined ? { fatal: read.fatal } : {}) });
  }
  return digest;
}
