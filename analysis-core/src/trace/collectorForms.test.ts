// Every form the OpenTelemetry Collector's file exporter writes, made by the official OpenTelemetry JS
// serializers and the reference zstd: each must give the analyses exactly what its OTLP/JSON form gives.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { analyzeTraces } from './analyze';
import type { TraceDigest } from './digest';
import type { TraceIssue } from './lineParser';
import descriptor from './otlpProtoDescriptor.json';
import { readTraceFile, readTraceStream, traceFileForm } from './reader';
import type { TraceEvent } from './schema';
import { COLLECTOR_FORMS, type CollectorForm, collectorFile, jsonBatch, lengthPrefixed, protoBatch, recordBatches, zstd } from './testing/collectorFiles';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-collector-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const batches = recordBatches(7);
const files = new Map<CollectorForm, string>();

before(async () => {
  for (const form of COLLECTOR_FORMS) {
    // Named alike on purpose: the form is told from the content.
    const file = path.join(dir, `${form.replace(/\+/g, '-')}.otlp`);
    fs.writeFileSync(file, await collectorFile(batches, form));
    files.set(form, file);
  }
});

async function digestOf(file: string, options: { jobs?: number; maxLineBytes?: number } = {}): Promise<TraceDigest> {
  return analyzeTraces([{ kind: 'file', path: file, name: 'traces', size: fs.statSync(file).size }], { jobs: 1, ...options });
}

async function read(file: string, maxLineBytes?: number): Promise<{ events: TraceEvent[]; issues: TraceIssue[] }> {
  const events: TraceEvent[] = [];
  const issues: TraceIssue[] = [];
  await readTraceFile(file, { event: (event) => events.push(event), issue: (issue) => issues.push(issue) }, maxLineBytes === undefined ? {} : { maxLineBytes });
  return { events, issues };
}

test('the committed protobuf descriptor is the one the vendored .proto files give', async () => {
  const script = pathToFileURL(path.join(__dirname, '..', '..', '..', 'scripts', 'generate-otlp-proto.mjs')).href;
  const { otlpTraceDescriptor } = (await import(script)) as { otlpTraceDescriptor(): string };
  assert.deepEqual(JSON.parse(otlpTraceDescriptor()), descriptor);
});

test('each form is told from its first bytes', async () => {
  const forms = await Promise.all(COLLECTOR_FORMS.map((form) => traceFileForm(files.get(form)!)));
  assert.deepEqual(forms, ['lines', 'records', 'records', 'records', 'zstd', 'zstd']);
});

test('every form gives the same events, summary and policy as OTLP/JSON, with nothing reported', async () => {
  const reference = await digestOf(files.get('json')!);
  const expected = await read(files.get('json')!);
  assert.ok(expected.events.some((event) => event.kind === 'authz') && expected.events.some((event) => event.kind === 'span'));
  for (const form of COLLECTOR_FORMS) {
    const digest = await digestOf(files.get(form)!);
    assert.deepEqual(digest.issues, [], form);
    assert.deepEqual(digest.files.map(({ lines, events, invalid }) => [lines, events, invalid]), [[7, expected.events.length, 0]], form);
    assert.deepEqual(digest.summary.result(), reference.summary.result(), form);
    assert.deepEqual(digest.policy.result({}), reference.policy.result({}), form);
    assert.deepEqual((await read(files.get(form)!)).events, expected.events, form);
  }
});

test('stdin, in chunks of one to five bytes, reads every form as the file does', async () => {
  const expected = (await read(files.get('json')!)).events;
  for (const form of COLLECTOR_FORMS) {
    const bytes = fs.readFileSync(files.get(form)!);
    const chunks: Buffer[] = [];
    for (let at = 0, size = 1; at < bytes.length; at += size, size = (size % 5) + 1) chunks.push(bytes.subarray(at, at + size));
    const events: TraceEvent[] = [];
    const issues: TraceIssue[] = [];
    await readTraceStream(Readable.from(chunks), '<stdin>', { event: (event) => events.push(event), issue: (issue) => issues.push(issue) });
    assert.deepEqual(issues, [], form);
    assert.deepEqual(events, expected, form);
  }
});

