import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { jsonPieces } from './jsonStream';

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
