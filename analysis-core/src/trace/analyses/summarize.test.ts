import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { TraceEvent } from '../schema';
import { eventsArbitrary, shards } from '../testing';
import { SummaryAccumulator } from './summarize';

function summarize(events: TraceEvent[]): SummaryAccumulator {
  const accumulator = new SummaryAccumulator();
  for (const event of events) accumulator.add(event);
  return accumulator;
}

test('counts services, operations, errors, principals and decisions', () => {
  const summary = summarize([
    { kind: 'span', ts: 5, service: 'orders', operation: 'Get', traceId: 't', spanId: 'a', durationMs: 10, status: 'ok' },
    { kind: 'span', ts: 9, service: 'orders', operation: 'Get', traceId: 't', spanId: 'b', durationMs: 30, status: 'error' },
    { kind: 'authz', ts: 7, service: 'orders', principal: 'p', action: 'storage:Get', resource: 'r', decision: 'allow' },
    { kind: 'authz', ts: 3, service: 'billing', principal: 'p', action: 'storage:Get', resource: 'r', decision: 'deny', denyReason: 'explicit' },
    { kind: 'authz', ts: 4, service: 'billing', principal: 'q', action: 'storage:Put', resource: 'r', decision: 'deny', denyReason: 'implicit' },
  ]).result();
  assert.equal(summary.events, 5);
  assert.deepEqual(summary.window, { start: 3, end: 9 });
  assert.deepEqual(summary.services, [
    { service: 'billing', spans: 0, errors: 0, decisions: 2 },
    { service: 'orders', spans: 2, errors: 1, decisions: 1 },
  ]);
  assert.equal(summary.operations.length, 1);
  assert.equal(summary.operations[0]!.count, 2);
  assert.equal(summary.operations[0]!.errors, 1);
  assert.deepEqual(summary.principals, [
    { principal: 'p', allow: 1, deny: 1 },
    { principal: 'q', allow: 0, deny: 1 },
  ]);
  assert.deepEqual(summary.decisionsByAction[0], { principal: 'p', action: 'storage:Get', allow: 1, deny: 1, explicitDeny: 1, implicitDeny: 0 });
});

test('latency quantiles are within the documented relative error', () => {
  const durations = Array.from({ length: 5000 }, (_, i) => Math.exp((i % 997) / 100));
  const summary = summarize(durations.map((durationMs, i) => ({ kind: 'span', ts: i, service: 's', operation: 'o', traceId: 't', spanId: 's', durationMs, status: 'ok' }))).result();
  const sorted = [...durations].sort((a, b) => a - b);
  const exact = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]!;
  const latency = summary.operations[0]!.latencyMs;
  for (const [q, value] of [[0.5, latency.p50], [0.95, latency.p95], [0.99, latency.p99]] as const) {
    assert.ok(Math.abs(value - exact(q)) <= exact(q) * summary.latencyRelativeError + 1e-9, `p${q * 100}: ${value} vs ${exact(q)}`);
  }
  assert.equal(latency.max, sorted.at(-1));
});

test('an empty summary has no window', () => {
  assert.equal(new SummaryAccumulator().result().window, null);
});

test('merging shards in any grouping equals summarizing the whole', () => {
  fc.assert(
    fc.property(eventsArbitrary, fc.array(fc.nat(), { maxLength: 4 }), fc.boolean(), (events, cuts, rightFirst) => {
      const whole = summarize(events).result();
      const parts = shards(events, cuts).map(summarize);
      // Left fold, or right fold ((a (b c)) instead of ((a b) c)), through the plain-data state.
      const merged = rightFirst
        ? parts.reduceRight((acc, part) => SummaryAccumulator.from(part.state()).merge(acc))
        : parts.reduce((acc, part) => acc.merge(SummaryAccumulator.from(part.state())));
      assert.deepEqual(merged.result(), whole);
      // Plain states merged straight into a summary that already has counts.
      const mergedStates = parts.slice(1).reduce((acc, part) => acc.mergeState(part.state()), summarize(shards(events, cuts)[0]!));
      assert.deepEqual(mergedStates.result(), whole);
    }),
    { numRuns: 300 },
  );
});
