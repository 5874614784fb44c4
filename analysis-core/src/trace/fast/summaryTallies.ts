/**
 * A summary's counts kept by the fast path's string ids and pair records
 * instead of by name: a line the scanner answers costs a few array updates,
 * with no event object and no map lookups. `drainInto` hands the counts to a
 * SummaryAccumulator as the plain state it already merges, so the accumulator
 * stays the one definition of what a summary is; a test holds this class to
 * the answers of `SummaryAccumulator.add`.
 */
import type { SummaryAccumulator, SummaryState } from '../analyses/summarize';
import type { AccessTally } from '../analyses/tally';
import { QuantileSketch, type SketchState } from '../sketch';
import { type CoreEventScanner, SCAN_SPAN, PAIR_ACCESSES, PAIR_OPERATIONS } from './coreScanner';

const LATENCY_BATCH = 16;

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

export class SummaryTallies {
  /** The pair records the scanner must number for these counts (PAIR_* flags). */
  readonly pairs = PAIR_OPERATIONS | PAIR_ACCESSES;
  private start = Number.POSITIVE_INFINITY;
  private end = Number.NEGATIVE_INFINITY;
  private spans = 0;
  private decisions = 0;
  /** Per service id: spans, errors, decisions. */
  private readonly services = new RecordCounts();
  /** Per operation record: errors, latencies waiting (below), and its sketch of the latencies since the last drain. */
  private readonly operations = new RecordCounts();
  private readonly latencies: QuantileSketch[] = [];
  /**
   * Latencies wait here, LATENCY_BATCH per operation record, and go into the
   * record's sketch together: a sketch's buckets are spread over kilobytes,
   * and a batch finds them in cache where single adds, between other lines,
   * would not.
   */
  private waiting = new Float64Array(64 * LATENCY_BATCH);
  /** Per access record: allow, explicit deny, implicit deny. */
  private readonly accesses = new RecordCounts();

  constructor(private readonly scanner: CoreEventScanner) {}

  /** Counts the line the scanner just answered with `kind` (SCAN_SPAN or SCAN_AUTHZ). */
  count(kind: number): void {
    const scanner = this.scanner;
    const ts = scanner.ts;
    if (ts < this.start) this.start = ts;
    if (ts > this.end) this.end = ts;
    // `at` before reading `counts`: it may replace the array.
    const service = this.services.at(scanner.serviceId);
    const serviceCounts = this.services.counts;
    if (kind === SCAN_SPAN) {
      this.spans += 1;
      serviceCounts[service] += 1;
      const record = scanner.operationRecord;
      const touchedBefore = this.operations.touched.length;
      const operation = this.operations.at(record);
      if (this.operations.touched.length !== touchedBefore) this.latencies[record] = new QuantileSketch();
      this.wait(record, operation, scanner.durationMs);
      if (scanner.status === 'error') {
        this.operations.counts[operation] += 1;
        serviceCounts[service + 1] += 1;
      }
    } else {
      this.decisions += 1;
      serviceCounts[service + 2] += 1;
      const access = this.accesses.at(scanner.accessRecord);
      // The rule of `countDecision`: allow, explicit deny, or any other deny.
      this.accesses.counts[access + (scanner.decision === 0 ? 0 : scanner.denyReason === 1 ? 1 : 2)] += 1;
    }
  }

  /** Adds everything counted since the last drain to `summary`, and starts over. */
  drainInto(summary: SummaryAccumulator): void {
    summary.mergeState(this.summaryState());
    this.start = Number.POSITIVE_INFINITY;
    this.end = Number.NEGATIVE_INFINITY;
    this.spans = 0;
    this.decisions = 0;
    for (const counts of [this.services, this.operations, this.accesses]) counts.clear();
  }

  private wait(record: number, operation: number, latency: number): void {
    const counts = this.operations.counts;
    if (counts[operation + 1] === LATENCY_BATCH) this.addWaiting(record);
    if (this.waiting.length < (record + 1) * LATENCY_BATCH) {
      const grown = new Float64Array(Math.max(2 * this.waiting.length, (record + 1) * LATENCY_BATCH));
      grown.set(this.waiting);
      this.waiting = grown;
    }
    this.waiting[record * LATENCY_BATCH + counts[operation + 1]!] = latency;
    counts[operation + 1] += 1;
  }

  private addWaiting(record: number): void {
    const sketch = this.latencies[record]!;
    const first = record * LATENCY_BATCH;
    const end = first + this.operations.counts[3 * record + 1]!;
    for (let index = first; index < end; index++) sketch.add(this.waiting[index]!);
    this.operations.counts[3 * record + 1] = 0;
  }

  private summaryState(): SummaryState {
    const name = (id: number) => this.scanner.string(id);
    // Entries grouped by the name of the pair's first part, as SummaryState nests them.
    const grouped = <T>(table: number, records: number[], entry: (record: number) => T): [string, [string, T][]][] => {
      const groups = new Map<string, [string, T][]>();
      for (const record of records) {
        const first = name(this.scanner.pairId(table, record, 0));
        let group = groups.get(first);
        if (group === undefined) groups.set(first, (group = []));
        group.push([name(this.scanner.pairId(table, record, 1)), entry(record)]);
      }
      return [...groups];
    };
    const operations = this.operations.counts;
    const accesses = this.accesses.counts;
    const services = this.services.counts;
    return {
      start: this.start,
      end: this.end,
      spans: this.spans,
      decisions: this.decisions,
      services: this.services.touched.map((id) => [name(id), { spans: services[3 * id]!, errors: services[3 * id + 1]!, decisions: services[3 * id + 2]! }]),
      operations: grouped(PAIR_OPERATIONS, this.operations.touched, (record): { errors: number; latency: SketchState } => {
        this.addWaiting(record);
        return { errors: operations[3 * record]!, latency: this.latencies[record]!.state() };
      }),
      decisionsByAction: grouped(PAIR_ACCESSES, this.accesses.touched, (record): AccessTally => ({ allow: accesses[3 * record]!, explicitDeny: accesses[3 * record + 1]!, implicitDeny: accesses[3 * record + 2]! })),
    };
  }
}
