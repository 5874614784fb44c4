import assert from 'node:assert/strict';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { after, test } from 'node:test';
import { analyzeTraces } from './analyze';
import { type DocumentRecord, JsonDocumentReader } from './jsonDocument';
import type { TraceIssue } from './lineParser';
import { readTraceFile, readTraceStream } from './reader';
import { json, readDecisions } from './testing';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-json-document-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const fixtures = path.join(__dirname, '..', '..', 'test-fixtures');
const k8sLines = fs.readFileSync(path.join(fixtures, 'k8s-audit', 'audit.log'), 'utf8').split('\n').filter((line) => line.trim() !== '');

function write(name: string, text: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Feeds `text` line by line, as the reader does. */
function scan(text: string, maxBytes?: number): { records: DocumentRecord[]; problems: string[]; broken: string | undefined } {
  const records: DocumentRecord[] = [];
  const problems: string[] = [];
  let broken: string | undefined;
  const reader = new JsonDocumentReader(
    { record: (record) => records.push(record), invalid: (line, _offset, reason) => problems.push(`${line}: ${reason}`), broken: (line, _offset, reason) => (broken = `${line}: ${reason}`) },
    maxBytes,
  );
  const bytes = Buffer.from(text);
  let offset = 0;
  let line = 1;
  for (;;) {
    const newline = bytes.indexOf(10, offset);
    const end = newline === -1 ? bytes.length : newline;
    reader.line(bytes, offset, end, line, offset);
    if (newline === -1) break;
    offset = newline + 1;
    line += 1;
  }
  reader.finish(line, bytes.length);
  return { records, problems, broken };
}

test('any JSON array, indented or not, gives its elements, each with the bytes and line it starts on', () => {
  fc.assert(
    fc.property(fc.array(json, { maxLength: 8 }), fc.constantFrom(0, 2, 4, '\t'), (values, indent) => {
      const text = JSON.stringify(values, null, indent);
      const { records, problems, broken } = scan(text);
      assert.equal(broken, undefined);
      assert.deepEqual(problems, []);
      assert.deepEqual(
        records.map((record) => record.value),
        values.map((value) => JSON.parse(JSON.stringify(value)) as unknown),
      );
      for (const record of records) {
        assert.deepEqual(JSON.parse(text.slice(record.offset, record.offset + record.length)), record.value);
        assert.equal(text.slice(0, record.offset).split('\n').length, record.line);
      }
    }),
  );
});

test('anything at all is scanned without a throw, and what it accepts JSON.parse accepts', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 60 }), (text) => {
      const { broken, records } = scan(`[${text}]`);
      let parsed = true;
      try {
        JSON.parse(`[${text}]`);
      } catch {
        parsed = false;
      }
      if (broken === undefined) assert.ok(parsed, text);
      if (parsed) assert.equal(broken, undefined, text);
      if (parsed) assert.equal(records.length, (JSON.parse(`[${text}]`) as unknown[]).length);
    }),
  );
});

test('Records, Events and entries arrays are split; any other object is one record; documents may follow each other', () => {
  const split = scan(JSON.stringify({ Records: [{ a: 1 }, { b: 2 }], other: [3] }, null, 2));
  assert.deepEqual(split.records.map((record) => record.value), [{ a: 1 }, { b: 2 }]);
  const whole = scan(JSON.stringify({ resources: [{ a: 1 }], eventTime: 'x' }, null, 2));
  assert.deepEqual(whole.records.map((record) => record.value), [{ resources: [{ a: 1 }], eventTime: 'x' }]);
  const sequence = scan(`${JSON.stringify({ a: 1 }, null, 2)}\n${JSON.stringify({ b: [2] }, null, 2)}\n7 "x" true`);
  assert.deepEqual(sequence.records.map((record) => record.value), [{ a: 1 }, { b: [2] }, 7, 'x', true]);
});

