import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PolicyAccumulator } from '../analyses/policy';
import type { AuthzEvent } from '../schema';
import { POLICY_FORMATS, policyFormat, renderPolicyFormat } from '.';
import { POLICY_FORMAT_CATALOG } from './catalog';

const decision = (principal: string, action: string, resource: string): AuthzEvent => ({ kind: 'authz', ts: 0, service: 's', principal, action, resource, decision: 'allow' });

function accumulatorOf(events: AuthzEvent[]): PolicyAccumulator {
  const accumulator = new PolicyAccumulator();
  for (const event of events) accumulator.add(event);
  return accumulator;
}

test('every format has a unique name, a label and a file suffix', () => {
  assert.equal(new Set(POLICY_FORMATS.map((format) => format.name)).size, POLICY_FORMATS.length);
  for (const format of POLICY_FORMATS) {
    assert.ok(format.label.length > 0 && format.fileSuffix.startsWith('.'), format.name);
    assert.equal(policyFormat(format.name), format);
  }
  assert.equal(policyFormat('xml'), undefined);
  // The catalog the editor lists is this list, in this order.
  assert.deepEqual(POLICY_FORMATS.map((format) => format.name), POLICY_FORMAT_CATALOG.map((entry) => entry.name));
});

test('renders a whole output as one text, with the notes a format reports', () => {
  const aws = accumulatorOf([decision('arn:aws:iam::111122223333:role/app', 's3:GetObject', 'arn:aws:s3:::bucket/a')]);
  const iam = renderPolicyFormat(policyFormat('iam')!, aws, {});
  assert.match(JSON.parse(iam.text).schema, /^planewise\.iam\//);
  assert.deepEqual(iam.problems, []);
  const k8s = renderPolicyFormat(policyFormat('k8s-rbac')!, aws, {});
  // No Kubernetes principal: the format says why instead of writing objects.
  assert.ok(k8s.notes.length > 0);
  assert.equal(k8s.text.trim(), '');
});
