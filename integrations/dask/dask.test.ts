// The Dask driver on a real local cluster (a scheduler and two worker
// processes on loopback): its merged state must give byte for byte what one
// planewise process reading every trace gives.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { cliBinary, ensureFreshCli } from '../../analysis-core/src/cli/testing';

/** Debian's Python, which has python3-distributed (scripts/system-deps.mjs installs it). */
const PYTHON = '/usr/bin/python3';
const driver = path.join(__dirname, 'planewise_dask.py');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-dask-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
before(ensureFreshCli);
before(writeRuns);

const planewise = (args: string[]) => spawnSync(process.execPath, [cliBinary, ...args], { cwd: dir, encoding: 'utf8' });

/** Traces of several runs, in two folders, of different sizes, one with an invalid line. */
function writeRuns(): void {
  for (let run = 0; run < 7; run++) {
    const folder = path.join(dir, 'runs', run % 2 === 0 ? 'ci' : 'staging');
    fs.mkdirSync(folder, { recursive: true });
    const lines = [JSON.stringify({ kind: 'header', schema: 'planewise.trace', version: '1.0', producer: { name: 'test' }, runId: `run-${run}` })];
    for (let event = 0; event < 200 * (run + 1); event++) {
      lines.push(JSON.stringify({ kind: 'span', ts: 1_700_000_000_000 + event, service: `svc${event % 3}`, operation: `op${event % 11}`, traceId: 't', spanId: 's', durationMs: (event * 7) % 300, status: event % 13 === 0 ? 'error' : 'ok' }));
      const denied = event % 9 === 0;
      lines.push(JSON.stringify({ kind: 'authz', ts: 1_700_000_000_000 + event, service: 'svc0', principal: `role-${(event + run) % 5}`, action: `s3:${event % 2 === 0 ? 'GetObject' : 'PutObject'}`, resource: `bucket/${run}/${event % 17}`, decision: denied ? 'deny' : 'allow', ...(denied ? { denyReason: 'implicit' } : {}) }));
    }
    if (run === 3) lines.push('{"kind":"span","ts":"not a number"}');
    fs.writeFileSync(path.join(folder, `run-${run}.trace.jsonl`), `${lines.join('\n')}\n`);
  }
}

const analysesOf = (state: string) => JSON.parse(fs.readFileSync(path.join(dir, state), 'utf8').split('\n')[0]!).analyses as string[];

