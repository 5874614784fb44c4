/**
 * Messages between the extension host and the trace worker thread. Both ends
 * are this extension's own code, so these are plain types; the untrusted
 * boundary (the webview) is validated in webview/messages.ts.
 */
import type { EventSort, OperationRow, PolicyOptions, PolicyView, PrincipalPolicyView, Problems, Progress, RowsPage, SummaryView } from '../webview/messages';

export interface SessionOptions {
  file: string;
  /**
   * Where a trace that is not plain text (gzip, zstd, length-prefixed
   * OTLP/protobuf records; told from its content) is copied as JSON Lines, so
   * rows can be read at their offsets. Written only for such a trace.
   */
  copyFile: string;
  maxLineBytes: number;
  maxProblems: number;
  /** The file is watched and re-read as it grows. */
  live: boolean;
}

/** Trace commands over many files: one job per worker. */
export type Job =
  | { kind: 'summary'; inputs: string[] }
  /** `format`: `json` (the planewise.policy document, the default) or a name from POLICY_FORMATS. */
  | { kind: 'policy'; inputs: string[]; wildcardThreshold?: number; format?: string }
  | { kind: 'diff'; before: string[]; after: string[] }
  | { kind: 'drift'; policyFile: string; inputs: string[] }
  | { kind: 'report'; inputs: string[]; format: 'html' | 'markdown'; title?: string };

export interface JobOptions {
  cwd: string;
  maxLineBytes: number;
  maxProblems: number;
  /** More input files than this is refused instead of read. */
  maxFiles: number;
  /** analysis-core's bundled shard worker, for large files. */
  shardWorker: string;
}

export type HostToWorker =
  | { type: 'open'; options: SessionOptions }
  | { type: 'update' }
  | { type: 'reload' }
  | { type: 'cancel' }
  | { type: 'rows'; requestId: number; start: number; count: number; filter: string; sort?: EventSort }
  | { type: 'policyOptions'; options: PolicyOptions }
  /** The policy as text: one principal's document, or all of them as `format` (json when absent, else a name from POLICY_FORMATS). */
  | { type: 'policyJson'; requestId: number; principal?: string; format?: string }
  | { type: 'principalPolicy'; principal: string }
  | { type: 'job'; job: Job; options: JobOptions };

export type WorkerToHost =
  | { type: 'progress'; progress: Progress }
  | { type: 'snapshot'; summary: SummaryView; problems: Problems; eventCount: number }
  | { type: 'operations'; start: number; rows: OperationRow[] }
  | { type: 'policy'; policy: PolicyView }
  | { type: 'principalPolicy'; detail?: PrincipalPolicyView; error?: string }
  | { type: 'rows'; page: RowsPage }
  | { type: 'policyJson'; requestId: number; json?: string; notes?: string[]; error?: string }
  | { type: 'jobProgress'; done: number; total: number; files: number }
  | { type: 'jobDone'; result: JobResult }
  | { type: 'jobFailed'; message: string };

export interface JobResult {
  /** The main output: a policy or report document, a summary or diff as text. */
  text: string;
  language: 'json' | 'markdown' | 'html' | 'yaml' | 'plaintext';
  /** One line for a notification. */
  headline: string;
  files: number;
  invalidLines: number;
  /** For a summary or diff: the structured result (rendered by the trace viewer). */
  data?: unknown;
  /** What producing it noted (a policy format's limits, principals it skipped), for the output channel. */
  notes?: string[];
}
