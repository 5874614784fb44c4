import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { inertText } from './inertText';

test('inertText makes controls, DEL, C1 and bidi/format characters visible', () => {
  assert.equal(inertText('a\u001b[2Jb\u0007'), 'a\\u001b[2Jb\\u0007');
  assert.equal(inertText('ok\r\nall checks passed\t!'), 'ok\\r\\nall checks passed\\t!');
  assert.equal(inertText('\u007f\u0085\u009b'), '\\u007f\\u0085\\u009b');
  assert.equal(inertText('evil\u202egnp.exe\u2066x\u2069\u200b\ufeff'), 'evil\\u202egnp.exe\\u2066x\\u2069\\u200b\\ufeff');
  assert.equal(inertText('\u{e0041}'), '\\u{e0041}');
  assert.equal(inertText('svc-orders bucket/a/ü/日本'), 'svc-orders bucket/a/ü/日本');
});

test('inertText leaves no control or format character and is idempotent', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (text) => {
      const shown = inertText(text);
      assert.doesNotMatch(shown, /[\p{Cc}\p{Cf}\u2028\u2029]/u);
      assert.equal(inertText(shown), shown);
    }),
    { numRuns: 1000 },
  );
});
