// Runs the built `planewise` binary on a folder that mixes a CloudTrail delivery, a Kubernetes audit log and a planewise trace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, test } from 'node:test';
import { cliBinary as binary, ensureFreshCli, repoRoot } from './testing';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-imported-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
before(ensureFreshCli);

const fixtures = path.join(repoRoot, 'analysis-core', 'test-fixtures');
const delivery = 'AWSLogs/111122223333/CloudTrail/us-east-1/2025/01/07/111122223333_CloudTrail_us-east-1_20250107T1000Z_a1.json.gz';

before(() => {
  fs.mkdirSync(path.join(dir, path.dirname(delivery)), { recursive: true });
  fs.writeFileSync(path.join(dir, delivery), zlib.gzipSync(fs.readFileSync(path.join(fixtures, 'cloudtrail', 'records.json'))));
  fs.copyFileSync(path.join(fixtures, 'k8s-audit', 'audit.log'), path.join(dir, 'audit.log'));
  const trace = [
    { kind: 'header', schema: 'planewise.trace', version: '1.0', producer: { name: 'test' } },
    { kind: 'span', ts: 1_736_244_000_000, service: 'orders', operation: 'GET /orders', traceId: 't', spanId: 's', durationMs: 3, status: 'ok' },
    { kind: 'authz', ts: 1_736_244_000_001, service: 'orders', principal: 'svc-orders', action: 'storage:GetObject', resource: 'bucket/a', decision: 'allow' },
  ];
  fs.writeFileSync(path.join(dir, 'run.trace.jsonl'), `${trace.map((line) => JSON.stringify(line)).join('\n')}\n`);
});

function planewise(args: string[]) {
  const result = spawnSync(process.execPath, [binary, ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('policy --format json: one document per principal from all three formats', () => {
  const run = planewise(['policy', '--format', 'json', '.']);
  assert.equal(run.stderr, '');
  assert.equal(run.code, 0);
  const output = JSON.parse(run.stdout) as { principals: { principal: string; policy: { Statement: { Action: string[]; Resource: string[] }[] }; denied: { explicit: { action: string }[] } }[] };
  const grants = new Map(output.principals.map((entry) => [entry.principal, entry.policy.Statement.flatMap((statement) => statement.Action.flatMap((action) => statement.Resource.map((resource) => `${action} ${resource}`)))]));
  assert.deepEqual(grants.get('svc-orders'), ['storage:GetObject bucket/a']);
  assert.ok(grants.get('arn:aws:iam::111122223333:role/orders-api')!.includes('s3:GetObject arn:aws:s3:::orders/2025/01/1001.json'));
  assert.deepEqual(grants.get('system:serviceaccount:orders:orders-api')!.sort(), [
    'k8s:create namespaces/orders/core/secrets',
    'k8s:get namespaces/orders/core/pods/web-1',
    'k8s:list namespaces/orders/apps/deployments',
  ]);
  const alice = output.principals.find((entry) => entry.principal === 'arn:aws:iam::111122223333:user/alice')!;
  assert.deepEqual(alice.policy.Statement, []);
  assert.deepEqual(alice.denied.explicit.map((denied) => denied.action), ['ec2:TerminateInstances']);
});

test('summarize: every file read, spans and decisions counted, first stages skipped, nothing invalid', () => {
  const run = planewise(['summarize', '--format', 'json', '.']);
  assert.equal(run.code, 0);
  const output = JSON.parse(run.stdout) as { inputs: { files: { name: string; events: number; skipped: number; invalid: number }[] } };
  assert.deepEqual(
    output.inputs.files.map((file) => [file.name, file.events, file.skipped, file.invalid]),
    [
      [delivery, 9, 0, 0],
      ['audit.log', 6, 4, 0],
      ['run.trace.jsonl', 2, 0, 0],
    ],
  );
  const text = planewise(['summarize', '.']);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /files 3, events 17 \(1 spans, 16 decisions\), invalid lines 0/);
});
