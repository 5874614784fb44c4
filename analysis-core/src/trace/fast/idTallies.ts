/**
 * What a digest counts, kept by the fast path's string ids and tuple records
 * instead of by name: a line the scanner answers costs a few array updates,
 * with no event object and no map lookups. `drainInto` hands the counts to a
 * TraceDigest as the plain states its accumulators already merge, so the
 * accumulators stay the one definition of what a summary and a policy are; a
 * test holds this class to the same answers as `TraceDigest.add`.
 */
import { SummaryAccumulator, type SummaryState } from '../analyses/summarize';
import type { AccessTally } from '../analyses/tally';
import type { PolicyState } from '../analyses/policy';
import type { DigestAnalyses, TraceDigest } from '../digest';
import { QuantileSketch } from '../sketch';
import { type CoreEventScanner, SCAN_SPAN, sharedCoreScanner, TUPLE_ACCESSES, TUPLE_GRANTS, TUPLE_OPERATIONS } from './coreScanner';

/** Counts for a digest's fast-path lines on this thread, or undefined where there is no fast path. */
export function fastTallies(analyses: DigestAnalyses): IdTallies | undefined {
  const scanner = sharedCoreScanner();
  return scanner === undefined ? undefined : new IdTallies(scanner, analyses);
}

/** Counts per record, three to a record, for the records touched since the last drain. */
class RecordCounts {
  counts = new Float64Array(3 * 64);
  private touchedMark = new Uint8Array(64);
  readonly touched: number[] = [];

  /** The index of the record's first count, zeroed on its first touch since the last drain. */
  at(record: number): number {
    if (record >= this.touchedMark.length) this.grow(record);
    if (this.touchedMark[record] === 0) {
      this.touchedMark[record] = 1;
      this.touched.push(record);
      this.counts.fill(0, 3 * record, 3 * record + 3);
    }
    return 3 * record;
  }

  clear(): void {
    for (const record of this.touched) this.touchedMark[record] = 0;
    this.touched.length = 0;
  }

  private grow(record: number): void {
    const size = Math.max(2 * this.touchedMark.length, record + 1);
    const mark = new Uint8Array(size);
    mark.set(this.touchedMark);
    this.touchedMark = mark;
    const counts = new Float64Array(3 * size);
    counts.set(this.counts);
    this.counts = counts;
  }
}

export class IdTallies {
  /** The tuple records the scanner must number for these counts (TUPLE_* flags). */
  readonly tuples: number;
  private start = Number.POSITIVE_INFINITY;
  private end = Number.NEGATIVE_INFINITY;
  private spans = 0;
  private decisions = 0;
  /** Per service id: spans, errors, decisions. */
  private readonly services = new RecordCounts();
  /** Per operation record: errors (the other two unused), and its latencies since the last drain. */
  private readonly operations = new RecordCounts();
  private readonly latencies: QuantileSketch[] = [];
  /** Per access record: allow, explicit deny, implicit deny. */
  private readonly accesses = new RecordCounts();
  /** Per grant record: allow, explicit deny, implicit deny. */
  private readonly grants = new RecordCounts();

  constructor(
    private readonly scanner: CoreEventScanner,
    private readonly analyses: DigestAnalyses,
  ) {
    this.tuples = (analyses.summary ? TUPLE_OPERATIONS | TUPLE_ACCESSES : 0) | (analyses.policy ? TUPLE_GRANTS : 0);
  }

  /** Counts the line the scanner just answered with `kind` (SCAN_SPAN or SCAN_AUTHZ). */
  count(kind: number): void {
    const scanner = this.scanner;
    if (this.analyses.summary) {
      const ts = scanner.ts;
      if (ts < this.start) this.start = ts;
      if (ts > this.end) this.end = ts;
      const service = this.services.at(scanner.serviceId);
      const serviceCounts = this.services.counts;
      if (kind === SCAN_SPAN) {
        this.spans += 1;
        serviceCounts[service] += 1;
        const record = scanner.operationRecord;
        const touchedBefore = this.operations.touched.length;
        const operation = this.operations.at(record);
        if (this.operations.touched.length !== touchedBefore) this.latencies[record] = new QuantileSketch();
        this.latencies[record]!.add(scanner.durationMs);
        if (scanner.status === 'error') {
          this.operations.counts[operation] += 1;
          serviceCounts[service + 1] += 1;
        }
      } else {
        this.decisions += 1;
        serviceCounts[service + 2] += 1;
        const access = this.accesses.at(scanner.accessRecord);
        this.accesses.counts[access + this.decisionSlot()] += 1;
      }
    }
    if (this.analyses.policy && kind !== SCAN_SPAN) {
      // `at` first: it may replace the counts array.
      const grant = this.grants.at(scanner.grantRecord);
      this.grants.counts[grant + this.decisionSlot()] += 1;
    }
  }

