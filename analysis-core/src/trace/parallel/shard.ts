/**
 * One thread's part of a parallel read. The file is cut into ranges that the
 * threads claim one at a time from a shared counter, so a thread that started
 * late or runs slower simply claims fewer. The ranges shrink toward the end of
 * the file (guided self-scheduling), so the threads also finish together: the
 * last range claimed is small. Each thread folds all its ranges
 * into one digest; what depends on a range's place in the file (line numbers
 * of issues) is kept per range until the caller knows every range's length.
 */
import { type DigestAnalyses, type DigestState, TraceDigest } from '../digest';
import type { ParserState, TraceIssue } from '../lineParser';
import { readTraceRange } from '../reader';

export interface ShardTask {
  file: string;
  name: string;
  size: number;
  /** Where each range starts, in file order (the first at 0); a range ends where the next starts, the last at `size`. */
  rangeStarts: number[];
  /** Two Int32s: the index of the next range to claim, and 1 once a range saw a later header (every thread stops). */
  claims: SharedArrayBuffer;
  state: ParserState;
  maxLineBytes: number;
  issueCap: number;
  analyses: DigestAnalyses;
}

/** A range's issues, numbered from its first line, and its length in lines. */
export interface RangeReport {
  index: number;
  lineCount: number;
  issues: TraceIssue[];
  issueTotal: number;
}

export interface ShardResult {
  /** Everything but the issues, which are in `ranges`. */
  digest: DigestState;
  ranges: RangeReport[];
}

/** The ranges this thread read, folded into a live digest (no copy made for postMessage). */
export interface LiveShardResult {
  digest: TraceDigest;
  ranges: RangeReport[];
}

const NEXT_RANGE = 0;
const ABANDONED = 1;

/**
 * Range starts for `threads` readers: each range is the bytes still unassigned
 * divided by twice the thread count, within [minBytes, maxBytes]. A thread
 * that claims the last range while the others finish theirs then idles for
 * at most one small range. Equal bounds give equal ranges.
 */
export function guidedRangeStarts(size: number, threads: number, minBytes: number, maxBytes: number): number[] {
  const starts: number[] = [];
  for (let start = 0; start < size; ) {
    starts.push(start);
    start += Math.min(maxBytes, Math.max(minBytes, Math.ceil((size - start) / (2 * threads))));
  }
  return starts;
}

export function newClaims(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

/**
 * True when a range saw a header after the file's first line (traces joined
 * with `cat`): that header changes how every later line reads (its version),
 * which a range that starts after it cannot know, so the split read is void
 * and the file must be read on one thread.
 */
export function wasAbandoned(claims: SharedArrayBuffer): boolean {
  return Atomics.load(new Int32Array(claims), ABANDONED) === 1;
}

export async function digestShard(task: ShardTask, onProgress?: (bytes: number) => void): Promise<ShardResult> {
  const { digest, ranges } = await digestShardHere(task, onProgress);
  return { digest: digest.state(), ranges };
}

/** Claims and reads ranges until none is left; `onProgress` gets the bytes read so far by this thread. */
export async function digestShardHere(task: ShardTask, onProgress?: (bytes: number) => void): Promise<LiveShardResult> {
  const claims = new Int32Array(task.claims);
  // Issues go to the ranges; the digest gets the cap so the caller can keep it as its result.
  const digest = new TraceDigest(task.issueCap, task.analyses);
  const ranges: RangeReport[] = [];
  let doneBefore = 0;
  for (let index = Atomics.add(claims, NEXT_RANGE, 1); index < task.rangeStarts.length && Atomics.load(claims, ABANDONED) === 0; index = Atomics.add(claims, NEXT_RANGE, 1)) {
    const start = task.rangeStarts[index]!;
    const end = task.rangeStarts[index + 1] ?? task.size;
    const report: RangeReport = { index, lineCount: 0, issues: [], issueTotal: 0 };
    const read = await readTraceRange(
      task.file,
      digest.coreSink({
        issue: (issue) => {
          report.issueTotal += 1;
          if (report.issues.length < task.issueCap) report.issues.push({ ...issue, file: task.name });
        },
      }),
      { start, end, startLine: 1, state: task.state, maxLineBytes: task.maxLineBytes, ...(onProgress ? { onProgress: (bytes: number) => onProgress(doneBefore + bytes) } : {}) },
    );
    doneBefore += end - start;
    if (read.laterHeader) {
      Atomics.store(claims, ABANDONED, 1);
      break;
    }
    digest.addFile({ name: task.name, ...read.counts, ...(read.fatal !== undefined ? { fatal: read.fatal } : {}) });
    report.lineCount = read.checkpoint.line - 1;
    ranges.push(report);
  }
  return { digest, ranges };
}

/** The threads' results as one digest: accumulators merge in any order; issues go in file order, numbered once every range's length is known. */
export function mergeShards(here: LiveShardResult, elsewhere: ShardResult[]): TraceDigest {
  const digest = here.digest;
  for (const result of elsewhere) digest.mergeState(result.digest);
  const ranges = [...here.ranges, ...elsewhere.flatMap((result) => result.ranges)].sort((a, b) => a.index - b.index);
  let lineBase = 0;
  for (const range of ranges) {
    digest.addIssues(range.issues, range.issueTotal, lineBase);
    lineBase += range.lineCount;
  }
  return digest;
}
