/**
 * summarize: what ran and what was decided. An accumulator: add events in any
 * order, merge partial results from shards or files in any grouping, and the
 * result is the same.
 */
import { QuantileSketch, RELATIVE_ACCURACY, type SketchState } from '../sketch';
import type { CoreTraceEvent } from '../schema';
import { type AccessTally, countDecision, emptyTally, mergeTally } from './tally';

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface OperationSummary {
  service: string;
  operation: string;
  count: number;
  errors: number;
  /** Milliseconds; quantiles are within `latencyRelativeError` of the true value. */
  latencyMs: LatencySummary;
}

export interface TraceSummary {
  events: number;
  spans: number;
  decisions: number;
  /** Earliest and latest event timestamps (epoch ms), null when there were no events. */
  window: { start: number; end: number } | null;
  latencyRelativeError: number;
  services: { service: string; spans: number; errors: number; decisions: number }[];
  operations: OperationSummary[];
  principals: { principal: string; allow: number; deny: number }[];
  decisionsByAction: { principal: string; action: string; allow: number; deny: number; explicitDeny: number; implicitDeny: number }[];
}

interface ServiceTally {
  spans: number;
  errors: number;
  decisions: number;
}

interface OperationTally {
  errors: number;
  latency: QuantileSketch;
}

export interface SummaryState {
  start: number;
  end: number;
  spans: number;
  decisions: number;
  services: [string, ServiceTally][];
  operations: [string, [string, { errors: number; latency: SketchState }][]][];
  decisionsByAction: [string, [string, AccessTally][]][];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function latency(sketch: QuantileSketch): LatencySummary {
  return { p50: sketch.quantile(0.5) ?? 0, p95: sketch.quantile(0.95) ?? 0, p99: sketch.quantile(0.99) ?? 0, max: sketch.count > 0 ? sketch.max : 0 };
}

export class SummaryAccumulator {
  private start = Number.POSITIVE_INFINITY;
  private end = Number.NEGATIVE_INFINITY;
  private spans = 0;
  private decisions = 0;
  private readonly services = new Map<string, ServiceTally>();
  private readonly operations = new Map<string, Map<string, OperationTally>>();
  private readonly decisionsByAction = new Map<string, Map<string, AccessTally>>();

  static from(state: SummaryState): SummaryAccumulator {
    return new SummaryAccumulator().mergeState(state);
  }

  /** merge(SummaryAccumulator.from(state)), without building the copy: each latency sketch is built or added to once. */
  mergeState(state: SummaryState): this {
    this.start = Math.min(this.start, state.start);
    this.end = Math.max(this.end, state.end);
    this.spans += state.spans;
    this.decisions += state.decisions;
    for (const [name, tally] of state.services) {
      const mine = this.services.get(name);
      if (mine === undefined) this.services.set(name, { ...tally });
      else {
        mine.spans += tally.spans;
        mine.errors += tally.errors;
        mine.decisions += tally.decisions;
      }
    }
    for (const [service, operations] of state.operations) {
      let mine = this.operations.get(service);
      if (mine === undefined) this.operations.set(service, (mine = new Map()));
      for (const [name, tally] of operations) {
        const operation = mine.get(name);
        if (operation === undefined) mine.set(name, { errors: tally.errors, latency: QuantileSketch.from(tally.latency) });
        else {
          operation.errors += tally.errors;
          operation.latency.mergeState(tally.latency);
        }
      }
    }
    for (const [principal, actions] of state.decisionsByAction) {
      let mine = this.decisionsByAction.get(principal);
      if (mine === undefined) this.decisionsByAction.set(principal, (mine = new Map()));
      for (const [action, tally] of actions) mergeTally(mine, action, tally);
    }
    return this;
  }

  add(event: CoreTraceEvent): void {
    if (event.ts < this.start) this.start = event.ts;
    if (event.ts > this.end) this.end = event.ts;
    let service = this.services.get(event.service);
    if (service === undefined) this.services.set(event.service, (service = { spans: 0, errors: 0, decisions: 0 }));
    if (event.kind === 'span') {
      this.spans += 1;
      service.spans += 1;
      let operations = this.operations.get(event.service);
      if (operations === undefined) this.operations.set(event.service, (operations = new Map()));
      let operation = operations.get(event.operation);
      if (operation === undefined) operations.set(event.operation, (operation = { errors: 0, latency: new QuantileSketch() }));
      operation.latency.add(event.durationMs);
      if (event.status === 'error') {
        operation.errors += 1;
        service.errors += 1;
      }
    } else {
      this.decisions += 1;
      service.decisions += 1;
      let actions = this.decisionsByAction.get(event.principal);
      if (actions === undefined) this.decisionsByAction.set(event.principal, (actions = new Map()));
      let tally = actions.get(event.action);
      if (tally === undefined) actions.set(event.action, (tally = emptyTally()));
      countDecision(tally, event);
    }
  }

  merge(other: SummaryAccumulator): this {
    return this.mergeState(other.state());
  }

  state(): SummaryState {
    return {
      start: this.start,
      end: this.end,
      spans: this.spans,
      decisions: this.decisions,
      services: [...this.services].map(([name, tally]) => [name, { ...tally }]),
      operations: [...this.operations].map(([service, operations]) => [service, [...operations].map(([name, tally]) => [name, { errors: tally.errors, latency: tally.latency.state() }])]),
      decisionsByAction: [...this.decisionsByAction].map(([principal, actions]) => [principal, [...actions].map(([action, tally]) => [action, { ...tally }])]),
    };
  }

  /** Sorted by name, so equal inputs give byte-identical output. */
  result(): TraceSummary {
    const operations: OperationSummary[] = [];
    for (const [service, byName] of this.operations) {
      for (const [operation, tally] of byName) operations.push({ service, operation, count: tally.latency.count, errors: tally.errors, latencyMs: latency(tally.latency) });
    }
    operations.sort((a, b) => byText(a.service, b.service) || byText(a.operation, b.operation));
    const decisionsByAction: TraceSummary['decisionsByAction'] = [];
    const principals: TraceSummary['principals'] = [];
    for (const [principal, actions] of this.decisionsByAction) {
      let allow = 0;
      let deny = 0;
      for (const [action, tally] of actions) {
        const denied = tally.explicitDeny + tally.implicitDeny;
        allow += tally.allow;
        deny += denied;
        decisionsByAction.push({ principal, action, allow: tally.allow, deny: denied, explicitDeny: tally.explicitDeny, implicitDeny: tally.implicitDeny });
      }
      principals.push({ principal, allow, deny });
    }
    decisionsByAction.sort((a, b) => byText(a.principal, b.principal) || byText(a.action, b.action));
    principals.sort((a, b) => byText(a.principal, b.principal));
    return {
      events: this.spans + this.decisions,
      spans: this.spans,
      decisions: this.decisions,
      window: this.spans + this.decisions > 0 ? { start: this.start, end: this.end } : null,
      latencyRelativeError: RELATIVE_ACCURACY,
      services: [...this.services].map(([service, tally]) => ({ service, ...tally })).sort((a, b) => byText(a.service, b.service)),
      operations,
      principals,
      decisionsByAction,
    };
  }
}