test('shards on a local Dask cluster merge to exactly what one process reads', () => {
  const hasDask = spawnSync(PYTHON, ['-c', 'import dask.distributed'], { encoding: 'utf8' });
  assert.equal(hasDask.status, 0, `Dask is missing: run \`node scripts/system-deps.mjs\` (python3-distributed)\n${hasDask.stderr}`);
  const onDask = (out: string, ...options: string[]) => spawnSync(PYTHON, [driver, 'run', '--local', '2', '--shard-bytes', '100000', ...options, '--planewise', `${process.execPath} ${cliBinary}`, '--out', out, 'runs'], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
  const run = onDask('all.state');
  assert.equal(run.status, 0, run.stderr);
  const state = fs.readFileSync(path.join(dir, 'all.state'), 'utf8');
  assert.ok((state.match(/"kind":"leaf"/g) ?? []).length >= 3, 'the traces were read as several shards');
  assert.deepEqual(analysesOf('all.state'), ['policy', 'summary'], 'by default the state serves every command');
  const sameAsOneProcess = (stateFile: string, command: string[]) => {
    const fromShards = planewise([...command, '--from-state', stateFile]);
    const oneProcess = planewise([...command, 'runs']);
    const strip = (text: string) => (command.includes('json') ? JSON.stringify({ ...JSON.parse(text), inputs: undefined, issues: undefined }) : text);
    assert.equal(strip(fromShards.stdout), strip(oneProcess.stdout), command.join(' '));
    assert.equal(fromShards.status, oneProcess.status);
  };
  for (const command of [['policy'], ['policy', '--format', 'json', '--wildcard-threshold', '3'], ['summarize']]) sameAsOneProcess('all.state', command);
  // --for summarize: the shards write the summary alone, which serves summarize and nothing else; merged two at a time, in three levels.
  const summaryRun = onDask('summary.state', '--for', 'summarize', '--max-principals', '3', '--fan-in', '2');
  assert.equal(summaryRun.status, 0, summaryRun.stderr);
  assert.deepEqual(analysesOf('summary.state'), ['summary']);
  sameAsOneProcess('summary.state', ['summarize']);
  assert.match(planewise(['policy', '--from-state', 'summary.state']).stderr, /^planewise policy: summary\.state holds summary, not policy/);
});

test('shards are planned by size, in name order, a large file alone; an Indexed Job splits by bytes', () => {
  const folder = fs.mkdtempSync(path.join(dir, 'plan-'));
  const script = `import sys; sys.path.insert(0, ${JSON.stringify(__dirname)}); import os, planewise_dask as d
os.chdir(${JSON.stringify(folder)})
for name, size in [('a.trace.jsonl', 40), ('b.trace.jsonl', 40), ('c.trace.jsonl', 300), ('d.trace.jsonl', 10)]:
    open(name, 'w').write('x' * size)
print([[os.path.basename(p) for p in shard] for shard in d.plan_shards(d.list_inputs(['.']), 100)])
print([[os.path.basename(p) for p in shard] for shard in d.split_shards(d.list_inputs(['.']), 2)])`;
  const run = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), "[['a.trace.jsonl', 'b.trace.jsonl'], ['c.trace.jsonl'], ['d.trace.jsonl']]\n[['c.trace.jsonl'], ['a.trace.jsonl', 'b.trace.jsonl', 'd.trace.jsonl']]");
});

test('without Dask, the shards of an Indexed Job (here for policy) merge to what one process reads', () => {
  const states: string[] = [];
  for (let index = 0; index < 3; index++) {
    const run = spawnSync(PYTHON, [driver, 'shard', '--index', String(index), '--count', '3', '--for', 'policy', '--planewise', `${process.execPath} ${cliBinary}`, '--out', `job-${index}.state`, 'runs'], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    states.push(`job-${index}.state`);
  }
  assert.equal(planewise(['merge', ...states, '-o', 'job.state']).status, 1, 'exit 1: the invalid line of run 3 is in the merged state');
  assert.equal(planewise(['policy', '--from-state', 'job.state']).stdout, planewise(['policy', 'runs']).stdout);
  assert.deepEqual(analysesOf('job.state'), ['policy']);
  assert.equal(spawnSync(PYTHON, [driver, 'shard', '--index', '3', '--count', '3', '--out', 'x.state', 'runs'], { cwd: dir, encoding: 'utf8' }).status, 2);
});

test('the Kubernetes manifest is an Indexed Job whose pods each read their shard, and a Job that merges them', async () => {
  const yaml = await import('js-yaml');
  const [shards, merge] = yaml.loadAll(fs.readFileSync(path.join(__dirname, 'kubernetes-indexed-job.yaml'), 'utf8')) as Array<{ kind: string; metadata: { labels: Record<string, string> }; spec: Record<string, unknown> & { template: { spec: { containers: Array<{ command: string[]; args?: string[] }> } } } }>;
  assert.equal(shards!.kind, 'Job');
  assert.equal(shards!.spec.completionMode, 'Indexed');
  const count = shards!.spec.completions;
  const container = shards!.spec.template.spec.containers[0]!;
  assert.ok(container.args!.includes(`--count=${count}`), 'each pod knows how many shards there are');
  assert.ok(container.args!.includes('--index=$(JOB_COMPLETION_INDEX)'));
  assert.deepEqual(container.command.slice(-1), ['shard']);
  assert.equal(merge!.metadata.labels.step, 'merge');
  assert.match(merge!.spec.template.spec.containers[0]!.command.join(' '), /planewise\.js merge \/states\/shard-\*\.state -o \/states\/all\.state/);
});
