// Runs the built `planewise policy --format k8s-rbac` as a process on a Kubernetes audit log, alone and beside a trace of another system.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadAll } from 'js-yaml';
import type { RbacObject } from '../trace/policyFormats/k8sRbac';
import { schemaErrors, serverErrors } from '../trace/policyFormats/k8sRbac.testing';
import { cliBinary as binary, ensureFreshCli, repoRoot } from './testing';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-k8s-rbac-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
before(() => {
  ensureFreshCli();
  fs.copyFileSync(path.join(repoRoot, 'analysis-core', 'test-fixtures', 'k8s-audit', 'rbac.log'), path.join(dir, 'audit.log'));
  const header = '{"kind":"header","schema":"planewise.trace","version":"1.0","producer":{"name":"test"}}';
  const authz = JSON.stringify({ kind: 'authz', ts: 1_700_000_000_001, service: 'orders', principal: 'svc-orders', action: 'storage:GetObject', resource: 'bucket/a', decision: 'allow' });
  fs.writeFileSync(path.join(dir, 'app.trace.jsonl'), `${header}\n${authz}\n`);
});

function planewise(args: string[]) {
  const result = spawnSync(process.execPath, [binary, ...args], { cwd: dir, input: '', encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SA = 'system:serviceaccount:orders:orders-api';

test('policy --format k8s-rbac: roles and bindings per principal as YAML the API server accepts; other principals skipped with a note', () => {
  const run = planewise(['policy', '--format', 'k8s-rbac', 'audit.log', 'app.trace.jsonl']);
  assert.equal(run.code, 0, run.stderr);
  // The forbidden delete of secrets/db is no conflict: nothing granted reaches it.
  assert.equal(run.stderr, 'planewise: k8s-rbac: 1 principal(s) without Kubernetes requests skipped: svc-orders\n');
  const objects = loadAll(run.stdout) as RbacObject[];
  assert.deepEqual(
    objects.map((object) => `${object.kind} ${object.metadata.namespace ?? '-'} ${object.metadata.annotations['planewise.dev/principal']}`),
    [
      'ClusterRole - alice@example.com',
      'ClusterRoleBinding - alice@example.com',
      `ClusterRole - ${SA}`,
      `ClusterRoleBinding - ${SA}`,
      `Role kube-system ${SA}`,
      `RoleBinding kube-system ${SA}`,
      `Role orders ${SA}`,
      `RoleBinding orders ${SA}`,
    ],
  );
  for (const object of objects) {
    assert.deepEqual(schemaErrors(object), []);
    assert.deepEqual(serverErrors(object), []);
  }
  const orders = objects.find((object) => object.kind === 'Role' && object.metadata.namespace === 'orders');
  assert.deepEqual(orders?.kind === 'Role' ? orders.rules : undefined, [
    { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
    { apiGroups: [''], resourceNames: ['web-1', 'web-2'], resources: ['pods'], verbs: ['get'] },
    { apiGroups: [''], resourceNames: ['web-1'], resources: ['pods/log'], verbs: ['get'] },
  ]);
  const binding = objects.find((object) => object.kind === 'RoleBinding' && object.metadata.namespace === 'orders');
  assert.deepEqual(binding?.kind === 'RoleBinding' ? binding.subjects : undefined, [{ kind: 'ServiceAccount', name: 'orders-api', namespace: 'orders' }]);
  const alice = objects.find((object) => object.kind === 'ClusterRole' && object.metadata.annotations['planewise.dev/principal'] === 'alice@example.com');
  assert.deepEqual(alice?.kind === 'ClusterRole' ? alice.rules : undefined, [
    { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['list'] },
    { nonResourceURLs: ['/healthz', '/metrics'], verbs: ['get'] },
  ]);
});

test('policy --format k8s-rbac --wildcard-threshold: past N names a rule names none, unless a denied request would get in', () => {
  const objects = loadAll(planewise(['policy', '--format', 'k8s-rbac', '--wildcard-threshold', '1', '--principal', SA, 'audit.log']).stdout) as RbacObject[];
  const orders = objects.find((object) => object.kind === 'Role' && object.metadata.namespace === 'orders');
  assert.deepEqual(orders?.kind === 'Role' ? orders.rules : undefined, [
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resourceNames: ['web-1'], resources: ['pods/log'], verbs: ['get'] },
  ]);
});

test('policy --format k8s-rbac with no Kubernetes principal: empty output and a message that says why', () => {
  const run = planewise(['policy', '--format', 'k8s-rbac', 'app.trace.jsonl']);
  assert.equal(run.code, 0);
  assert.deepEqual(loadAll(run.stdout), [], 'a YAML stream without documents');
  assert.match(run.stderr, /planewise: k8s-rbac: no Kubernetes principal in the input \(no k8s:<verb> decision, as Kubernetes audit logs give\): no RBAC objects to write\n$/);
  const usage = planewise(['policy', '--format', 'rbac', 'audit.log']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--format must be one of text, json, .*k8s-rbac/);
});