test('a large protobuf file is read on one thread even when threads are asked for, with the same result', async () => {
  const file = files.get('proto')!;
  const single = await digestOf(file);
  const threaded = await analyzeTraces([{ kind: 'file', path: file, name: 'traces', size: fs.statSync(file).size }], { jobs: 2, parallelMinBytes: 1, rangeBytes: 512 });
  assert.deepEqual(threaded.summary.result(), single.summary.result());
  assert.deepEqual(threaded.issues, []);
});

/** The proto file's records, each with its length prefix. */
function protoRecords(): Buffer[] {
  return batches.map((spans) => lengthPrefixed(protoBatch(spans)));
}

const eventsOfBatches = async (indexes: number[]) => {
  const file = path.join(dir, `subset-${indexes.join('-')}.otlp.pb`);
  fs.writeFileSync(file, Buffer.concat(indexes.map((index) => protoRecords()[index]!)));
  return (await read(file)).events;
};

test('a corrupt record is an issue at file:record N and every other record is used', async () => {
  const records = protoRecords();
  const damaged = Buffer.from(records[2]!);
  // A field tag with the reserved wire type 7, where the payload starts.
  damaged[4] = 0x0f;
  const file = path.join(dir, 'corrupt.otlp.pb');
  fs.writeFileSync(file, Buffer.concat([records[0]!, records[1]!, damaged, ...records.slice(3)]));
  const { events, issues } = await read(file);
  assert.deepEqual(
    issues.map(({ line, severity, unit }) => [line, severity, unit]),
    [[3, 'error', 'record']],
  );
  assert.match(issues[0]!.reason, /^not an OTLP\/protobuf ExportTraceServiceRequest: /);
  assert.equal(issues[0]!.offset, records[0]!.length + records[1]!.length);
  assert.deepEqual(events, await eventsOfBatches([0, 1, 3, 4, 5, 6]));
  const digest = await digestOf(file);
  assert.deepEqual(digest.files.map(({ lines, invalid }) => [lines, invalid]), [[7, 1]]);
});

test('a record cut short at the end of the file is reported and the records before it are used', async () => {
  const records = protoRecords();
  const file = path.join(dir, 'truncated.otlp.pb');
  fs.writeFileSync(file, Buffer.concat([...records.slice(0, 3), records[3]!.subarray(0, 40)]));
  const { events, issues } = await read(file);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.line, 4);
  assert.match(issues[0]!.reason, new RegExp(`^truncated: the length prefix says ${records[3]!.length - 4} bytes, the input ends after 36$`));
  assert.deepEqual(events, await eventsOfBatches([0, 1, 2]));
  fs.writeFileSync(file, Buffer.concat([...records.slice(0, 3), records[3]!.subarray(0, 2)]));
  assert.match((await read(file)).issues[0]!.reason, /^truncated: 2 of the 4 bytes of a length prefix/);
});

test('a length prefix over the bound is an error, not an allocation: the record is skipped, one issue', async () => {
  const records = protoRecords();
  const file = path.join(dir, 'oversized.otlp.pb');
  const huge = Buffer.alloc(4);
  huge.writeUInt32BE(0xfffffff0, 0);
  fs.writeFileSync(file, Buffer.concat([...records.slice(0, 3), huge, Buffer.from('junk')]));
  const bound = Math.max(...records.map((record) => record.length));
  const { events, issues } = await read(file, bound);
  assert.deepEqual(
    issues.map(({ line, reason }) => [line, reason]),
    [[4, `record is ${0xfffffff0} bytes, over the limit of ${bound}; skipped`]],
  );
  assert.deepEqual(events, await eventsOfBatches([0, 1, 2]));
});

test('a record longer than the bound is skipped as it streams past, and the rest is read', async () => {
  const records = protoRecords();
  const big = lengthPrefixed(protoBatch(recordBatches(1, 400)[0]!));
  const file = path.join(dir, 'big-record.otlp.pb');
  fs.writeFileSync(file, Buffer.concat([records[0]!, big, records[1]!]));
  const { events, issues } = await read(file, 8 * 1024);
  assert.deepEqual(issues.map(({ line, unit }) => [line, unit]), [[2, 'record']]);
  assert.equal(issues[0]!.reason, `record is ${big.length - 4} bytes, over the limit of ${8 * 1024}; skipped`);
  assert.deepEqual(events, await eventsOfBatches([0, 1]));
});

