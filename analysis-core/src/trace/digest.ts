/**
 * Everything one pass over trace input produces: per-file line counts, the
 * issues found (capped, with the total), and the summarize and policy
 * accumulators. Digests merge associatively, so files, byte-range shards and
 * separate runs combine into one; `state()` is plain data for postMessage.
 */
import { PolicyAccumulator, type PolicyState, type PrincipalScope } from './analyses/policy';
import { SummaryAccumulator, type SummaryState } from './analyses/summarize';
import type { CoreScannerOptions } from './fast/coreScanner';
import { type FastTallies, fastTallies } from './fast/tallies';
import type { CoreEventSink, EventLocation, LineCounts, TraceIssue } from './lineParser';
import type { CoreTraceEvent } from './schema';

export const DEFAULT_ISSUE_CAP = 1000;

export interface FileReport extends LineCounts {
  name: string;
  /** Why the rest of the file was not read, if it was not. */
  fatal?: string;
}

/** Which accumulators a pass feeds; a command that needs one skips the other's cost. */
export interface DigestAnalyses {
  summary: boolean;
  policy: boolean;
  /** Which principals the policy keeps, and how many at most (DEFAULT_MAX_PRINCIPALS when unset). */
  principals?: PrincipalScope;
}

export const ALL_ANALYSES: DigestAnalyses = { summary: true, policy: true };

export interface DigestState {
  issueCap: number;
  analyses: DigestAnalyses;
  files: FileReport[];
  issues: TraceIssue[];
  issueTotal: number;
  summary: SummaryState;
  policy: PolicyState;
}

/** What a caller of `coreSink` sees besides the digest's own counting. */
export interface DigestSinkHooks {
  /** Every issue (the digest does not keep them: the caller names the file, or keeps them per range). */
  issue(issue: TraceIssue): void;
  /** An event the fast path did not answer, after the digest added it. */
  event?(event: CoreTraceEvent, at: EventLocation): void;
  /** Where a line the fast path counted sits (the viewer indexes its rows). */
  countedAt?(offset: number, length: number, line: number): void;
}

export class TraceDigest {
  files: FileReport[] = [];
  /** The first `issueCap` issues in input order. */
  issues: TraceIssue[] = [];
  issueTotal = 0;
  private readonly summaryAccumulator = new SummaryAccumulator();
  private readonly policyAccumulator: PolicyAccumulator;
  /** The fast path's counts by id, made by the first `coreSink`; the getters drain them, so no reader sees a digest short of them. */
  private tallies: FastTallies | undefined;

  constructor(
    readonly issueCap = DEFAULT_ISSUE_CAP,
    readonly analyses: DigestAnalyses = ALL_ANALYSES,
    /** Tests lower the scanner's bounds to send lines the slow way. */
    private readonly scannerOptions?: CoreScannerOptions,
  ) {
    this.policyAccumulator = new PolicyAccumulator(analyses.principals);
  }

  static from(state: DigestState): TraceDigest {
    return new TraceDigest(state.issueCap, state.analyses).mergeState(state);
  }

  get summary(): SummaryAccumulator {
    this.tallies?.drainSummaryInto(this.summaryAccumulator);
    return this.summaryAccumulator;
  }

  get policy(): PolicyAccumulator {
    this.tallies?.drainPolicyInto(this.policyAccumulator);
    return this.policyAccumulator;
  }

  /**
   * A sink that reads into this digest: the lines the fast path answers are
   * counted by id (where WebAssembly runs), the rest are added as events.
   * Every sink of one digest counts into the same tallies.
   */
  coreSink(hooks: DigestSinkHooks): CoreEventSink {
    this.tallies ??= fastTallies(this.analyses, this.scannerOptions);
    const onEvent = hooks.event;
    return {
      fields: 'core',
      ...(this.tallies !== undefined ? { tallies: this.tallies } : {}),
      ...(hooks.countedAt !== undefined ? { countedAt: hooks.countedAt } : {}),
      event: (event, at) => {
        this.add(event);
        onEvent?.(event, at);
      },
      issue: hooks.issue,
    };
  }

  add(event: CoreTraceEvent): void {
    if (this.analyses.summary) this.summaryAccumulator.add(event);
    if (this.analyses.policy) this.policyAccumulator.add(event);
  }

  addIssue(issue: TraceIssue): void {
    this.issueTotal += 1;
    if (this.issues.length < this.issueCap) this.issues.push(issue);
  }

  /** Adds a file's counts; a file read in shards is reported once, its counts summed. */
  addFile(report: FileReport): void {
    const existing = this.files.find((file) => file.name === report.name);
    if (existing === undefined) {
      this.files.push({ ...report });
      return;
    }
    existing.lines += report.lines;
    existing.events += report.events;
    existing.invalid += report.invalid;
    existing.skipped += report.skipped;
    existing.warnings += report.warnings;
    if (report.fatal !== undefined) existing.fatal ??= report.fatal;
  }

  /** Appends issues found after those already here, `total` of them in all; their lines are shifted by `lineBase` (a range read after others). */
  addIssues(issues: readonly TraceIssue[], total: number, lineBase = 0): void {
    for (const issue of issues) {
      if (this.issues.length >= this.issueCap) break;
      this.issues.push(lineBase === 0 ? issue : { ...issue, line: issue.line + lineBase });
    }
    this.issueTotal += total;
  }

  /** Appends `other` (input that came after this one). */
  merge(other: TraceDigest): this {
    for (const file of other.files) this.addFile(file);
    this.addIssues(other.issues, other.issueTotal);
    this.summary.merge(other.summary);
    this.policy.merge(other.policy);
    return this;
  }

  /** merge(TraceDigest.from(state)), without the copy. */
  mergeState(state: DigestState): this {
    for (const file of state.files) this.addFile(file);
    this.addIssues(state.issues, state.issueTotal);
    this.summary.mergeState(state.summary);
    this.policy.mergeState(state.policy);
    return this;
  }

  get invalidLines(): number {
    return this.files.reduce((total, file) => total + file.invalid, 0);
  }

  get fatalFiles(): FileReport[] {
    return this.files.filter((file) => file.fatal !== undefined);
  }

  state(): DigestState {
    return { issueCap: this.issueCap, analyses: this.analyses, files: this.files, issues: this.issues, issueTotal: this.issueTotal, summary: this.summary.state(), policy: this.policy.state() };
  }
}