  /** Adds everything counted since the last drain to `digest`, and starts over. */
  drainInto(digest: TraceDigest): void {
    if (this.analyses.summary) digest.summary.merge(SummaryAccumulator.from(this.summaryState()));
    if (this.analyses.policy) digest.policy.mergeState(this.policyState());
    this.start = Number.POSITIVE_INFINITY;
    this.end = Number.NEGATIVE_INFINITY;
    this.spans = 0;
    this.decisions = 0;
    for (const counts of [this.services, this.operations, this.accesses, this.grants]) counts.clear();
  }

  /** Where a decision counts in an AccessTally's three: the same rule as `countDecision`. */
  private decisionSlot(): number {
    return this.scanner.decision === 0 ? 0 : this.scanner.denyReason === 1 ? 1 : 2;
  }

  private summaryState(): SummaryState {
    const name = (id: number) => this.scanner.string(id);
    const byService = new Map<string, [string, { errors: number; latency: ReturnType<QuantileSketch['state']> }][]>();
    for (const record of this.operations.touched) {
      const [service, operation] = this.scanner.tupleIds(TUPLE_OPERATIONS, record);
      const entries = byService.get(name(service!)) ?? [];
      entries.push([name(operation!), { errors: this.operations.counts[3 * record]!, latency: this.latencies[record]!.state() }]);
      byService.set(name(service!), entries);
    }
    const byPrincipal = new Map<string, [string, AccessTally][]>();
    for (const record of this.accesses.touched) {
      const [principal, action] = this.scanner.tupleIds(TUPLE_ACCESSES, record);
      const counts = this.accesses.counts;
      const entries = byPrincipal.get(name(principal!)) ?? [];
      entries.push([name(action!), { allow: counts[3 * record]!, explicitDeny: counts[3 * record + 1]!, implicitDeny: counts[3 * record + 2]! }]);
      byPrincipal.set(name(principal!), entries);
    }
    const services = this.services.counts;
    return {
      start: this.start,
      end: this.end,
      spans: this.spans,
      decisions: this.decisions,
      services: this.services.touched.map((id) => [name(id), { spans: services[3 * id]!, errors: services[3 * id + 1]!, decisions: services[3 * id + 2]! }]),
      operations: [...byService],
      decisionsByAction: [...byPrincipal],
    };
  }

  /** The grants as a PolicyState whose names are the scanner's strings, indexed by id. */
  private policyState(): PolicyState {
    const byAccess = new Map<number, { principal: number; action: number; resources: number[]; tallies: number[] }>();
    const counts = this.grants.counts;
    for (const record of this.grants.touched) {
      const [principal, action, resource] = this.scanner.tupleIds(TUPLE_GRANTS, record) as [number, number, number];
      const key = principal * 2 ** 18 + action;
      let group = byAccess.get(key);
      if (group === undefined) byAccess.set(key, (group = { principal, action, resources: [], tallies: [] }));
      group.resources.push(resource);
      group.tallies.push(counts[3 * record]!, counts[3 * record + 1]!, counts[3 * record + 2]!);
    }
    const byPrincipal = new Map<number, [number, Uint32Array, Float64Array][]>();
    for (const group of byAccess.values()) {
      const entries = byPrincipal.get(group.principal) ?? [];
      entries.push([group.action, Uint32Array.from(group.resources), Float64Array.from(group.tallies)]);
      byPrincipal.set(group.principal, entries);
    }
    return { names: this.scanner.decodedStrings(), entries: [...byPrincipal] };
  }
}
