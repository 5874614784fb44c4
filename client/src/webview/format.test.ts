import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDay, formatDelta, formatTimeOfDay, jsonTokens, naturalCompare, plural, showControlCharacters, splitForElision } from './format';

describe('webview formatting', () => {
  it('splits a timestamp into its UTC day and time of day', () => {
    const ts = Date.UTC(2025, 2, 3, 9, 0, 0, 5);
    assert.equal(formatDay(ts), '2025-03-03');
    assert.equal(formatTimeOfDay(ts), '09:00:00.005');
  });

  it('keeps the resource end of an ARN for elision in the middle', () => {
    assert.deepEqual(splitForElision('arn:aws:iam::123456789012:role/svc-9'), { head: 'arn:aws:iam::123456789012', tail: ':role/svc-9' });
    assert.deepEqual(splitForElision('arn:aws:iam::123456789012:role/service-role/deployment-pipeline-runner/svc-9').tail, '/svc-9');
    assert.deepEqual(splitForElision('storage:bucket/a'), { head: 'storage:bucket/a', tail: '' });
  });

  it('sorts naturally', () => {
    assert.deepEqual(['svc-10', 'svc-2', 'Svc-1'].sort(naturalCompare), ['Svc-1', 'svc-2', 'svc-10']);
  });

  it('says 1 statement and 2 statements', () => {
    assert.equal(plural(1, 'statement'), '1 statement');
    assert.equal(plural(1072, 'event'), '1,072 events');
  });

  it('formats deltas one way, with a real minus sign', () => {
    assert.equal(formatDelta(1262, 190), '−1,072 (−85%)');
    assert.equal(formatDelta(100, 104), '+4 (+4%)');
    assert.equal(formatDelta(0, 3), '+3');
  });

  it('shows control characters as escapes', () => {
    assert.equal(showControlCharacters('a\u0000b\u001bc\td'), 'a\\u0000b\\u001bc\td');
  });

  it('splits JSON into the tokens the editor colours, and round-trips any text', () => {
    const json = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'S1', Action: ['s3:GetObject'], n: -1.5e3, ok: true, none: null, quote: 'a"b\\c:' }] }, null, 2);
    const tokens = jsonTokens(json);
    assert.equal(tokens.map((token) => token.text).join(''), json);
    const of = (kind: string) => tokens.filter((token) => token.kind === kind).map((token) => token.text);
    assert.deepEqual(of('key'), ['"Version"', '"Statement"', '"Sid"', '"Action"', '"n"', '"ok"', '"none"', '"quote"']);
    assert.deepEqual(of('string'), ['"2012-10-17"', '"S1"', '"s3:GetObject"', JSON.stringify('a"b\\c:')]);
    assert.deepEqual(of('number'), ['-1500']);
    assert.deepEqual(of('literal'), ['true', 'null']);
    for (const cut of ['{\n  "a": "unterminated', 'not json at all \u0000 "', '']) assert.equal(jsonTokens(cut).map((token) => token.text).join(''), cut);
  });
});
