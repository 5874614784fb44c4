import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import zlib from 'node:zlib';
import fc from 'fast-check';
import type { EventLocation, TraceIssue } from './lineParser';
import { readTraceFile, readTraceRange, readTraceStream } from './reader';
import type { TraceEvent } from './schema';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-reader-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let counter = 0;
function write(content: string | Buffer, suffix = '.trace.jsonl'): string {
  const file = path.join(dir, `t${counter++}${suffix}`);
  fs.writeFileSync(file, content);
  return file;
}

function collect() {
  const events: { event: TraceEvent; at: EventLocation }[] = [];
  const issues: TraceIssue[] = [];
  return { events, issues, sink: { event: (event: TraceEvent, at: EventLocation) => events.push({ event, at }), issue: (issue: TraceIssue) => issues.push(issue) } };
}

const HEADER = '{"kind":"header","schema":"planewise.trace","version":"1.0","producer":{"name":"test"}}';
const span = (n: number) => JSON.stringify({ kind: 'span', ts: n, service: 'svc', operation: `op${n % 3}`, traceId: `t${n}`, spanId: `s${n}`, durationMs: n % 17, status: 'ok' });
const allow = (n: number) => JSON.stringify({ kind: 'authz', ts: n, service: 'svc', principal: 'p', action: 'storage:Get', resource: `bucket/${n}`, decision: 'allow' });

test('BOM and CRLF are valid; every event carries file, line and byte offset', async () => {
  const text = `\uFEFF${HEADER}\r\n${span(1)}\r\n${allow(2)}\r\n`;
  const file = write(text);
  const { events, issues, sink } = collect();
  const read = await readTraceFile(file, sink);
  assert.deepEqual(issues, []);
  assert.equal(events.length, 2);
  const bytes = fs.readFileSync(file);
  for (const { event, at } of events) {
    assert.equal(at.file, file);
    const raw = bytes.subarray(at.offset, at.offset + at.length).toString('utf8').trimEnd();
    assert.deepEqual(JSON.parse(raw), event);
  }
  assert.deepEqual(events.map((e) => e.at.line), [2, 3]);
  assert.equal(read.counts.events, 2);
});

test('every invalid line is reported with its number and reason, and the rest is read', async () => {
  const lines = [HEADER, span(1), 'not json', '[1,2]', '{"ts":1}', '{"kind":"metric"}', '{"kind":"span","ts":"x"}', allow(2), '', span(3)];
  const { events, issues, sink } = collect();
  const read = await readTraceFile(write(lines.join('\n')), sink);
  assert.deepEqual(issues.map((i) => i.line), [3, 4, 5, 6, 7]);
  assert.match(issues[0]!.reason, /^not JSON/);
  assert.match(issues[1]!.reason, /array/);
  assert.match(issues[2]!.reason, /missing field "kind"/);
  assert.match(issues[3]!.reason, /unknown kind "metric"/);
  assert.match(issues[4]!.reason, /^ts is "x"; expected a number/);
  assert.equal(events.length, 3);
  assert.deepEqual(read.counts, { lines: 9, events: 3, invalid: 5, skipped: 0, warnings: 0 });
});

test('a file without a header is read as the current version, with a warning', async () => {
  const { events, issues, sink } = collect();
  await readTraceFile(write(`${span(1)}\n`), sink);
  assert.equal(events.length, 1);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.severity, 'warning');
  assert.match(issues[0]!.reason, /no header line; read as planewise\.trace 1\.0/);
});

test('a newer minor reads, ignoring unknown fields and skipping unknown kinds', async () => {
  const header = HEADER.replace('"1.0"', '"1.4"');
  const withExtra = JSON.stringify({ ...JSON.parse(span(1)), newField: { nested: true } });
  const { events, issues, sink } = collect();
  const read = await readTraceFile(write([header, withExtra, '{"kind":"metric","value":1}', span(2)].join('\n')), sink);
  assert.deepEqual(issues, []);
  assert.equal(events.length, 2);
  assert.equal(read.counts.skipped, 1);
});

