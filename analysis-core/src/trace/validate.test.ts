import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { headerSchema, traceEventSchema } from './schema';
import { dropUndefined, json, maybeWrong, nearAuthz, nearSpan, optional } from './testing';
import { explainInvalidEvent, isTraceEvent, isTraceHeader } from './validate';

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
  assert.match(explainInvalidEvent({ kind: 'span', ts: 'yesterday' }), /^ts is "yesterday"; expected a number/);
  assert.equal(
    explainInvalidEvent({ kind: 'authz', ts: 1, service: 's', principal: 'p', action: 'a', resource: 'r', decision: 5 }),
    'decision is 5; expected "allow" or "deny"',
  );
  assert.equal(explainInvalidEvent({ kind: 'span', ts: 1, service: '', operation: 'o', traceId: 't', spanId: 's', durationMs: 1, status: 'ok' }), 'service is empty');
  assert.match(explainInvalidEvent({ kind: 'span', ts: 1, service: 's', traceId: 't', spanId: 's', durationMs: 1, status: 'ok' }), /^missing field "operation"/);
  assert.match(explainInvalidEvent({ kind: 'authz', ts: 1, service: 's', principal: 'p', action: 'a', resource: 'r', decision: 'deny' }), /denyReason/);
});
