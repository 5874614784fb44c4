/**
 * diff: two traces (or two sets of runs) compared the way Jaeger's trace
 * comparison is read: what appeared, what disappeared, and what changed in
 * count and latency. A pure function of two digests' summarize and policy
 * accumulators, so each side may itself be many merged files or shards.
 */
import type { PolicyAccumulator } from './policy';
import type { LatencySummary, TraceSummary } from './summarize';

export interface CountChange {
  before: number;
  after: number;
  delta: number;
  /** Percent change from before; null when before was 0. */
  percent: number | null;
}

export interface OperationChange {
  service: string;
  operation: string;
  count: CountChange;
  errors: CountChange;
  latencyMs: { before: LatencySummary; after: LatencySummary; p50Delta: number; p95Delta: number; p99Delta: number };
}

export interface Permission {
  principal: string;
  action: string;
  resource: string;
}

export interface TraceDiff {
  services: { added: string[]; removed: string[]; changed: { service: string; spans: CountChange; errors: CountChange }[] };
  operations: { added: { service: string; operation: string; count: number }[]; removed: { service: string; operation: string; count: number }[]; changed: OperationChange[] };
  /** Allowed (principal, action, resource) triples. */
  permissions: { added: Permission[]; removed: Permission[] };
  /** Denied triples: new denies are often the first sign of a broken deployment. */
  denials: { added: Permission[]; removed: Permission[] };
  principals: { added: string[]; removed: string[] };
}

export function countChange(before: number, after: number): CountChange {
  return { before, after, delta: after - before, percent: before === 0 ? null : Math.round(((after - before) / before) * 10000) / 100 };
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function triples(policy: PolicyAccumulator, allowed: boolean): Map<string, Permission> {
  const found = new Map<string, Permission>();
  for (const [principal, actions] of policy.observed) {
    for (const [action, resources] of actions) {
      for (const [resource, tally] of resources) {
        const matches = allowed ? tally.allow > 0 : tally.explicitDeny + tally.implicitDeny > 0;
        if (matches) found.set(`${principal}\u0000${action}\u0000${resource}`, { principal, action, resource });
      }
    }
  }
  return found;
}

function setDiff<T>(before: Map<string, T>, after: Map<string, T>): { added: T[]; removed: T[] } {
  return {
    added: [...after].filter(([key]) => !before.has(key)).sort(([a], [b]) => byText(a, b)).map(([, value]) => value),
    removed: [...before].filter(([key]) => !after.has(key)).sort(([a], [b]) => byText(a, b)).map(([, value]) => value),
  };
}

export interface DiffSide {
  summary: TraceSummary;
  policy: PolicyAccumulator;
}

export function diffTraces(before: DiffSide, after: DiffSide): TraceDiff {
  const servicesBefore = new Map(before.summary.services.map((s) => [s.service, s]));
  const servicesAfter = new Map(after.summary.services.map((s) => [s.service, s]));
  const services = setDiff(servicesBefore, servicesAfter);
  const changedServices: TraceDiff['services']['changed'] = [];
  for (const [name, now] of servicesAfter) {
    const then = servicesBefore.get(name);
    if (then !== undefined && (then.spans !== now.spans || then.errors !== now.errors)) {
      changedServices.push({ service: name, spans: countChange(then.spans, now.spans), errors: countChange(then.errors, now.errors) });
    }
  }
  const key = (o: { service: string; operation: string }) => `${o.service}\u0000${o.operation}`;
  const opsBefore = new Map(before.summary.operations.map((o) => [key(o), o]));
  const opsAfter = new Map(after.summary.operations.map((o) => [key(o), o]));
  const operations = setDiff(opsBefore, opsAfter);
  const changedOperations: OperationChange[] = [];
  for (const [name, now] of opsAfter) {
    const then = opsBefore.get(name);
    if (then === undefined) continue;
    changedOperations.push({
      service: now.service,
      operation: now.operation,
      count: countChange(then.count, now.count),
      errors: countChange(then.errors, now.errors),
      latencyMs: {
        before: then.latencyMs,
        after: now.latencyMs,
        p50Delta: now.latencyMs.p50 - then.latencyMs.p50,
        p95Delta: now.latencyMs.p95 - then.latencyMs.p95,
        p99Delta: now.latencyMs.p99 - then.latencyMs.p99,
      },
    });
  }
  const principalsBefore = new Map(before.summary.principals.map((p) => [p.principal, p.principal]));
  const principalsAfter = new Map(after.summary.principals.map((p) => [p.principal, p.principal]));
  const pick = (o: { service: string; operation: string; count: number }) => ({ service: o.service, operation: o.operation, count: o.count });
  return {
    services: { added: services.added.map((s) => s.service), removed: services.removed.map((s) => s.service), changed: changedServices },
    operations: { added: operations.added.map(pick), removed: operations.removed.map(pick), changed: changedOperations },
    permissions: setDiff(triples(before.policy, true), triples(after.policy, true)),
    denials: setDiff(triples(before.policy, false), triples(after.policy, false)),
    principals: setDiff(principalsBefore, principalsAfter),
  };
}
