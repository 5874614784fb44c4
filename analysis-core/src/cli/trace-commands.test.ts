// Runs the built `planewise` binary as a process, as users do.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { cliBinary as binary, ensureFreshCli } from './testing';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-cli-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

before(ensureFreshCli);

function planewise(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...options.env };
  const result = spawnSync(process.execPath, [binary, ...args], { cwd: dir, input: options.input ?? '', encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const HEADER = '{"kind":"header","schema":"planewise.trace","version":"1.0","producer":{"name":"test"}}';
const span = (service: string, operation: string, durationMs: number) => JSON.stringify({ kind: 'span', ts: 1_700_000_000_000, service, operation, traceId: 't', spanId: 's', durationMs, status: 'ok' });
const authz = (action: string, resource: string, decision: 'allow' | 'deny' = 'allow') =>
  JSON.stringify({ kind: 'authz', ts: 1_700_000_000_001, service: 'orders', principal: 'svc-orders', action, resource, decision, ...(decision === 'deny' ? { denyReason: 'explicit' } : {}) });

function writeTrace(name: string, lines: string[]): string {
  fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
  return name;
}

const good = writeTrace('good.trace.jsonl', [HEADER, span('orders', 'GET /orders', 12), authz('storage:GetObject', 'bucket/a'), authz('storage:DeleteObject', 'bucket/a', 'deny')]);
const bad = writeTrace('bad.trace.jsonl', [HEADER, span('orders', 'GET /orders', 12), 'not json', '{"kind":"metric"}']);
const after_ = writeTrace('after.trace.jsonl', [HEADER, span('billing', 'Charge', 4), authz('storage:PutObject', 'bucket/b')]);

test('summarize: text to stdout, invalid lines as file:line: reason on stderr, exit 1', () => {
  const run = planewise(['summarize', bad]);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /Summary\n {2}files 1, events 1 \(1 spans, 0 decisions\), invalid lines 2/);
  assert.equal(run.stderr, 'bad.trace.jsonl:3: not JSON: Unexpected token \'o\', "not json" is not valid JSON\nbad.trace.jsonl:4: unknown kind "metric"\n');
  assert.equal(planewise(['summarize', good]).code, 0);
});

test('summarize --format json: versioned shape with inputs and issues', () => {
  const run = planewise(['summarize', '--format', 'json', bad, good]);
  const output = JSON.parse(run.stdout);
  assert.equal(output.schema, 'planewise.summary/1');
  assert.equal(output.inputs.invalid, 2);
  assert.equal(output.issues.total, 2);
  const offsetOfLine3 = fs.readFileSync(path.join(dir, bad), 'utf8').split('\n').slice(0, 2).join('\n').length + 1;
  assert.deepEqual(output.issues.listed[0], { file: 'bad.trace.jsonl', line: 3, offset: offsetOfLine3, severity: 'error', reason: 'not JSON: Unexpected token \'o\', "not json" is not valid JSON' });
  assert.equal(output.summary.operations[0].count, 2);
});

test('the stderr list stops after 20 lines with a count of the rest', () => {
  const name = writeTrace('many.trace.jsonl', [HEADER, ...Array.from({ length: 30 }, () => 'oops')]);
  const run = planewise(['validate', name]);
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 21);
  assert.equal(lines[20], '...and 10 more');
  assert.equal(run.code, 1);
});

