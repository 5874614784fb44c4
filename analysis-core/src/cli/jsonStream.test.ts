import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { JsonArray, jsonPieces } from './jsonStream';

test('property: the pieces join to exactly JSON.stringify(value, null, 2)', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      assert.equal([...jsonPieces(value)].join(''), JSON.stringify(value, null, 2));
    }),
    { numRuns: 2000 },
  );
  const odd = { a: undefined, b: [undefined, () => 1], c: new Date(0), d: { toJSON: () => 'x' } };
  assert.equal([...jsonPieces(odd)].join(''), JSON.stringify(odd, null, 2));
});

test('a nested list is written piece by piece, never as one string', () => {
  const principals = { length: 200_000 };
  let pieces = 0;
  let longest = 0;
  const value = { summary: { principals: Array.from(principals, (_, index) => ({ principal: `p${index}`, allow: 1, deny: 0 })) } };
  for (const piece of jsonPieces(value)) {
    pieces += 1;
    longest = Math.max(longest, piece.length);
  }
  assert.ok(pieces > 200_000);
  assert.ok(longest < 100);
});

test('objects and arrays holding undefined are written as JSON.stringify writes them', () => {
  const withUndefined = fc.oneof(fc.jsonValue(), fc.constant(undefined));
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.oneof(withUndefined, fc.array(withUndefined))), (value) => {
      assert.equal([...jsonPieces(value)].join(''), JSON.stringify(value, null, 2));
    }),
    { numRuns: 500 },
  );
});

/** A policy result as `policy --format json` builds it: principals with thousands of statements each, names in several scripts. */
function largePolicyResult(principalCount: number, statementsPerPrincipal: number) {
  const names = ['obj', 'Résumé', '报告', 'the "main" copy', 'C:\\exports', 'emoji-😀', 'lone-\ud800'];
  const principals = Array.from({ length: principalCount }, (_, principal) => ({
    principal: `svc-${principal}`,
    policy: {
      Version: '2012-10-17',
      Statement: Array.from({ length: statementsPerPrincipal }, (_, statement) => ({
        Sid: `Allow${statement}`,
        Effect: 'Allow',
        Action: [`s3:Get${statement % 17}`, `s3:Put${statement % 5}`],
        Resource: Array.from({ length: 1 + (statement % 4) }, (_, index) => `bucket-${principal}/${names[(statement + index) % names.length]}-${index}`),
      })),
    },
    denied: statementsPerPrincipal % 2 === 0 ? [] : [{ action: 's3:Delete', resource: `bucket-${principal}/*`, count: principal, explicit: true, alsoAllowed: undefined }],
  }));
  return { schema: 'planewise.policy/1', generalization: { wildcardThreshold: null }, principals, inputs: [{ file: 'a.jsonl', events: 3, skipped: 0 }] };
}

test('a large policy result (principals streamed from a JsonArray) is JSON.stringify(value, null, 2) exactly', () => {
  const result = largePolicyResult(40, 1500);
  const expected = JSON.stringify(result, null, 2);
  const streamed = [...jsonPieces({ ...result, principals: new JsonArray(result.principals) })].join('');
  assert.ok(expected.length > 10_000_000);
  assert.equal(streamed, expected);
});
