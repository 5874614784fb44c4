import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TraceDigest } from '../digest';
import type { TraceEvent } from '../schema';
import { countChange, diffTraces } from './diff';

function side(events: TraceEvent[]) {
  const digest = new TraceDigest();
  for (const event of events) digest.add(event);
  return { summary: digest.summary.result(), policy: digest.policy };
}
const span = (service: string, operation: string, durationMs: number, status: 'ok' | 'error' = 'ok'): TraceEvent => ({ kind: 'span', ts: 0, service, operation, traceId: 't', spanId: 's', durationMs, status });
const authz = (action: string, resource: string, decision: 'allow' | 'deny'): TraceEvent =>
  decision === 'allow'
    ? { kind: 'authz', ts: 0, service: 'orders', principal: 'app', action, resource, decision }
    : { kind: 'authz', ts: 0, service: 'orders', principal: 'app', action, resource, decision, denyReason: 'implicit' };

test('new and removed services, operations, permissions and denials; count and latency changes', () => {
  const before = side([span('orders', 'Get', 10), span('orders', 'Get', 10), span('legacy', 'Ping', 1), authz('s:Get', 'a', 'allow'), authz('s:Put', 'a', 'deny')]);
  const after = side([span('orders', 'Get', 20), span('orders', 'Get', 20), span('orders', 'Get', 20, 'error'), span('billing', 'Charge', 5), authz('s:Get', 'b', 'allow')]);
  const diff = diffTraces(before, after);
  assert.deepEqual(diff.services.added, ['billing']);
  assert.deepEqual(diff.services.removed, ['legacy']);
  assert.deepEqual(diff.operations.added, [{ service: 'billing', operation: 'Charge', count: 5 > 0 ? 1 : 0 }]);
  assert.deepEqual(diff.operations.removed, [{ service: 'legacy', operation: 'Ping', count: 1 }]);
  const get = diff.operations.changed.find((o) => o.operation === 'Get')!;
  assert.deepEqual(get.count, { before: 2, after: 3, delta: 1, percent: 50 });
  assert.deepEqual(get.errors, { before: 0, after: 1, delta: 1, percent: null });
  assert.ok(Math.abs(get.latencyMs.p50Delta - 10) < 0.5);
  assert.deepEqual(diff.permissions.added, [{ principal: 'app', action: 's:Get', resource: 'b' }]);
  assert.deepEqual(diff.permissions.removed, [{ principal: 'app', action: 's:Get', resource: 'a' }]);
  assert.deepEqual(diff.denials.removed, [{ principal: 'app', action: 's:Put', resource: 'a' }]);
  assert.deepEqual(diff.denials.added, []);
});

test('identical inputs have an empty diff', () => {
  const events = [span('orders', 'Get', 10), authz('s:Get', 'a', 'allow')];
  const diff = diffTraces(side(events), side(events));
  assert.deepEqual([diff.services.added, diff.services.removed, diff.services.changed, diff.permissions.added, diff.permissions.removed], [[], [], [], [], []]);
  assert.equal(diff.operations.changed[0]!.count.delta, 0);
});

test('count changes carry a signed delta and percent', () => {
  assert.deepEqual(countChange(4, 3), { before: 4, after: 3, delta: -1, percent: -25 });
});
