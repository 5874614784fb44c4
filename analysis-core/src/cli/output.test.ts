import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { prettyJson, writeFileAtomic } from './output';

test('prettyJson writes exactly what JSON.stringify(value, null, 2) writes', () => {
  const withUndefined = fc.oneof(fc.jsonValue(), fc.constant(undefined));
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.oneof(withUndefined, fc.array(withUndefined))), (value) => {
      assert.equal([...prettyJson(value)].join(''), JSON.stringify(value, null, 2));
    }),
    { numRuns: 500 },
  );
});

test('writeFileAtomic writes pieces in order and never replaces a file without force', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-output-'));
  const target = path.join(directory, 'policy.json');
  writeFileAtomic(target, ['{', '"a": 1', '}'], { force: false });
  assert.equal(fs.readFileSync(target, 'utf8'), '{"a": 1}');
  assert.throws(() => writeFileAtomic(target, ['changed'], { force: false }), /already exists/);
  assert.equal(fs.readFileSync(target, 'utf8'), '{"a": 1}');
  writeFileAtomic(target, 'replaced', { force: true });
  assert.equal(fs.readFileSync(target, 'utf8'), 'replaced');
  assert.deepEqual(fs.readdirSync(directory), ['policy.json'], 'no temp file is left behind');
  fs.rmSync(directory, { recursive: true });
});
