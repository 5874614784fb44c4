// Large inputs show how far reading got, and Ctrl-C stops them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { analyzeTraces, resolveTraceInputs } from '../trace';
import { runCli } from './main';
import { cliBinary, ensureFreshCli } from './testing';

before(ensureFreshCli);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-progress-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const HEADER = '{"kind":"header","schema":"planewise.trace","version":"1.0","producer":{"name":"test"}}\n';
const SPAN = '{"kind":"span","ts":1,"service":"s","operation":"op","traceId":"t","spanId":"s","durationMs":1,"status":"ok"}\n';

/** A stdin that trickles lines for `ms` milliseconds, as a slow producer would. */
function tricklingStdin(ms: number): Readable {
  const started = Date.now();
  let first = true;
  return new Readable({
    read() {
      const chunk = (first ? HEADER : '') + SPAN.repeat(1000);
      first = false;
      if (Date.now() - started > ms) this.push(null);
      else setTimeout(() => this.push(chunk), 20);
    },
  });
}

test('a terminal sees a progress line while stdin is read, with bytes only (its size is unknown), cleared at the end', async () => {
  const stderr = Object.assign(new PassThrough(), { isTTY: true });
  let written = '';
  stderr.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const stdout = new PassThrough();
  stdout.resume();
  const code = await runCli(['summarize', '-'], { stdin: tricklingStdin(1200), stdout, stderr, env: {}, cwd: dir });
  assert.equal(code, 0);
  assert.match(written, /\r\u001b\[Kreading \d+(\.\d)? (KiB|MiB), Ctrl-C stops/);
  assert.doesNotMatch(written, / of /);
  assert.ok(written.endsWith('\r\u001b[K'), 'the line is cleared before output');
});

test('progress totals: the file sizes for files, 0 (unknown) when a stream is among the inputs', async () => {
  const file = path.join(dir, 'sized.trace.jsonl');
  fs.writeFileSync(file, HEADER + SPAN.repeat(100));
  const size = fs.statSync(file).size;
  const totals: number[] = [];
  await analyzeTraces(await resolveTraceInputs([file], dir), { onProgress: (_done, total) => totals.push(total) });
  assert.ok(totals.length > 0 && totals.every((total) => total === size));
  const streamed: number[] = [];
  await analyzeTraces(await resolveTraceInputs([file, '-'], dir), { stdin: Readable.from([Buffer.from(HEADER + SPAN)]), onProgress: (_done, total) => streamed.push(total) });
  assert.ok(streamed.length > 0 && streamed.every((total) => total === 0));
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} while a trace is being read ends the process by the signal (exit ${signal === 'SIGINT' ? 130 : 143} in a shell), output untouched`, async () => {
    const output = path.join(dir, `kept-${signal}.txt`);
    fs.writeFileSync(output, 'earlier result\n');
    const child = spawn(process.execPath, [cliBinary, 'policy', '-', '-o', output, '--force'], { stdio: ['pipe', 'ignore', 'pipe'] });
    child.stdin.write(HEADER + SPAN.repeat(1000));
    await sleep(300);
    assert.equal(child.exitCode, null, 'still reading: stdin is open');
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, endedBy) => resolve(endedBy)));
    child.kill(signal);
    assert.equal(await ended, signal);
    assert.equal(fs.readFileSync(output, 'utf8'), 'earlier result\n');
    assert.deepEqual(fs.readdirSync(dir).filter((name) => name.startsWith('.kept')), []);
  });
}
