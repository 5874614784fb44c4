import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { headerSchema, traceEventSchema } from './schema';
import { explainInvalidEvent, isTraceEvent, isTraceHeader } from './validate';

// Values near the schema's edges: right and wrong types, empty strings, negatives, extra keys.
const scalar = fc.oneof(
  fc.constantFrom('', 'a', 'ok', 'error', 'unset', 'allow', 'deny', 'explicit', 'implicit', 'span', 'authz', 'header', 'planewise.trace', '1.0', '2.1', '1.x'),
  fc.constantFrom(0, -0, 1, -1, 0.5, 1e15, -1e-9),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 4 }),
);
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), tie('value'), { maxKeys: 3 })),
})).value;

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const maybeWrong = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary }, { weight: 1, arbitrary: json });
const dropUndefined = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));

const nearSpan = fc
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

const nearAuthz = fc
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

const nearHeader = fc
  .record({
    kind: maybeWrong(fc.constant('header')),
    schema: maybeWrong(fc.constant('planewise.trace')),
    version: maybeWrong(fc.constantFrom('1.0', '1.7', '2.0', '1', '1.0.0', ' 1.0')),
    producer: maybeWrong(fc.record({ name: maybeWrong(fc.string({ maxLength: 2 })), version: optional(maybeWrong(fc.string())) }).map(dropUndefined)),
    run: optional(
      maybeWrong(
        fc
          .record({
            id: maybeWrong(fc.string({ maxLength: 2 })),
            startedAt: optional(maybeWrong(fc.nat())),
            labels: optional(maybeWrong(fc.dictionary(fc.string({ maxLength: 2 }), maybeWrong(fc.string())))),
          })
          .map(dropUndefined),
      ),
    ),
  })
  .map(dropUndefined);

// JSON round trip: the validator only ever sees what JSON.parse produces.
const viaJson = (value: unknown) => JSON.parse(JSON.stringify(value) ?? 'null') as unknown;

test('the fast event validator accepts exactly what the zod schema accepts', () => {
  fc.assert(
    fc.property(fc.oneof(nearSpan, nearAuthz, json), (candidate) => {
      const value = viaJson(candidate);
      assert.equal(isTraceEvent(value), traceEventSchema.safeParse(value).success, JSON.stringify(value));
    }),
    { numRuns: 1500 },
  );
});

test('the fast header validator accepts exactly what the zod schema accepts', () => {
  fc.assert(
    fc.property(fc.oneof(nearHeader, json), (candidate) => {
      const value = viaJson(candidate);
      assert.equal(isTraceHeader(value), headerSchema.safeParse(value).success, JSON.stringify(value));
    }),
    { numRuns: 1000 },
  );
});

test('valid events of both kinds pass', () => {
  assert.ok(isTraceEvent({ kind: 'span', ts: 1, service: 's', operation: 'o', traceId: 't', spanId: 'x', durationMs: 0, status: 'ok' }));
  assert.ok(isTraceEvent({ kind: 'authz', ts: 1, service: 's', principal: 'p', action: 'a', resource: 'r', decision: 'deny', denyReason: 'explicit' }));
});

test('the reasons name the problem', () => {
  assert.equal(explainInvalidEvent([1]), 'expected a JSON object, got an array');
  assert.equal(explainInvalidEvent({ ts: 1 }), 'missing field "kind"');
  assert.equal(explainInvalidEvent({ kind: 'metric' }), 'unknown kind "metric"');
  assert.match(explainInvalidEvent({ kind: 'span', ts: 'yesterday' }), /ts: .*number/);
  assert.match(explainInvalidEvent({ kind: 'authz', ts: 1, service: 's', principal: 'p', action: 'a', resource: 'r', decision: 'deny' }), /denyReason/);
});