test('compressed records: a damaged frame or one that inflates past the bound is that record\'s issue', async () => {
  const good = await Promise.all(batches.slice(0, 3).map(async (spans) => lengthPrefixed(await zstd(jsonBatch(spans)))));
  const damaged = Buffer.from(good[1]!);
  damaged.fill(0xff, 12, 20);
  const file = path.join(dir, 'damaged.otlp.json');
  fs.writeFileSync(file, Buffer.concat([good[0]!, damaged, good[2]!]));
  const { issues } = await read(file);
  assert.deepEqual(issues.map(({ line, severity }) => [line, severity]), [[2, 'error']]);
  assert.match(issues[0]!.reason, /^zstd: corrupt/);
  const bomb = lengthPrefixed(await zstd(Buffer.alloc(1024 * 1024, 0x20)));
  fs.writeFileSync(file, Buffer.concat([good[0]!, bomb]));
  const { events, issues: bombIssues } = await read(file, 64 * 1024);
  assert.deepEqual(bombIssues.map((issue) => issue.reason), [`zstd: decompresses to more than ${64 * 1024} bytes`]);
  assert.deepEqual(events, await eventsOfBatches([0]));
});

test('a whole-file zstd stream cut short keeps what came before it and ends the file with a fatal issue', async () => {
  const whole = fs.readFileSync(files.get('proto+native-zstd')!);
  const file = path.join(dir, 'cut.otlp.pb.zst');
  fs.writeFileSync(file, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const { events, issues } = await read(file);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.severity, 'fatal');
  assert.equal(issues[0]!.unit, 'record');
  assert.match(issues[0]!.reason, /^zstd data is corrupt or truncated at byte \d+: truncated: the input ends inside a frame; the records before it were read$/);
  const complete = issues[0]!.line - 1;
  assert.ok(complete >= 1 && complete < batches.length);
  assert.deepEqual(events, await eventsOfBatches(Array.from({ length: complete }, (_, index) => index)));
  const digest = await digestOf(file);
  assert.match(digest.files[0]!.fatal ?? '', /^zstd data is corrupt/);
});

test('garbage that is not a zstd frame after a whole-file stream is fatal, not a crash', async () => {
  const file = path.join(dir, 'trailing.otlp.json.zst');
  fs.writeFileSync(file, Buffer.concat([fs.readFileSync(files.get('json+native-zstd')!), Buffer.from('not zstd')]));
  const { events, issues } = await read(file);
  assert.equal(events.length, (await read(files.get('json')!)).events.length);
  assert.deepEqual(issues.map(({ severity, unit }) => [severity, unit]), [['fatal', undefined]]);
  assert.match(issues[0]!.reason, /not a zstd frame \(bad magic number\)/);
});

test('damage anywhere in any binary form never throws: the reader reports and goes on', async () => {
  const small = recordBatches(3, 3);
  const originals = await Promise.all(COLLECTOR_FORMS.filter((form) => form !== 'json').map((form) => collectorFile(small, form)));
  const file = path.join(dir, 'fuzzed.otlp.pb');
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: originals.length - 1 }),
      fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      fc.double({ min: 0.2, max: 1, noNaN: true }),
      async (which, flips, keep) => {
        const bytes = Buffer.from(originals[which]!);
        for (const [at, value] of flips) bytes[Math.floor(at * (bytes.length - 1))] = value;
        fs.writeFileSync(file, bytes.subarray(0, Math.ceil(bytes.length * keep)));
        const { issues } = await read(file, 64 * 1024);
        for (const issue of issues) assert.ok(issue.reason.length > 0);
        const streamed: TraceIssue[] = [];
        await readTraceStream(Readable.from([fs.readFileSync(file)]), '<stdin>', { event: () => undefined, issue: (issue) => streamed.push(issue) }, { maxLineBytes: 64 * 1024 });
      },
    ),
    { numRuns: 150 },
  );
});
