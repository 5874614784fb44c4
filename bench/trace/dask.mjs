// Shards on Dask against one process: `planewise summarize --emit-state` over
// a set of generated traces in one process, and the same through
// integrations/dask/planewise_dask.py on a local cluster of 2 worker
// processes, in the same run; the merged state is checked to give the same
// policy. Also the cost of one shard (process start, state written and read)
// and of one merge. Medians of 3 runs.
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

for (let index = 0; index < files; index++) {
  const file = path.join(dir, 'runs', `run-${index}.trace.jsonl`);
  if (!fs.existsSync(file)) generateTrace(file, mb * 1024 * 1024, 100 + index);
}
const totalMb = files * mb;

function timed(argv) {
  const started = process.hrtime.bigint();
  const run = spawnSync(argv[0], argv.slice(1), { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${argv.join(' ')} failed (${run.status}): ${run.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const one = [];
const dask = [];
for (let run = 0; run < runs; run++) {
  // One process, one thread per file read: what the shards do on each worker.
  one.push(timed([process.execPath, cli, 'summarize', 'runs', '--jobs', '1', '--emit-state', 'one.state', '-o', '/dev/null', '--force']));
  dask.push(timed([PYTHON, driver, 'run', '--local', '2', '--shard-bytes', String(mb * 1024 * 1024), '--planewise', `${process.execPath} ${cli}`, '--out', 'dask.state', 'runs']));
}
const policy = (state) => spawnSync(process.execPath, [cli, 'policy', '--from-state', state], { cwd: dir, encoding: 'utf8' }).stdout;
if (policy('one.state') !== policy('dask.state')) throw new Error('the Dask state gives another policy than one process');

// One shard's fixed cost: a trace of one line, summarized to a state; one merge of two such states.
const tiny = path.join(dir, 'tiny.trace.jsonl');
fs.writeFileSync(tiny, '{"kind":"header","schema":"planewise.trace","version":"1.0","producer":{"name":"bench"}}\n');
const shardCost = median(Array.from({ length: 5 }, () => timed([process.execPath, cli, 'summarize', tiny, '--emit-state', 'tiny.state', '-o', '/dev/null', '--force'])));
const mergeCost = median(Array.from({ length: 5 }, () => timed([process.execPath, cli, 'merge', 'one.state', 'one.state', '-o', '/dev/null'])));
const stateKb = fs.statSync(path.join(dir, 'one.state')).size / 1024;

console.log(`| ${files} traces, ${totalMb} MB | one process (summarize --jobs 1 --emit-state) | ${median(one).toFixed(2)} s | 1.00x |`);
console.log(`| ${files} traces, ${totalMb} MB | Dask, 2 worker processes (${files} shards, tree merge) | ${median(dask).toFixed(2)} s | ${(median(one) / median(dask)).toFixed(2)}x |`);
console.log(`per shard, fixed: ${shardCost.toFixed(2)} s (process, empty read, state written); per merge of two ${stateKb.toFixed(0)} KB states: ${mergeCost.toFixed(2)} s`);
