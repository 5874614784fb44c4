// Runs the built `planewise` binary as a process: results that must not depend on --jobs, inputs, or size.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { cliBinary as binary, ensureFreshCli } from './testing';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-robust-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

before(ensureFreshCli);

function planewise(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...options.env };
  const result = spawnSync(process.execPath, [binary, ...args], { cwd: dir, input: options.input ?? '', encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const header = (version: string) => JSON.stringify({ kind: 'header', schema: 'planewise.trace', version, producer: { name: 'test' } });
const span = (service: string, operation: string, durationMs: number) => JSON.stringify({ kind: 'span', ts: 1_700_000_000_000, service, operation, traceId: 't', spanId: 's', durationMs, status: 'ok' });

function writeTrace(name: string, lines: string[]): string {
  fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
  return name;
}

/** Ranges of 4 KiB, so a file of a few dozen KiB is split over the threads. */
const SPLIT_SMALL_FILES = { PLANEWISE_TEST_RANGE_BYTES: '4096' };

test('--jobs never changes a result: a 1.0 trace and a 1.3 trace joined with cat', () => {
  const first = [header('1.0'), ...Array.from({ length: 300 }, (_, i) => span('orders', `op${i % 7}`, i))];
  // A newer minor may add kinds: under its header they are skipped, not invalid.
  const second = [header('1.3'), ...Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? JSON.stringify({ kind: 'metric', value: i }) : span('billing', 'Charge', i)))];
  const name = writeTrace('joined.trace.jsonl', [...first, ...second]);
  assert.ok(fs.statSync(path.join(dir, name)).size > 8 * 4096, 'the file spans several ranges');
  for (const command of [['summarize', '--format', 'json'], ['validate', '--format', 'json']]) {
    const one = planewise([...command, name, '--jobs', '1'], { env: SPLIT_SMALL_FILES });
    const two = planewise([...command, name, '--jobs', '2'], { env: SPLIT_SMALL_FILES });
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, one.code, two.stderr);
    assert.deepEqual(JSON.parse(two.stdout), JSON.parse(one.stdout));
  }
  const summary = JSON.parse(planewise(['summarize', '--format', 'json', name, '--jobs', '2'], { env: SPLIT_SMALL_FILES }).stdout);
  assert.equal(summary.inputs.skipped, 150);
  assert.equal(summary.inputs.invalid, 0);
});

test('--jobs never changes a result: an unsupported major version partway through stops the file there', () => {
  const name = writeTrace('joined-v2.trace.jsonl', [header('1.0'), ...Array.from({ length: 300 }, (_, i) => span('orders', 'op', i)), header('2.0'), ...Array.from({ length: 300 }, (_, i) => span('later', 'op', i))]);
  const one = planewise(['summarize', '--format', 'json', name, '--jobs', '1'], { env: SPLIT_SMALL_FILES });
  const two = planewise(['summarize', '--format', 'json', name, '--jobs', '2'], { env: SPLIT_SMALL_FILES });
  assert.equal(one.code, 2);
  assert.equal(two.code, 2);
  assert.deepEqual(JSON.parse(two.stdout), JSON.parse(one.stdout));
  assert.equal(JSON.parse(one.stdout).summary.events, 300);
});

test('--jobs above what can help is lowered, with one line on stderr', () => {
  const name = writeTrace('capped.trace.jsonl', [header('1.0'), ...Array.from({ length: 300 }, (_, i) => span('orders', 'op', i))]);
  const run = planewise(['summarize', name, '--jobs', '1000'], { env: SPLIT_SMALL_FILES });
  assert.equal(run.code, 0);
  const ranges = Math.ceil(fs.statSync(path.join(dir, name)).size / 4096);
  const cap = Math.min(os.availableParallelism(), ranges);
  assert.equal(run.stderr, `planewise: --jobs 1000 lowered to ${cap} (one thread per CPU and per 4 KiB of the largest file)\n`);
  assert.equal(planewise(['summarize', name, '--jobs', String(cap)], { env: SPLIT_SMALL_FILES }).stderr, '');
  assert.match(planewise(['summarize', '--help']).stdout, /at most one per CPU/);
});

test('--jobs is a maximum: a file under the split size is read on one thread, with one line on stderr', () => {
  const name = writeTrace('small.trace.jsonl', [header('1.0'), ...Array.from({ length: 300 }, (_, i) => span('orders', `op${i % 5}`, i))]);
  const one = planewise(['summarize', '--format', 'json', name, '--jobs', '1']);
  assert.equal(one.stderr, '');
  const two = planewise(['summarize', '--format', 'json', name, '--jobs', '2']);
  assert.equal(two.code, 0);
  assert.equal(two.stderr, 'planewise: --jobs 2 lowered to 1 (files under 512 MiB are read on one thread: a second costs more than it saves)\n');
  assert.deepEqual(JSON.parse(two.stdout), JSON.parse(one.stdout));
  // The tests' smaller split size moves the rule with it: 8 KiB here.
  const tiny = writeTrace('tiny.trace.jsonl', [header('1.0'), span('orders', 'op', 1)]);
  assert.equal(planewise(['summarize', tiny, '--jobs', '2'], { env: SPLIT_SMALL_FILES }).stderr, 'planewise: --jobs 2 lowered to 1 (files under 8 KiB are read on one thread: a second costs more than it saves)\n');
  assert.match(planewise(['summarize', '--help']).stdout, /smaller files are read on one thread/);
});

test('directories: a self link does not count files twice; a link to a missing trace file is exit 2 with one line naming it', () => {
  writeTrace('dirs/a.trace.jsonl', [header('1.0'), span('orders', 'op', 1)]);
  writeTrace('dirs/sub/b.trace.jsonl', [header('1.0'), span('orders', 'op', 2)]);
  fs.symlinkSync('.', path.join(dir, 'dirs', 'self'));
  const run = planewise(['summarize', '--format', 'json', 'dirs', 'dirs/a.trace.jsonl']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).inputs.files.map((file: { name: string }) => file.name), ['dirs/a.trace.jsonl', 'dirs/sub/b.trace.jsonl']);
  fs.symlinkSync('missing.trace.jsonl', path.join(dir, 'dirs', 'sub', 'lost.trace.jsonl'));
  const broken = planewise(['summarize', 'dirs']);
  assert.equal(broken.code, 2);
  assert.equal(broken.stderr, 'planewise summarize: dirs/sub/lost.trace.jsonl: cannot be read (ENOENT)\n');
  assert.equal(broken.stdout, '');
});