test('a syntax error is reported at its line; a cut-short document at the end; a record over the bound is skipped by name', () => {
  assert.equal(scan('[\n  {"a": 1},\n  {"b": }\n]').broken, '3: "}" where a value was expected');
  assert.equal(scan('[\n  {"a": "x\n"}\n]').broken, '2: a line break inside a string');
  assert.equal(scan('{\n  "a": [1,\n').broken, '3: the JSON document that starts at line 1 ends with 2 brackets still open');
  assert.equal(scan('[01]').broken, '1: a number with a leading zero');
  const bounded = scan(`[\n  ${JSON.stringify({ big: 'x'.repeat(100) })},\n  {"small": 1}\n]`, 64);
  assert.deepEqual(bounded.records.map((record) => record.value), [{ small: 1 }]);
  assert.deepEqual(bounded.problems, ['2: the JSON value from line 2 to 2 is over the limit of 64 bytes (--max-document-bytes); skipped']);
});

test('in a file, a malformed document ends the read with `file:line: reason`; the records before it are kept', async () => {
  const records = k8sLines.map((line) => JSON.parse(line) as unknown);
  const text = JSON.stringify(records, null, 2).replace(/"verb": "delete"/, '"verb": delete');
  const file = write('broken.json', text);
  const { events, issues, result } = await readDecisions(file);
  const brokenLine = text.split('\n').findIndex((line) => line.includes('"verb": delete')) + 1;
  assert.equal(issues.length, 1);
  assert.deepEqual([issues[0]!.severity, issues[0]!.line], ['fatal', brokenLine]);
  assert.match(issues[0]!.reason, /^not JSON: "d" where a value was expected; the rest of the document was not read$/);
  assert.equal(result.fatal, issues[0]!.reason);
  assert.ok(events.length > 0);
});

test('JSON Lines with a broken first line is still read as lines', async () => {
  const file = write('broken-first.jsonl', `{"kind":"authz",\n${k8sLines.join('\n')}\n`);
  const { events, issues } = await readDecisions(file);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.line, 1);
  assert.match(issues[0]!.reason, /^not JSON: /);
  assert.equal(events.length, (await readDecisions(path.join(fixtures, 'k8s-audit', 'audit.log'))).events.length);
});

test('`jq .` of an audit log (one indented document per event) reads like the log, from a file, gzipped stdin, and in parallel', async () => {
  const expected = (await readDecisions(path.join(fixtures, 'k8s-audit', 'audit.log'))).events;
  const pretty = k8sLines.map((line) => JSON.stringify(JSON.parse(line), null, 2)).join('\n');
  const file = write('audit.pretty.json', `${pretty}\n`);
  assert.deepEqual((await readDecisions(file)).events, expected);
  const events: unknown[] = [];
  const issues: TraceIssue[] = [];
  await readTraceStream(Readable.from([zlib.gzipSync(pretty)]), '-', { event: (event) => events.push(event), issue: (issue) => issues.push(issue) });
  assert.deepEqual(issues, []);
  assert.deepEqual(events, expected);
  const parallel = await analyzeTraces([{ kind: 'file', path: file, name: file, size: fs.statSync(file).size }], { jobs: 2, parallelMinBytes: 1, rangeBytes: 256 });
  const single = await analyzeTraces([{ kind: 'file', path: file, name: file, size: fs.statSync(file).size }], { jobs: 1 });
  assert.deepEqual(parallel.summary.result(), single.summary.result());
  assert.equal(single.summary.result().events, expected.length);
});

test('a document read to its end leaves a checkpoint there; a document appended later is read from it', async () => {
  const first = JSON.stringify(JSON.parse(k8sLines.find((line) => line.includes('ResponseComplete'))!), null, 2);
  const file = write('growing.json', `${first}\n`);
  const seen: unknown[] = [];
  const sink = { event: (event: unknown) => seen.push(event) };
  const read = await readTraceFile(file, sink, { follow: true });
  fs.appendFileSync(file, `${first}\n`);
  const again = await readTraceFile(file, sink, { follow: true, from: read.checkpoint });
  assert.equal(again.counts.invalid, 0);
  assert.equal(seen.length, 2);
});
