import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuthzEvent } from '../schema';
import { detectDrift, driftCount, evaluate, parseDeclaredPolicies } from './drift';
import { PolicyAccumulator } from './policy';

const decision = (action: string, resource: string, outcome: 'allow' | 'explicit' | 'implicit', principal = 'app'): AuthzEvent =>
  outcome === 'allow'
    ? { kind: 'authz', ts: 0, service: 's', principal, action, resource, decision: 'allow' }
    : { kind: 'authz', ts: 0, service: 's', principal, action, resource, decision: 'deny', denyReason: outcome };

function observed(events: AuthzEvent[]): PolicyAccumulator {
  const accumulator = new PolicyAccumulator();
  for (const event of events) accumulator.add(event);
  return accumulator;
}

const declared = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Read', Effect: 'Allow', Action: ['storage:Get*', 'storage:List*'], Resource: 'storage:bucket/*' },
    { Sid: 'Queue', Effect: 'Allow', Action: 'queue:Send', Resource: ['queue/jobs'] },
    { Sid: 'NoSecrets', Effect: 'Deny', Action: '*', Resource: 'storage:bucket/secret/*' },
  ],
});

test('IAM evaluation: wildcards, case-insensitive actions, explicit deny wins', () => {
  const parsed = parseDeclaredPolicies(declared, 'declared.json');
  assert.ok(parsed.ok);
  const statements = parsed.policies.everyone!;
  assert.equal(evaluate(statements, 'storage:GetObject', 'storage:bucket/a'), 'allow');
  assert.equal(evaluate(statements, 'STORAGE:getobject', 'storage:bucket/a'), 'allow');
  assert.equal(evaluate(statements, 'storage:GetObject', 'storage:bucket/secret/k'), 'explicit-deny');
  assert.equal(evaluate(statements, 'storage:PutObject', 'storage:bucket/a'), 'implicit-deny');
  assert.equal(evaluate(statements, 'storage:GetObject', 'Storage:bucket/a'), 'implicit-deny', 'resources are case-sensitive');
});

test('finds unused grants, needed denials and use outside the declared policy', () => {
  const parsed = parseDeclaredPolicies(declared, 'declared.json');
  assert.ok(parsed.ok);
  const drift = detectDrift(
    parsed.policies,
    observed([
      decision('storage:GetObject', 'storage:bucket/a', 'allow'),
      decision('storage:PutObject', 'storage:bucket/a', 'allow'),
      decision('storage:GetObject', 'storage:bucket/secret/k', 'explicit'),
      decision('db:Query', 'table/t', 'implicit'),
    ]),
  );
  assert.deepEqual(drift.unusedGrants.map((g) => `${g.sid} ${g.action} ${g.resource}`), ['Read storage:List* storage:bucket/*', 'Queue queue:Send queue/jobs']);
  assert.deepEqual(drift.usedOutsidePolicy.map((u) => [u.action, u.declaredVerdict]), [['storage:PutObject', 'implicit-deny']]);
  assert.deepEqual(drift.deniedButNeeded.map((d) => [d.action, d.reason, d.declaredVerdict]), [['storage:GetObject', 'explicit', 'explicit-deny'], ['db:Query', 'implicit', 'implicit-deny']]);
  assert.equal(driftCount(drift), 5);
});

test('a policy that matches the observed decisions has no drift', () => {
  const parsed = parseDeclaredPolicies(JSON.stringify({ app: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'queue:Send', Resource: 'queue/jobs' }] } }), 'p.json');
  assert.ok(parsed.ok);
  const drift = detectDrift(parsed.policies, observed([decision('queue:Send', 'queue/jobs', 'allow'), decision('queue:Send', 'queue/jobs', 'allow', 'other')]));
  assert.equal(driftCount(drift), 0);
  assert.deepEqual(drift.undeclaredPrincipals, ['other']);
});

test('reads the JSON output of `planewise policy` as a declared policy', () => {
  const generated = { schema: 'planewise.policy/1', principals: [{ principal: 'app', policy: observed([decision('a:B', 'r', 'allow')]).result().principals[0]!.policy }] };
  const parsed = parseDeclaredPolicies(JSON.stringify(generated), 'generated.json');
  assert.ok(parsed.ok);
  assert.equal(driftCount(detectDrift(parsed.policies, observed([decision('a:B', 'r', 'allow')]))), 0);
});

test('a malformed declared policy is a clear error naming the file', () => {
  const cases: [string, RegExp][] = [
    ['{not json', /^bad\.json: not JSON/],
    ['[]', /^bad\.json: expected a JSON object/],
    ['{"Statement":[{"Effect":"Maybe","Action":"a","Resource":"r"}]}', /^bad\.json: Statement\[0\]: Effect must be "Allow" or "Deny"/],
    ['{"Statement":[{"Effect":"Allow","Resource":"r"}]}', /Statement\[0\]: Action must be/],
    ['{"Statement":[{"Effect":"Allow","Action":"a","Resource":"r","Condition":{}}]}', /uses Condition, which drift cannot evaluate offline/],
    ['{"app":{"Version":"2012-10-17"}}', /^bad\.json: app: expected an IAM-style document/],
  ];
  for (const [text, expected] of cases) {
    const parsed = parseDeclaredPolicies(text, 'bad.json');
    assert.ok(!parsed.ok, text);
    assert.match(parsed.error, expected);
  }
});
