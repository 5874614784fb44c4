import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import zlib from 'node:zlib';
import { MIN_RANGE_BYTES, analyzeTraces } from './analyze';
import { TraceDigest } from './digest';
import { TraceInputError, resolveTraceInputs } from './inputs';
import { readTraceFile } from './reader';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-analyze-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const HEADER = '{"kind":"header","schema":"planewise.trace","version":"1.0","producer":{"name":"test"}}';
function traceText(count: number, seed: number): string {
  const lines = [HEADER];
  for (let n = 0; n < count; n++) {
    const k = (n * 7919 + seed) % 1000;
    if (n % 97 === 5) lines.push('{"kind":"span","broken":true}');
    else if (n % 2 === 0) lines.push(JSON.stringify({ kind: 'span', ts: n, service: `svc${k % 4}`, operation: `op${k % 9}`, traceId: 't', spanId: `s${n}`, durationMs: (k % 50) + 0.5, status: k % 13 === 0 ? 'error' : 'ok' }));
    else lines.push(JSON.stringify({ kind: 'authz', ts: n, service: 'svc', principal: `p${k % 5}`, action: `storage:A${k % 7}`, resource: `bucket/${k % 11}/${k % 3}`, decision: k % 10 === 0 ? 'deny' : 'allow', ...(k % 10 === 0 ? { denyReason: 'implicit' } : {}) }));
  }
  return `${lines.join('\n')}\n`;
}

const big = path.join(dir, 'big.trace.jsonl');
fs.writeFileSync(big, traceText(6000, 1));

function comparable(digest: Awaited<ReturnType<typeof analyzeTraces>>) {
  return { files: digest.files, issues: digest.issues, issueTotal: digest.issueTotal, summary: digest.summary.result(), policy: digest.policy.result({ wildcardThreshold: 2 }) };
}

test('a file split over worker threads gives exactly the single-thread answer, issue line numbers included', async () => {
  const sources = await resolveTraceInputs([big], dir);
  const single = comparable(await analyzeTraces(sources, { jobs: 1 }));
  // Small ranges: dozens of them, claimed in turn by three threads, cut anywhere in a line.
  const parallel = comparable(await analyzeTraces(sources, { jobs: 3, parallelMinBytes: 1, rangeBytes: 16_381 }));
  assert.ok(single.issueTotal > 50);
  assert.deepEqual(parallel, single);
  const lines = fs.readFileSync(big, 'utf8').split('\n');
  for (const issue of single.issues) assert.match(lines[issue.line - 1]!, /"broken":true/);
});

test('jobs is a maximum: a file under parallelMinBytes is read on this thread, never split', async () => {
  // Over two of the smallest ranges (which an explicit jobs used to split), under the default split size.
  const file = path.join(dir, 'mid.trace.jsonl');
  fs.writeFileSync(file, traceText(80_000, 7));
  assert.ok(fs.statSync(file).size > 2 * MIN_RANGE_BYTES);
  const sources = await resolveTraceInputs([file], dir);
  // A worker that cannot start: any split rejects.
  const missingWorker = path.join(dir, 'no-such-worker.js');
  const digest = await analyzeTraces(sources, { jobs: 2, workerScript: missingWorker });
  assert.equal(digest.files[0]!.events, 80_000 - Math.ceil((80_000 - 5) / 97));
  await assert.rejects(analyzeTraces(sources, { jobs: 2, parallelMinBytes: 1, workerScript: missingWorker }));
});

test('the fast path gives the digest that JSON.parse of every line gives', async () => {
  const file = path.join(dir, 'escapes.trace.jsonl');
  // Escapes, odd spacing and extra fields mixed in: some lines are scanned, some parsed, none lost.
  const text = traceText(3000, 6)
    .replace(/"service":"svc2"/g, '"service":"sv\\u00632"')
    .replace(/"principal":"p2"/g, '"principal" : "p2", "note": {"a": [1, 2e3]}');
  fs.writeFileSync(file, text);
  const [source] = await resolveTraceInputs([file], dir);
  const scanned = await analyzeTraces([source!], { jobs: 1 });
  const parsed = new TraceDigest();
  const read = await readTraceFile(file, { event: (event) => parsed.add(event), issue: (issue) => parsed.addIssue({ ...issue, file: source!.name }) });
  parsed.addFile({ name: source!.name, ...read.counts });
  assert.deepEqual(comparable(scanned), comparable(parsed));
  assert.ok(scanned.summary.result().services.some((service) => service.service === 'svc2'));
});

test('directories, globs, gzip and stdin all feed one digest', async () => {
  const runs = path.join(dir, 'runs');
  fs.mkdirSync(path.join(runs, 'nested'), { recursive: true });
  fs.writeFileSync(path.join(runs, 'a.trace.jsonl'), traceText(100, 2));
  fs.writeFileSync(path.join(runs, 'nested', 'b.trace.jsonl.gz'), zlib.gzipSync(traceText(100, 3)));
  fs.writeFileSync(path.join(runs, 'notes.json'), '{"not":"a trace"}');
  const fromDir = await resolveTraceInputs(['runs'], dir);
  assert.deepEqual(fromDir.map((s) => s.name), [path.join('runs', 'a.trace.jsonl'), path.join('runs', 'nested', 'b.trace.jsonl.gz')]);
  const fromGlob = await resolveTraceInputs(['runs/**/*.trace.jsonl*'], dir);
  assert.equal(fromGlob.length, 2);
  const digest = await analyzeTraces([...fromDir, ...(await resolveTraceInputs(['-'], dir))], { stdin: Readable.from([Buffer.from(traceText(50, 4))]) });
  assert.deepEqual(digest.files.map((f) => f.events), [99, 99, 49]);
  await assert.rejects(resolveTraceInputs(['missing.trace.jsonl'], dir), TraceInputError);
  await assert.rejects(resolveTraceInputs(['runs/*.nothing'], dir), /no files match/);
});

test('a file refused at its header is not split: nothing after the header is read', async () => {
  const file = path.join(dir, 'v2.trace.jsonl');
  fs.writeFileSync(file, traceText(2000, 5).replace('"version":"1.0"', '"version":"2.0"'));
  const digest = await analyzeTraces(await resolveTraceInputs([file], dir), { jobs: 2, parallelMinBytes: 1 });
  assert.equal(digest.files[0]!.events, 0);
  assert.match(digest.files[0]!.fatal ?? '', /2\.0 is not supported/);
});