test('colours only when forced (stdout and stderr are pipes here), and never with NO_COLOR', () => {
  const forced = planewise(['summarize', bad], { env: { FORCE_COLOR: '1' } });
  assert.match(forced.stdout, /\u001b\[1m/);
  assert.match(forced.stderr, /\u001b\[31mbad\.trace\.jsonl:3: /);
  const noColor = planewise(['summarize', bad], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
  assert.doesNotMatch(noColor.stdout + noColor.stderr, /\u001b\[/);
});

test('-o writes atomically and refuses to replace a file without --force', () => {
  assert.equal(planewise(['policy', good, '-o', 'policy.json', '--format', 'json']).code, 0);
  const written = JSON.parse(fs.readFileSync(path.join(dir, 'policy.json'), 'utf8'));
  assert.equal(written.schema, 'planewise.policy/1');
  assert.deepEqual(written.principals[0].policy.Statement, [{ Sid: 'Allow1', Effect: 'Allow', Action: ['storage:GetObject'], Resource: ['bucket/a'] }]);
  assert.deepEqual(written.principals[0].denied.explicit, [{ action: 'storage:DeleteObject', resource: 'bucket/a', count: 1, alsoAllowed: false }]);
  const again = planewise(['policy', after_, '-o', 'policy.json']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /policy\.json already exists; pass --force to replace it/);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'policy.json'), 'utf8')).schema, 'planewise.policy/1', 'the existing file is untouched');
  assert.equal(planewise(['policy', after_, '-o', 'policy.json', '--force']).code, 0);
  assert.match(fs.readFileSync(path.join(dir, 'policy.json'), 'utf8'), /storage:PutObject/);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('drift: exit 1 on drift, 0 when the declared policy matches, 2 for a malformed policy', () => {
  fs.writeFileSync(path.join(dir, 'declared.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'storage:Get*', Resource: 'bucket/*' }, { Effect: 'Allow', Action: 'queue:Send', Resource: '*' }] }));
  const drifted = planewise(['drift', '--policy', 'declared.json', good, '--format', 'json']);
  assert.equal(drifted.code, 1);
  const result = JSON.parse(drifted.stdout);
  assert.equal(result.schema, 'planewise.drift/1');
  assert.deepEqual(result.unusedGrants.map((g: { action: string }) => g.action), ['queue:Send']);
  assert.equal(result.deniedButNeeded.length, 1);
  const generated = planewise(['policy', good, '--format', 'json']).stdout;
  fs.writeFileSync(path.join(dir, 'generated.json'), generated);
  const clean = planewise(['drift', '--policy', 'generated.json', good]);
  assert.equal(clean.code, 1, 'the explicit deny is still a denial the workload needed');
  assert.match(clean.stdout, /Denied but needed \(1\)/);
  fs.writeFileSync(path.join(dir, 'broken.json'), '{"Statement":[{"Effect":"Allow"}]}');
  const broken = planewise(['drift', '--policy', 'broken.json', good]);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /broken\.json: Statement\[0\]: Action must be/);
  assert.equal(planewise(['drift', good]).code, 2);
});

test('diff: added and removed services and permissions', () => {
  const run = planewise(['diff', good, after_]);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /\+ billing\n {2}orders: spans 1 -> 0 \(-1, -100%\)/);
  assert.match(run.stdout, /- orders GET \/orders \(1\)/);
  assert.match(run.stdout, /\+ svc-orders storage:PutObject bucket\/b/);
  assert.equal(JSON.parse(planewise(['diff', good, after_, '--format', 'json']).stdout).schema, 'planewise.diff/1');
  assert.equal(planewise(['diff', good]).code, 2);
});

test('report: markdown by default, self-contained HTML with -o', () => {
  assert.match(planewise(['report', good]).stdout, /^# Planewise compliance report/);
  assert.equal(planewise(['report', good, '--format', 'html', '-o', 'report.html']).code, 0);
  const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.doesNotMatch(html, /<script|<link|src=/);
});

test('stdin with -, validate exit codes, unreadable input and an unsupported version', () => {
  const fromStdin = planewise(['validate', '-', '--format', 'json'], { input: fs.readFileSync(path.join(dir, good), 'utf8') });
  assert.equal(fromStdin.code, 0);
  assert.equal(JSON.parse(fromStdin.stdout).valid, true);
  const missing = planewise(['summarize', 'nope.trace.jsonl']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.trace\.jsonl: no such file or directory/);
  const v2 = writeTrace('v2.trace.jsonl', [HEADER.replace('1.0', '2.0'), span('a', 'b', 1)]);
  const refused = planewise(['validate', v2]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /v2\.trace\.jsonl:1: fatal: planewise\.trace version 2\.0 is not supported/);
  assert.equal(planewise(['summarize']).code, 2);
  assert.equal(planewise(['summarize', '--format', 'yaml', good]).code, 2);
});

test('--help on every trace command', () => {
  for (const command of ['summarize', 'policy', 'diff', 'drift', 'report', 'validate']) {
    const run = planewise([command, '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, new RegExp(`^Usage: planewise ${command} `));
    assert.match(run.stdout, /Exit codes: 0/);
  }
});

/** Runs a shell line in the test folder with the built CLI as $PLANEWISE (for pipes and process substitution). */
function shell(line: string) {
  // stdin is not a socket, so bash does not take itself for a remote shell and read ~/.bashrc.
  const result = spawnSync('bash', ['-c', line], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', PLANEWISE: `${process.execPath} ${binary}` } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const oneLineNoStack = (stderr: string) => {
  assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at |internal error/);
};

test('-o through a symlink replaces its target; a FIFO is streamed to; a directory is refused', () => {
  fs.writeFileSync(path.join(dir, 'target.txt'), 'old');
  fs.chmodSync(path.join(dir, 'target.txt'), 0o600);
  fs.symlinkSync('target.txt', path.join(dir, 'link.txt'));
  assert.equal(planewise(['summarize', good, '-o', 'link.txt', '--force']).code, 0);
  assert.ok(fs.lstatSync(path.join(dir, 'link.txt')).isSymbolicLink(), 'the link is still a link');
  assert.match(fs.readFileSync(path.join(dir, 'target.txt'), 'utf8'), /^Summary/);
  assert.equal(fs.statSync(path.join(dir, 'target.txt')).mode & 0o777, 0o600, 'the mode is kept');

  assert.equal(spawnSync('mkfifo', [path.join(dir, 'out.fifo')]).status, 0);
  const viaFifo = shell('cat out.fifo > from-fifo.txt & $PLANEWISE summarize good.trace.jsonl -o out.fifo --force; code=$?; wait; exit $code');
  assert.equal(viaFifo.code, 0, viaFifo.stderr);
  assert.ok(fs.lstatSync(path.join(dir, 'out.fifo')).isFIFO(), 'the FIFO was not replaced');
  assert.match(fs.readFileSync(path.join(dir, 'from-fifo.txt'), 'utf8'), /^Summary/);

  fs.mkdirSync(path.join(dir, 'a-folder'));
  const refused = planewise(['summarize', good, '-o', 'a-folder', '--force']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /cannot write .*a-folder: it is a directory/);
  oneLineNoStack(refused.stderr);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('-o to a character device writes to it; a full device is one ENOSPC line and exit 2', (t) => {
  // As root, a device node of our own (like /dev/full) in the test folder: a mistake could only clobber that copy.
  let full = '/dev/full';
  if (process.getuid?.() === 0) {
    full = path.join(dir, 'full');
    if (spawnSync('mknod', [full, 'c', '1', '7']).status !== 0) return t.skip('mknod is not allowed here');
  }
  if (!fs.existsSync(full)) return t.skip('no /dev/full');
  const run = planewise(['summarize', good, '-o', full, '--force']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^planewise summarize: cannot write .*full: ENOSPC: no space left on device/);
  oneLineNoStack(run.stderr);
  assert.ok(fs.statSync(full).isCharacterDevice(), 'the device is still a device');
});

test('a closed stdout (| head -1) ends quietly with exit 0', () => {
  const lines = [HEADER, ...Array.from({ length: 20_000 }, (_, i) => authz('storage:GetObject', `bucket/${String(i).padStart(6, '0')}`))];
  writeTrace('wide.trace.jsonl', lines);
  for (const command of ['policy', 'summarize --format json']) {
    const run = shell(`$PLANEWISE ${command} wide.trace.jsonl | head -1; exit \${PIPESTATUS[0]}`);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.equal(run.stdout.split('\n').length, 2);
  }
});

test('pipes and process substitution are read as streams; unreadable paths are one line, exit 2', () => {
  const substituted = shell('$PLANEWISE validate <(cat good.trace.jsonl) --format json');
  assert.equal(substituted.code, 0, substituted.stderr);
  assert.equal(JSON.parse(substituted.stdout).inputs.events, 3);
  assert.equal(spawnSync('mkfifo', [path.join(dir, 'in.fifo')]).status, 0);
  const fromFifo = shell('cat good.trace.jsonl > in.fifo & $PLANEWISE summarize in.fifo --format json');
  assert.equal(fromFifo.code, 0, fromFifo.stderr);
  assert.equal(JSON.parse(fromFifo.stdout).summary.decisions, 2);

  fs.symlinkSync('loop-2', path.join(dir, 'loop-1'));
  fs.symlinkSync('loop-1', path.join(dir, 'loop-2'));
  for (const [args, reason] of [
    [['summarize', 'loop-1'], /ELOOP/],
    [['summarize', `${good}/inside`], /ENOTDIR/],
    [['summarize', good, '-o', 'loop-1', '--force'], /too many levels of symbolic links/],
    [['summarize', good, '-o', `${good}/inside`, '--force'], /ENOTDIR/],
  ] as const) {
    const run = planewise([...args]);
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, reason);
    oneLineNoStack(run.stderr);
  }
});

test('text output and stderr show control, C1 and bidi characters from traces as escapes', () => {
  const hostile = '\u001b[2J\u001b]0;owned\u0007\rall checks passed\n\u009b31m\u202egnp.exe\u2066\u007f';
  const name = writeTrace('hostile.trace.jsonl', [
    HEADER,
    JSON.stringify({ kind: 'span', ts: 1_700_000_000_000, service: `svc${hostile}`, operation: `op${hostile}`, traceId: 't', spanId: 's', durationMs: 1, status: 'ok' }),
    JSON.stringify({ kind: 'authz', ts: 1_700_000_000_001, service: 'orders', principal: `p${hostile}`, action: `storage:Get${hostile}`, resource: `bucket/${hostile}`, decision: 'allow' }),
    JSON.stringify({ kind: 'authz', ts: 1_700_000_000_001, service: 'orders', principal: `p${hostile}`, action: 'storage:Delete', resource: `bucket/${hostile}`, decision: 'deny', denyReason: 'explicit' }),
    JSON.stringify({ kind: `metric${hostile}` }),
  ]);
  fs.writeFileSync(path.join(dir, 'declared-none.json'), JSON.stringify({ 'someone-else': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'x:Y', Resource: '*' }] } }));
  const unsafe = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
  for (const args of [['summarize', name], ['policy', name], ['diff', good, name], ['drift', '--policy', 'declared-none.json', name], ['validate', name], ['report', name]]) {
    const run = planewise(args);
    for (const [stream, text] of [['stdout', run.stdout], ['stderr', run.stderr]] as const) {
      const lines = text.split('\n');
      const raw = lines.find((line) => unsafe.test(line));
      assert.equal(raw, undefined, `${args[0]} ${stream}: ${JSON.stringify(raw)}`);
    }
    if (args[0] !== 'validate') assert.match(run.stdout, /\\u001b\[2J/, args[0]);
  }
  assert.match(planewise(['validate', name]).stderr, /hostile\.trace\.jsonl:5: unknown kind "metric\\u001b\[2J\\u001b\]0;owned\\u0007\\rall checks passed\\n\\u009b31m\\u202egnp\.exe\\u2066\\u007f"/);
});

test('policy past --max-principals: one line naming the limit and the option, exit 2, no output file; raised, it succeeds', () => {
  const lines = ['alice', 'bob', 'carol'].map((principal) => JSON.stringify({ kind: 'authz', ts: 1, service: 's', principal, action: 'storage:Get', resource: `bucket/${principal}`, decision: 'allow' }));
  const name = writeTrace('principals.trace.jsonl', [HEADER, ...lines]);
  for (const command of [['policy'], ['policy', '--format', 'json'], ['drift', '--policy', 'declared.json'], ['report'], ['diff', name]]) {
    fs.writeFileSync(path.join(dir, 'declared.json'), JSON.stringify({ Version: '2012-10-17', Statement: [] }));
    const run = planewise([...command, name, '--max-principals', '2', '-o', 'limited.out']);
    assert.equal(run.code, 2, `${command.join(' ')}: ${run.stderr}`);
    assert.equal(run.stderr, `planewise ${command[0]}: the traces name more than 2 principals, the limit that keeps memory bounded: raise it with --max-principals N (about 1.5 GB per million), or choose principals with --principal NAME\n`);
    assert.equal(fs.existsSync(path.join(dir, 'limited.out')), false);
  }
  const raised = planewise(['policy', '--format', 'json', name, '--max-principals', '3']);
  assert.equal(raised.code, 0);
  assert.deepEqual(JSON.parse(raised.stdout).principals.map((entry: { principal: string }) => entry.principal), ['alice', 'bob', 'carol']);
  const chosen = planewise(['policy', name, '--max-principals', '1', '--principal', 'bob']);
  assert.equal(chosen.code, 0);
  assert.match(chosen.stdout, /^Principal bob/);
  assert.equal(planewise(['policy', name, '--max-principals', '0']).code, 2);
});

test('states: --emit-state, merge in any order, --from-state gives what reading every trace gives, counted traces are skipped', () => {
  const first = writeTrace('state-a.trace.jsonl', [HEADER, span('orders', 'GET /orders', 12), authz('storage:GetObject', 'bucket/a')]);
  const second = writeTrace('state-b.trace.jsonl', [HEADER, span('billing', 'Charge', 4), authz('storage:PutObject', 'bucket/b')]);
  const third = writeTrace('state-c.trace.jsonl', [HEADER, span('billing', 'Refund', 9), authz('storage:DeleteObject', 'bucket/c', 'deny')]);
  // report reads both analyses, so its states serve summarize and policy alike.
  assert.equal(planewise(['report', first, '--emit-state', 'a.state', '-o', 'a.report']).code, 0);
  assert.equal(planewise(['report', second, '--emit-state', 'b.state', '-o', 'b.report']).code, 0);
  assert.equal(planewise(['merge', 'a.state', 'b.state', '-o', 'ab.state']).code, 0);
  assert.equal(planewise(['merge', 'b.state', 'a.state', '-o', 'ba.state']).code, 0);
  assert.equal(fs.readFileSync(path.join(dir, 'ab.state'), 'utf8'), fs.readFileSync(path.join(dir, 'ba.state'), 'utf8'));

  const fromTraces = JSON.parse(planewise(['policy', '--format', 'json', first, second, third]).stdout);
  const incremental = planewise(['report', '--format', 'json', '--from-state', 'ab.state', first, third, '--emit-state', 'abc.state']);
  assert.equal(incremental.code, 0);
  assert.equal(incremental.stderr, 'planewise: state-a.trace.jsonl is counted in --from-state already: skipped\n');
  assert.deepEqual(JSON.parse(planewise(['policy', '--format', 'json', '--from-state', 'abc.state']).stdout).principals, fromTraces.principals);
  const summaries = [planewise(['summarize', '--format', 'json', '--from-state', 'abc.state']), planewise(['summarize', '--format', 'json', first, second, third])];
  assert.deepEqual(JSON.parse(summaries[0]!.stdout).summary, JSON.parse(summaries[1]!.stdout).summary);

  // The same state twice is counted once; states sharing only some traces are an error.
  const twice = planewise(['merge', 'abc.state', 'ab.state']);
  assert.equal(twice.code, 0);
  assert.equal(twice.stderr, 'planewise: everything in ab.state is counted already: skipped\n');
  assert.equal(planewise(['report', second, third, '--emit-state', 'bc.state', '-o', 'bc.report']).code, 0);
  const overlap = planewise(['merge', 'ab.state', 'bc.state']);
  assert.equal(overlap.code, 2);
  assert.match(overlap.stderr, /^planewise merge: state-b\.trace\.jsonl is counted in two states that each count something the other does not/);

  // Not a state; an existing --emit-state target without --force.
  assert.equal(planewise(['merge', first]).stderr, `planewise merge: ${first} is not a planewise state file (line 1 is not a "planewise.state" header)\n`);
  const exists = planewise(['report', first, '--emit-state', 'a.state']);
  assert.equal(exists.code, 2);
  assert.match(exists.stderr, /a\.state already exists; pass --force to replace it/);
});

test('states hold the analyses their command reads; a state without the one a command needs, or states of different analyses, are errors naming the file', () => {
  const trace = writeTrace('analyses.trace.jsonl', [HEADER, span('orders', 'GET /orders', 12), authz('storage:GetObject', 'bucket/a'), authz('storage:DeleteObject', 'bucket/a', 'deny')]);
  const written = (state: string) => fs.readFileSync(path.join(dir, state), 'utf8');
  const header = (state: string) => JSON.parse(written(state).split('\n')[0]!);
  const kinds = (state: string) => [...new Set(written(state).trimEnd().split('\n').map((line) => JSON.parse(line).kind as string))];
  assert.equal(planewise(['summarize', trace, '--emit-state', 'only-summary.state', '-o', 'only-summary.out']).code, 0);
  assert.equal(planewise(['policy', trace, '--emit-state', 'only-policy.state', '-o', 'only-policy.out']).code, 0);
  fs.writeFileSync(path.join(dir, 'analyses-declared.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'storage:GetObject', Resource: 'bucket/a' }] }));
  assert.equal(planewise(['drift', trace, '--policy', 'analyses-declared.json', '--emit-state', 'drift.state', '-o', 'drift.out']).code, 1, 'the denied delete is a finding');
  assert.equal(planewise(['report', trace, '--emit-state', 'both.state', '-o', 'both.out']).code, 0);
  assert.deepEqual(
    ['only-summary.state', 'only-policy.state', 'drift.state', 'both.state'].map((state) => [header(state).version, header(state).analyses, kinds(state)]),
    [
      ['2.0', ['summary'], ['header', 'leaf', 'input', 'issues', 'window', 'service', 'operation', 'names', 'decisions']],
      ['2.0', ['policy'], ['header', 'leaf', 'input', 'issues', 'names', 'access']],
      ['2.0', ['policy'], ['header', 'leaf', 'input', 'issues', 'names', 'access']],
      ['2.0', ['policy', 'summary'], ['header', 'leaf', 'input', 'issues', 'window', 'service', 'operation', 'names', 'decisions', 'access']],
    ],
  );

  const noPolicy = planewise(['policy', '--from-state', 'only-summary.state']);
  assert.equal(noPolicy.code, 2);
  assert.equal(noPolicy.stderr, 'planewise policy: only-summary.state holds summary, not policy: `planewise policy ... --emit-state` (or report, which writes both) writes a state with it\n');
  assert.equal(planewise(['summarize', '--from-state', 'only-policy.state']).stderr, 'planewise summarize: only-policy.state holds policy, not summary: `planewise summarize ... --emit-state` (or report, which writes both) writes a state with it\n');
  assert.equal(planewise(['report', '--from-state', 'only-policy.state']).stderr, 'planewise report: only-policy.state holds policy, not summary: `planewise summarize ... --emit-state` (or report, which writes both) writes a state with it\n');
  const mixed = planewise(['merge', 'only-summary.state', 'both.state']);
  assert.equal(mixed.code, 2);
  assert.equal(mixed.stderr, 'planewise merge: both.state: holds policy and summary, the others hold summary: merge states written by commands that read the same analyses\n');

  // A state of more analyses serves a command that reads fewer, and what it writes holds only those.
  const narrowed = planewise(['summarize', '--format', 'json', '--from-state', 'both.state', '--emit-state', 'narrowed.state']);
  assert.equal(narrowed.code, 0);
  assert.deepEqual(JSON.parse(narrowed.stdout).summary, JSON.parse(planewise(['summarize', '--format', 'json', trace]).stdout).summary);
  assert.deepEqual(header('narrowed.state').analyses, ['summary']);
  assert.equal(planewise(['policy', '--from-state', 'both.state']).stdout, planewise(['policy', trace]).stdout);
  assert.equal(planewise(['policy', '--from-state', 'drift.state']).stdout, planewise(['policy', trace]).stdout);
});
