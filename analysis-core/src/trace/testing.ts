/** Arbitraries and helpers shared by the trace tests (not part of the package API). */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TraceIssue } from './lineParser';
import { type ReadResult, readTraceFile } from './reader';
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

// Values near the schema's edges: right and wrong types, empty strings, negatives, extra keys.
const scalar = fc.oneof(
  fc.constantFrom('', 'a', 'ok', 'error', 'unset', 'allow', 'deny', 'explicit', 'implicit', 'span', 'authz', 'header', 'planewise.trace', '1.0', '2.1', '1.x'),
  fc.constantFrom(0, -0, 1, -1, 0.5, 1e15, -1e-9),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 4 }),
);
export const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), tie('value'), { maxKeys: 3 })),
})).value;

/** A value or undefined (left out of a record by dropUndefined), undefined about once in `freq` draws. */
export const optionalOnceIn =
  (freq: number) =>
  <T>(arbitrary: fc.Arbitrary<T>) =>
    fc.option(arbitrary, { nil: undefined, freq });
/** A value, or any JSON value instead about once in `weight + 1` draws. */
export const wrongOnceIn =
  (weight: number) =>
  <T>(arbitrary: fc.Arbitrary<T>) =>
    fc.oneof({ weight, arbitrary }, { weight: 1, arbitrary: json });
export const optional = optionalOnceIn(5);
export const maybeWrong = wrongOnceIn(4);
export const dropUndefined = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));

/** Span-like objects: mostly valid, with fields of the wrong type, missing or extra now and then. */
export const nearSpan = fc
  .record({
    kind: maybeWrong(fc.constant('span')),
    ts: maybeWrong(fc.oneof(fc.nat(), fc.double({ noNaN: true }))),
    service: maybeWrong(fc.string({ maxLength: 2 })),
    operation: maybeWrong(fc.string({ maxLength: 2 })),
    traceId: maybeWrong(fc.string({ maxLength: 2 })),
    spanId: maybeWrong(fc.string({ maxLength: 2 })),
    parentSpanId: optional(maybeWrong(fc.string({ maxLength: 2 }))),
    durationMs: maybeWrong(fc.double({ noNaN: true, noDefaultInfinity: true })),
    status: maybeWrong(fc.constantFrom('ok', 'error', 'unset', 'OK')),
    attributes: optional(maybeWrong(fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), json)))),
    extra: optional(json),
  })
  .map(dropUndefined);

/** Authz-like objects, in the same way. */
export const nearAuthz = fc
  .record({
    kind: maybeWrong(fc.constant('authz')),
    ts: maybeWrong(fc.nat()),
    service: maybeWrong(fc.string({ maxLength: 2 })),
    principal: maybeWrong(fc.string({ maxLength: 2 })),
    action: maybeWrong(fc.string({ maxLength: 2 })),
    resource: maybeWrong(fc.string({ maxLength: 2 })),
    decision: maybeWrong(fc.constantFrom('allow', 'deny')),
    denyReason: optional(maybeWrong(fc.constantFrom('explicit', 'implicit'))),
    matchedStatements: optional(maybeWrong(fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }))),
    traceId: optional(maybeWrong(fc.string({ maxLength: 2 }))),
    spanId: optional(maybeWrong(fc.string({ maxLength: 2 }))),
  })
  .map(dropUndefined);

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

/** Reads a file that holds only decisions (an imported log): its events, issues and read result. */
export async function readDecisions(file: string): Promise<{ events: AuthzEvent[]; issues: TraceIssue[]; result: ReadResult }> {
  const events: TraceEvent[] = [];
  const issues: TraceIssue[] = [];
  const result = await readTraceFile(file, { event: (event) => events.push(event), issue: (issue) => issues.push(issue) });
  assert.ok(events.every((event) => event.kind === 'authz'));
  return { events: events as AuthzEvent[], issues, result };
}

/** principal, action, resource, decision (with the deny reason) of each event. */
export const decisionRows = (events: AuthzEvent[]) => events.map((e) => [e.principal, e.action, e.resource, e.decision === 'deny' ? `deny/${e.denyReason}` : 'allow']);
