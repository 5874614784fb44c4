// High-cardinality reproductions: a trace with N distinct operations and
// principals, then the commands that used to crash on it (stack overflow at
// ~150,000 in text summarize/diff, "Invalid string length" at ~3M principals
// in summarize --format json, an out-of-memory abort at ~5M principals in
// policy). Prints each command's exit code, time and peak memory; policy runs
// twice: at its default --max-principals (past it: one error line, exit 2)
// and raised to N with a larger heap. Usage: node bench/trace/cardinality.mjs [N=3000000]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'analysis-core', 'dist', 'planewise.js');
const count = Number(process.argv[2] ?? 3_000_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-cardinality-'));
const file = path.join(dir, 'many.trace.jsonl');

const out = fs.openSync(file, 'w');
let batch = '{"kind":"header","schema":"planewise.trace","version":"1.0","producer":{"name":"bench"}}\n';
for (let index = 0; index < count; index++) {
  batch += `{"kind":"span","ts":1700000000000,"service":"s","operation":"op${index}","traceId":"t","spanId":"s","durationMs":1,"status":"ok"}\n`;
  batch += `{"kind":"authz","ts":1700000000001,"service":"s","principal":"p${index}","action":"storage:Get","resource":"bucket/${index}","decision":"allow"}\n`;
  if (batch.length > 1 << 22) {
    fs.writeSync(out, batch);
    batch = '';
  }
}
fs.writeSync(out, batch);
fs.closeSync(out);
console.log(`${count} distinct operations and principals: ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB`);

const heapMb = String(Math.max(4096, Math.ceil(count / 1e6) * 2048));
const runs = [[[], ['summarize']], [[], ['summarize', '--format', 'json']], [[], ['diff', file]], [[], ['policy', '--format', 'json']], [[`--max-old-space-size=${heapMb}`], ['policy', '--format', 'json', '--max-principals', String(count)]]];
for (const [nodeOptions, args] of runs) {
  const started = Date.now();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...nodeOptions, cli, ...args, file, '-o', path.join(dir, 'out'), '--force'], { encoding: 'utf8' });
  const peakKb = Number(run.stderr.trim().split('\n').at(-1));
  const error = run.stderr.split('\n').find((line) => /Error|error|limit/.test(line));
  console.log(`${args.join(' ').padEnd(28)} exit ${run.status}  ${((Date.now() - started) / 1000).toFixed(1)} s  peak ${(peakKb / 1024).toFixed(0)} MB${error ? `  ${error}` : ''}`);
}
fs.rmSync(dir, { recursive: true, force: true });
