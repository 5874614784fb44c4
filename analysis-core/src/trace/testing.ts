/** Arbitraries and helpers shared by the trace tests (not part of the package API). */
import fc from 'fast-check';
import type { AuthzEvent, SpanEvent, TraceEvent } from './schema';

export const spanArbitrary: fc.Arbitrary<SpanEvent> = fc.record({
  kind: fc.constant('span' as const),
  ts: fc.integer({ min: 0, max: 1e6 }),
  service: fc.constantFrom('orders', 'billing', 'search'),
  operation: fc.constantFrom('Get', 'Put', 'List'),
  traceId: fc.constant('t'),
  spanId: fc.constant('s'),
  durationMs: fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 1e5, noNaN: true })),
  status: fc.constantFrom('ok' as const, 'error' as const, 'unset' as const),
});

export const authzArbitrary: fc.Arbitrary<AuthzEvent> = fc
  .record({
    ts: fc.integer({ min: 0, max: 1e6 }),
    principal: fc.constantFrom('alice', 'bob', 'svc-a'),
    action: fc.constantFrom('storage:GetObject', 'storage:PutObject', 'queue:Send', 'db:Query'),
    resource: fc.oneof(
      fc.tuple(fc.constantFrom('bucket/', 'bucket/logs/', 'table/', 'q*/'), fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', '?x', '$y')).map(([prefix, leaf]) => prefix + leaf),
      fc.constantFrom('flat', 'other'),
    ),
    decision: fc.constantFrom('allow' as const, 'allow' as const, 'deny' as const),
    denyReason: fc.constantFrom('explicit' as const, 'implicit' as const),
  })
  .map(({ decision, denyReason, ...rest }) => ({ kind: 'authz' as const, service: 'svc', ...rest, decision, ...(decision === 'deny' ? { denyReason } : {}) }));

export const eventsArbitrary: fc.Arbitrary<TraceEvent[]> = fc.array(fc.oneof(spanArbitrary, authzArbitrary), { maxLength: 60 });

/** Splits a list into consecutive (possibly empty) shards at the given cut points. */
export function shards<T>(items: T[], cuts: number[]): T[][] {
  const points = [...new Set(cuts.map((cut) => cut % (items.length + 1)))].sort((a, b) => a - b);
  const result: T[][] = [];
  let start = 0;
  for (const point of points) {
    result.push(items.slice(start, point));
    start = point;
  }
  result.push(items.slice(start));
  return result;
}