test('another major version is refused, naming the supported versions', async () => {
  const { events, issues, sink } = collect();
  const read = await readTraceFile(write([HEADER.replace('"1.0"', '"2.0"'), span(1)].join('\n')), sink);
  assert.equal(events.length, 0);
  assert.equal(issues[0]!.severity, 'fatal');
  assert.match(read.fatal ?? '', /version 2\.0 is not supported; this reader supports version 1\.x \(it implements 1\.0\)/);
});

test('a line over the bound is reported and skipped without being kept', async () => {
  const huge = JSON.stringify({ ...JSON.parse(span(1)), attributes: { blob: 'x'.repeat(5000) } });
  const { events, issues, sink } = collect();
  await readTraceFile(write([HEADER, huge, span(2)].join('\n')), sink, { maxLineBytes: 1000 });
  assert.equal(events.length, 1);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.line, 2);
  assert.match(issues[0]!.reason, /over the limit of 1000/);
});

test('follow mode holds a partial last line back and resumes from the checkpoint', async () => {
  const file = write(`${HEADER}\n${span(1)}\n${span(2).slice(0, 20)}`);
  const first = collect();
  const one = await readTraceFile(file, first.sink, { follow: true });
  assert.equal(first.events.length, 1);
  assert.deepEqual(first.issues, []);
  fs.writeFileSync(file, `${HEADER}\n${span(1)}\n${span(2)}\n${allow(3)}\n`);
  const second = collect();
  const two = await readTraceFile(file, second.sink, { follow: true, from: one.checkpoint });
  assert.deepEqual(second.events.map((e) => [e.event.ts, e.at.line]), [[2, 3], [3, 4]]);
  assert.equal(two.checkpoint.offset, fs.statSync(file).size);
  // Without follow, an unfinished last line is a line like any other.
  const whole = collect();
  await readTraceFile(write(`${HEADER}\n${span(2).slice(0, 20)}`), whole.sink);
  assert.equal(whole.issues.length, 1);
  assert.equal(whole.issues[0]!.line, 2);
});

test('a file shorter than the checkpoint is read again from the start', async () => {
  const file = write(`${HEADER}\n${span(1)}\n${span(2)}\n`);
  const one = await readTraceFile(file, collect().sink);
  fs.writeFileSync(file, `${HEADER}\n${span(9)}\n`);
  const again = collect();
  const two = await readTraceFile(file, again.sink, { from: one.checkpoint });
  assert.equal(two.restarted, true);
  assert.deepEqual(again.events.map((e) => e.event.ts), [9]);
});

test('gzip files and gzip on stdin are read; corrupt gzip is a fatal issue, not a throw', async () => {
  const text = [HEADER, span(1), allow(2)].join('\n');
  const gz = zlib.gzipSync(text);
  const fromFile = collect();
  await readTraceFile(write(gz, '.trace.jsonl.gz'), fromFile.sink);
  assert.equal(fromFile.events.length, 2);
  const fromStdin = collect();
  await readTraceStream(Readable.from([gz.subarray(0, 10), gz.subarray(10)]), '<stdin>', fromStdin.sink);
  assert.equal(fromStdin.events.length, 2);
  const corrupt = collect();
  const read = await readTraceFile(write(Buffer.concat([gz.subarray(0, gz.length - 12), Buffer.from('garbage!')]), '.trace.jsonl.gz'), corrupt.sink);
  assert.match(read.fatal ?? '', /gzip/);
  assert.equal(corrupt.issues.at(-1)!.severity, 'fatal');
});

test('byte ranges cut anywhere cover every line exactly once', async () => {
  const lines = [HEADER, ...Array.from({ length: 60 }, (_, n) => (n % 7 === 3 ? 'broken' : n % 2 ? span(n) : allow(n)))];
  const file = write(`${lines.join('\n')}\n`);
  const size = fs.statSync(file).size;
  const whole = collect();
  await readTraceFile(file, whole.sink);
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: size - 1 }), { maxLength: 6 }), async (cuts) => {
      const bounds = [0, ...cuts.sort((a, b) => a - b), size];
      const events: number[] = [];
      let invalid = 0;
      for (let k = 0; k + 1 < bounds.length; k++) {
        const part = collect();
        const read = await readTraceRange(file, part.sink, { start: bounds[k]!, end: bounds[k + 1]!, startLine: 1, state: { format: 'planewise', version: '1.0', newerMinor: false } });
        events.push(...part.events.map((e) => e.at.offset));
        invalid += read.counts.invalid;
      }
      assert.deepEqual(events, whole.events.map((e) => e.at.offset));
      assert.equal(invalid, whole.issues.length);
    }),
    { numRuns: 60 },
  );
});

