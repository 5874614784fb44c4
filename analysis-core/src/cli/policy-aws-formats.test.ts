// `planewise policy --format iam|cloudformation|terraform|terraform-hcl` run as a process, on a CloudTrail log.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { cliBinary, ensureFreshCli, repoRoot } from './testing';

before(ensureFreshCli);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-aws-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const records = path.join(repoRoot, 'analysis-core', 'test-fixtures', 'cloudtrail', 'records.json');

function planewise(args: string[]) {
  const result = spawnSync(process.execPath, [cliBinary, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('policy --format iam: deployable documents, the limit on stderr, exit 0; text stays the default', () => {
  const run = planewise(['policy', '--format', 'iam', '--template-account', records]);
  assert.equal(run.code, 0, run.stderr);
  const output = JSON.parse(run.stdout);
  assert.equal(output.schema, 'planewise.iam/1');
  assert.equal(output.principals[0].principal, 'arn:aws:iam::111122223333:role/orders-api');
  assert.equal(output.principals[0].limit.characters, 6144);
  assert.ok(output.principals[0].documents[0].policy.Statement.some((statement: { Resource: string[] }) => statement.Resource.includes('arn:aws:sqs:us-east-1:${AWS::AccountId}:order-events')));
  assert.deepEqual(Object.keys(output).slice(-2), ['inputs', 'issues']);
  assert.match(run.stderr, /^planewise: IAM managed policies, at most 6,144 characters each \(whitespace not counted\): 1 principal in 1 document/m);
  assert.match(planewise(['policy', records]).stdout, /^Principal arn:aws:iam::111122223333:role\/orders-api/m);
});

test('policy --format cloudformation, terraform and terraform-hcl write their own syntax', () => {
  const template = JSON.parse(planewise(['policy', '--format', 'cloudformation', records]).stdout);
  assert.deepEqual(template.Resources.OrdersApiPolicy.Properties.Roles, ['orders-api']);
  const config = JSON.parse(planewise(['policy', '--format', 'terraform', records]).stdout);
  assert.deepEqual(config.resource.aws_iam_role_policy_attachment.orders_api.role, 'orders-api');
  assert.match(planewise(['policy', '--format', 'terraform-hcl', records]).stdout, /^data "aws_iam_policy_document" "orders_api" \{$/m);
});

test('policy: AWS options where they do not apply are usage errors; a principal over the inline limit exits 1', () => {
  for (const args of [['--iam-target', 'inline', '--format', 'terraform'], ['--iam-target', 'both', '--format', 'iam'], ['--template-region'], ['--template-account', '--format', 'json']]) {
    const run = planewise(['policy', ...args, records]);
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, /--(iam-target|template-account and --template-region)/);
  }
  const trace = path.join(dir, 'user.trace.jsonl');
  const decision = (index: number) => JSON.stringify({ kind: 'authz', ts: 1, service: 's', principal: 'arn:aws:iam::111122223333:user/dev', action: 's3:GetObject', resource: `arn:aws:s3:::bucket/objects/${index}`, decision: 'allow' });
  fs.writeFileSync(trace, `${['{"kind":"header","schema":"planewise.trace","version":"1.0","producer":{"name":"test"}}', ...Array.from({ length: 100 }, (_, index) => decision(index))].join('\n')}\n`);
  const inline = planewise(['policy', '--format', 'iam', '--iam-target', 'inline', trace]);
  assert.equal(inline.code, 1);
  assert.match(inline.stderr, /^planewise: arn:aws:iam::111122223333:user\/dev: [\d,]+ characters of inline policy even with statements merged, over the 2,048 allowed for all inline policies of one user together; splitting cannot help a total: use --iam-target managed$/m);
  assert.equal(JSON.parse(inline.stdout).principals[0].fits, false);
  assert.equal(planewise(['policy', '--format', 'iam', trace]).code, 0, 'as managed policies it fits');
  const help = planewise(['policy', '--help']).stdout;
  for (const format of ['iam', 'cloudformation', 'terraform', 'terraform-hcl']) assert.match(help, new RegExp(`^ +${format}: `, 'm'));
  assert.match(help, /--iam-target managed\|inline/);
});
