// Shards on Dask against one process: `planewise summarize|policy
// --emit-state` over a set of generated traces in one process, and the same
// through integrations/dask/planewise_dask.py (`--for` the same command) on a
// local cluster of 2 worker processes, in the same run; the merged state is
// checked to give what the one process's state gives. Also the fixed cost of
// a Dask run (cluster started and stopped, one empty shard), of one shard
// (process start, empty read, state written), of one merge of two states of
// half the traces each, and the state's size. Medians of 3 runs.
//
//   node bench/trace/dask.mjs [--files 8] [--mb 32]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTrace } from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'analysis-core', 'dist', 'planewise.js');
const driver = path.join(root, 'integrations', 'dask', 'planewise_dask.py');
const PYTHON = '/usr/bin/python3';
const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const files = option('files', 8);
const mb = option('mb', 32);
const dir = path.join(root, 'bench', '.data', `dask-mixed-${files}x${mb}mb`);
const runs = 3;

const traces = Array.from({ length: files }, (_, index) => path.join('runs', `run-${index}.trace.jsonl`));
for (const [index, trace] of traces.entries()) {
  if (!fs.existsSync(path.join(dir, trace))) generateTrace(path.join(dir, trace), mb * 1024 * 1024, 100 + index);
}
const totalMb = files * mb;
// One shard's fixed cost is measured on a trace of one line.
const tiny = path.join(dir, 'tiny', 'tiny.trace.jsonl');
fs.mkdirSync(path.dirname(tiny), { recursive: true });
fs.writeFileSync(tiny, '{"kind":"header","schema":"planewise.trace","version":"1.0","producer":{"name":"bench"}}\n');

function timed(argv) {
  const started = process.hrtime.bigint();
  const run = spawnSync(argv[0], argv.slice(1), { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${argv.join(' ')} failed (${run.status}): ${run.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const planewise = (...args) => [process.execPath, cli, ...args];
const onDask = (command, inputs, out) => [PYTHON, driver, 'run', '--local', '2', '--for', command, '--shard-bytes', String(mb * 1024 * 1024), '--planewise', `${process.execPath} ${cli}`, '--out', out, inputs];

const daskFixed = median(Array.from({ length: runs }, () => timed(onDask('summarize', path.dirname(tiny), 'tiny-dask.state'))));
console.log(`Dask run, fixed: ${daskFixed.toFixed(2)} s (local cluster of 2 started and stopped, one empty shard)`);

for (const command of ['summarize', 'policy']) {
  const one = [];
  const dask = [];
  for (let run = 0; run < runs; run++) {
    // One process, one thread per file read: what the shards do on each worker.
    one.push(timed(planewise(command, 'runs', '--jobs', '1', '--emit-state', `one-${command}.state`, '-o', '/dev/null', '--force')));
    dask.push(timed(onDask(command, 'runs', `dask-${command}.state`)));
  }
  const answer = (state) => spawnSync(process.execPath, [cli, command, '--from-state', state], { cwd: dir, encoding: 'utf8' }).stdout;
  if (answer(`one-${command}.state`) !== answer(`dask-${command}.state`)) throw new Error(`the Dask state gives another ${command} than one process`);

  const shardCost = median(Array.from({ length: 5 }, () => timed(planewise(command, tiny, '--emit-state', 'tiny.state', '-o', '/dev/null', '--force'))));
  const half = Math.ceil(files / 2);
  timed(planewise(command, ...traces.slice(0, half), '--jobs', '1', '--emit-state', 'first-half.state', '-o', '/dev/null', '--force'));
  timed(planewise(command, ...traces.slice(half), '--jobs', '1', '--emit-state', 'second-half.state', '-o', '/dev/null', '--force'));
  const mergeCost = median(Array.from({ length: 5 }, () => timed(planewise('merge', 'first-half.state', 'second-half.state', '-o', '/dev/null'))));
  const stateMb = fs.statSync(path.join(dir, `one-${command}.state`)).size / 1024 ** 2;
  const halfMb = fs.statSync(path.join(dir, 'first-half.state')).size / 1024 ** 2;

  console.log(`| ${files} traces, ${totalMb} MB | ${command} | one process (--jobs 1 --emit-state) | ${median(one).toFixed(2)} s | 1.00x |`);
  console.log(`| ${files} traces, ${totalMb} MB | ${command} | Dask, 2 worker processes (${files} shards, tree merge) | ${median(dask).toFixed(2)} s | ${(median(one) / median(dask)).toFixed(2)}x |`);
  console.log(`${command}: per shard, fixed: ${shardCost.toFixed(2)} s (process, empty read, state written); merge of two ${halfMb.toFixed(1)} MB states: ${mergeCost.toFixed(2)} s; state of all: ${stateMb.toFixed(1)} MB`);
}