test('fuzz: random bytes, truncation, huge lines, deep nesting and wrong types never throw; each line is accounted for', async () => {
  const badLine = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from(bytes.filter((b) => b !== 10)).toString('latin1') || 'x'),
    fc.nat(150).map((cut) => span(7).slice(0, Math.min(cut, span(7).length - 1)) || '{'),
    fc.constant(`${'['.repeat(20000)}${']'.repeat(20000)}`),
    fc.constant(`{"kind":"span","a":${'{"b":'.repeat(5000)}1${'}'.repeat(5000)}}`),
    fc.constant('x'.repeat(3000)),
    fc.constantFrom('{"kind":"span","ts":-1}', '{"kind":"authz","decision":"maybe"}', 'null', '42', '"text"', '{"kind":null}', '{"kind":"span","ts":1,"service":"","operation":"o","traceId":"t","spanId":"s","durationMs":1,"status":"ok"}'),
  );
  const line = fc.oneof({ weight: 2, arbitrary: fc.nat(1000).map((n) => ({ good: true, text: n % 2 ? span(n) : allow(n) })) }, { weight: 1, arbitrary: badLine.map((text) => ({ good: false, text })) });
  await fc.assert(
    fc.asyncProperty(fc.array(line, { maxLength: 40 }), fc.constantFrom('\n', '\r\n'), async (body, eol) => {
      const all = [{ good: true, text: HEADER }, ...body];
      const file = write(all.map((l) => l.text).join(eol));
      const { events, issues, sink } = collect();
      await readTraceFile(file, sink, { maxLineBytes: 2000 });
      const blank = (text: string) => text.replace(/[ \t\r]/g, '') === '';
      const expectedBad = all.flatMap((l, index) => (!l.good && !blank(l.text) ? [index + 1] : []));
      const expectedGood = all.filter((l, index) => l.good && index > 0).length;
      assert.equal(events.length, expectedGood);
      assert.deepEqual(issues.map((i) => i.line), expectedBad);
      fs.rmSync(file);
    }),
    { numRuns: 80 },
  );
});

const bigGzipTrace = (count: number) => zlib.gzipSync(`${[HEADER, ...Array.from({ length: count }, (_, n) => span(n))].join('\n')}\n`);

test('a .gz with trailing data after the gzip stream keeps every line and reports the trailing bytes', async () => {
  const gz = bigGzipTrace(3000);
  const { events, issues, sink } = collect();
  const read = await readTraceFile(write(Buffer.concat([gz, Buffer.from('not gzip at all\n')]), '.trace.jsonl.gz'), sink);
  assert.equal(events.length, 3000);
  assert.equal(read.fatal, undefined);
  assert.deepEqual(
    issues.map(({ line, severity, reason }) => ({ line, severity, reason })),
    [{ line: 3002, severity: 'warning', reason: 'trailing data after the gzip stream (16 bytes), ignored' }],
  );
});

test('a truncated .gz keeps the lines before the cut and reports the truncation as fatal', async () => {
  const truncated = bigGzipTrace(3000).subarray(0, -200);
  // Every complete line in what can still be inflated.
  const readable = zlib.gunzipSync(truncated, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString('utf8');
  const expected = readable.split('\n').slice(1, -1).map((line) => JSON.parse(line));
  assert.ok(expected.length > 2900 && expected.length < 3000);
  const cut = collect();
  const read = await readTraceFile(write(truncated, '.trace.jsonl.gz'), cut.sink);
  assert.match(read.fatal ?? '', /^gzip data is corrupt or truncated: unexpected end of file/);
  assert.deepEqual(cut.events.map(({ event }) => event), expected);
  assert.equal(cut.issues.length, 1);
  assert.equal(cut.issues[0]!.severity, 'fatal');
});
