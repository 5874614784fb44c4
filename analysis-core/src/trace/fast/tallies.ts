/**
 * A digest's counts for the lines the fast path answers, kept by id instead
 * of as events: the summary's in typed arrays (SummaryTallies), the policy's
 * grants inside the scanner itself, so a line costs no event object and no
 * map lookups. The drains hand both to a digest's accumulators as the plain
 * states they already merge, so the accumulators stay the one definition of
 * each analysis; a test holds this to adding every event. Only TraceDigest
 * uses this: its getters drain, so no caller can read a digest undrained.
 *
 * Each FastTallies has a scanner of its own: the grant counts live in the
 * scanner, and two analyses running at once on one thread (the editor's
 * commands) must not count into each other.
 */
import type { PolicyAccumulator, PolicyPart } from '../analyses/policy';
import type { SummaryAccumulator } from '../analyses/summarize';
import type { LineCounter } from '../lineParser';
import { COUNT_GRANTS, CoreEventScanner, type CoreScannerOptions, GRANT_WORDS, PAIR_ACCESSES } from './coreScanner';
import { SummaryTallies } from './summaryTallies';

/** Which analyses the tallies count for. */
export interface TalliedAnalyses {
  summary: boolean;
  policy: boolean;
}

/** Tallies for a digest of `analyses`, or undefined where WebAssembly is unavailable (every line is then an event). */
export function fastTallies(analyses: TalliedAnalyses, scannerOptions?: CoreScannerOptions): FastTallies | undefined {
  let scanner: CoreEventScanner;
  try {
    scanner = new CoreEventScanner(scannerOptions);
  } catch {
    return undefined;
  }
  return new FastTallies(scanner, analyses);
}

export class FastTallies implements LineCounter {
  /** What the scanner numbers and counts for these tallies (`scanLine`'s flags). */
  readonly pairs: number;
  private readonly summary: SummaryTallies | undefined;
  /** Lines counted since each drain: a drain with nothing new is free (the digest's getters drain on every read). */
  private summaryPending = false;
  private policyPending = false;

  constructor(
    readonly scanner: CoreEventScanner,
    private readonly analyses: TalliedAnalyses,
  ) {
    this.summary = analyses.summary ? new SummaryTallies(scanner) : undefined;
    this.pairs = (this.summary?.pairs ?? 0) | (analyses.policy ? PAIR_ACCESSES | COUNT_GRANTS : 0);
  }

  /** Counts the line the scanner just answered with `kind` (its grant, if any, is counted already). */
  count(kind: number): void {
    this.summary?.count(kind);
    this.summaryPending = true;
    this.policyPending = true;
  }

  /** Adds the summary's counts since its last drain to `summary`, and starts over. */
  drainSummaryInto(summary: SummaryAccumulator): void {
    if (!this.summaryPending) return;
    this.summaryPending = false;
    this.summary?.drainInto(summary);
  }

  /** Adds the policy's counts since its last drain to `policy`, and starts over. */
  drainPolicyInto(policy: PolicyAccumulator): void {
    if (!this.policyPending) return;
    this.policyPending = false;
    if (this.analyses.policy) policy.mergeState([this.grantPart()]);
  }

  /** The scanner's grant counts as a policy part, and a clear count: names are the scanner's strings, so a string id is a name index. */
  private grantPart(): PolicyPart {
    const grants = this.scanner.grants();
    const count = grants.length / GRANT_WORDS;
    const accesses = new Uint32Array(3 * count);
    const tallies = new Float64Array(3 * count);
    for (let grant = 0; grant < count; grant++) {
      const at = grant * GRANT_WORDS;
      const record = grants[at]!;
      accesses[3 * grant] = this.scanner.pairId(PAIR_ACCESSES, record, 0);
      accesses[3 * grant + 1] = this.scanner.pairId(PAIR_ACCESSES, record, 1);
      accesses[3 * grant + 2] = grants[at + 1]!;
      tallies[3 * grant] = grants[at + 2]!;
      tallies[3 * grant + 1] = grants[at + 3]!;
      tallies[3 * grant + 2] = grants[at + 4]!;
    }
    this.scanner.clearGrants();
    return { names: this.scanner.allStrings().slice(), accesses, tallies };
  }
}
