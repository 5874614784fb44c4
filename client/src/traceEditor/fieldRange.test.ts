import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldRange } from './fieldRange';

describe('the field a problem names', () => {
  it('selects the field and its value', () => {
    const line = '{"kind":"authz","ts":1,"decision":5,"resource":"a"}';
    const range = fieldRange(line, 'decision is 5; expected "allow" or "deny"')!;
    assert.equal(line.slice(range.start, range.end), '"decision":5');
  });

  it('selects a string value whole and ignores names the reason does not mention', () => {
    const line = '{"kind":"span","status":"maybe, \\"so\\"","durationMs":1}';
    const range = fieldRange(line, 'status is "maybe"; expected "ok", "error" or "unset"')!;
    assert.equal(line.slice(range.start, range.end), '"status":"maybe, \\"so\\""');
    assert.equal(fieldRange(line, 'line is not JSON'), undefined);
  });
});
