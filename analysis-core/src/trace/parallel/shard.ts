/** One shard of a parallel read: a byte range of a plain file digested on its own. */
import { type DigestAnalyses, type DigestState, TraceDigest } from '../digest';
import type { ParserState } from '../lineParser';
import { readTraceRange } from '../reader';

export interface ShardTask {
  file: string;
  name: string;
  start: number;
  end: number;
  state: ParserState;
  maxLineBytes: number;
  issueCap: number;
  analyses: DigestAnalyses;
}

export interface ShardResult {
  digest: DigestState;
  /** Physical lines in the shard, to number the issues of later shards. */
  lineCount: number;
}

/** A shard digested on this thread: the digest itself, not a copy made for postMessage. */
export interface LiveShardResult {
  digest: TraceDigest;
  lineCount: number;
}

/** Issues carry line numbers relative to the shard (first line = 1) until the caller shifts them. */
export async function digestShard(task: ShardTask, onProgress?: (bytes: number) => void): Promise<ShardResult> {
  const { digest, lineCount } = await digestShardHere(task, onProgress);
  return { digest: digest.state(), lineCount };
}

export async function digestShardHere(task: ShardTask, onProgress?: (bytes: number) => void): Promise<LiveShardResult> {
  const digest = new TraceDigest(task.issueCap, task.analyses);
  const read = await readTraceRange(
    task.file,
    { event: (event) => digest.add(event), issue: (issue) => digest.addIssue({ ...issue, file: task.name }) },
    { start: task.start, end: task.end, startLine: 1, state: task.state, maxLineBytes: task.maxLineBytes, ...(onProgress ? { onProgress } : {}) },
  );
  const report = { name: task.name, ...read.counts, ...(read.fatal !== undefined ? { fatal: read.fatal } : {}) };
  digest.addFile(report);
  return { digest, lineCount: read.checkpoint.line - 1 };
}
