import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { gkeAuditLineToEvents, isGkeAuditLine, resourceOfName } from './gkeAudit';
import { decisionRows, readDecisions } from './testing';

const fixtures = path.join(__dirname, '..', '..', 'test-fixtures', 'gke-audit');
const ALICE = 'alice@example.com';

const EXPECTED = [
  [ALICE, 'k8s:create', 'namespaces/orders/core/pods/web-1', 'allow'],
  ['system:serviceaccount:ci:deployer', 'k8s:update', 'namespaces/orders/apps/deployments/web', 'allow'],
  ['system:serviceaccount:default:sa', 'k8s:get', 'namespaces/orders/core/secrets/db-password', 'deny/implicit'],
  [ALICE, 'k8s:get', 'namespaces/orders/core/pods/log/web-1', 'allow'],
  [ALICE, 'k8s:list', 'cluster/core/nodes', 'allow'],
  [ALICE, 'k8s:create', 'namespaces/orders/rbac.authorization.k8s.io/rolebindings/deployer', 'allow'],
  [ALICE, 'k8s:get', 'cluster/core/namespaces/orders', 'allow'],
];

test('GKE audit entries exported one per line become decisions in the native audit encoding; unauthenticated requests are skipped', async () => {
  const { events, issues, result } = await readDecisions(path.join(fixtures, 'storage-sink.jsonl'));
  assert.deepEqual(issues, []);
  assert.equal(result.checkpoint.state.format, 'gke-audit');
  assert.deepEqual(decisionRows(events), EXPECTED);
  assert.ok(events.every((event) => event.service === 'kube-apiserver'));
  assert.equal(events[0]!.ts, Date.parse('2025-01-07T10:00:00.123Z'));
  assert.deepEqual(result.counts, { lines: 8, events: 7, invalid: 0, skipped: 1, warnings: 0 });
});

test('`gcloud logging read --format=json` (an indented array, newest first) gives the same decisions', async () => {
  const { events, issues, result } = await readDecisions(path.join(fixtures, 'gcloud-logging-read.json'));
  assert.deepEqual(issues, []);
  assert.equal(result.checkpoint.state.document, true);
  assert.deepEqual(decisionRows(events).reverse(), EXPECTED);
  assert.equal(result.counts.skipped, 1);
});

test('resource names: namespaced, cluster-scoped, subresources, the namespace itself and its subresources, non-resource URLs', () => {
  assert.equal(resourceOfName('core/v1/namespaces/orders/pods'), 'namespaces/orders/core/pods');
  assert.equal(resourceOfName('core/v1/namespaces/orders/pods/web-1/exec'), 'namespaces/orders/core/pods/exec/web-1');
  assert.equal(resourceOfName('apps/v1/namespaces/orders/deployments/web/scale'), 'namespaces/orders/apps/deployments/scale/web');
  assert.equal(resourceOfName('core/v1/namespaces'), 'cluster/core/namespaces');
  assert.equal(resourceOfName('core/v1/namespaces/orders/finalize'), 'cluster/core/namespaces/finalize/orders');
  assert.equal(resourceOfName('rbac.authorization.k8s.io/v1/clusterroles/view'), 'cluster/rbac.authorization.k8s.io/clusterroles/view');
  assert.equal(resourceOfName('/healthz?verbose'), 'nonResourceURL:/healthz');
  assert.equal(resourceOfName('core/v1'), undefined);
  assert.equal(resourceOfName('core/v1/nodes/a/b/c'), undefined);
  assert.equal(resourceOfName('core//pods'), undefined);
});

const entry = (payload: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  timestamp: '2025-01-07T10:00:00Z',
  protoPayload: {
    '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
    serviceName: 'k8s.io',
    authenticationInfo: { principalEmail: ALICE },
    methodName: 'io.k8s.core.v1.pods.delete',
    resourceName: 'core/v1/namespaces/orders/pods/web-1',
    ...payload,
  },
  ...extra,
});

test('a permission not granted, or the forbid label, is a deny even without status 7', () => {
  const denied = gkeAuditLineToEvents(entry({ authorizationInfo: [{ permission: 'io.k8s.core.v1.pods.delete', granted: false }] }));
  assert.equal(denied.events[0]!.decision, 'deny');
  const labelled = gkeAuditLineToEvents(entry({}, { labels: { 'authorization.k8s.io/decision': 'forbid' } }));
  assert.equal(labelled.events[0]!.decision, 'deny');
  assert.equal(gkeAuditLineToEvents(entry({ status: { code: 5 } })).events[0]!.decision, 'allow');
});

test('the first entry of an operation logged twice is skipped; other services and unusable entries are problems, never throws', () => {
  assert.equal(gkeAuditLineToEvents(entry({}, { operation: { id: 'x', first: true } })).skipped, 1);
  assert.equal(gkeAuditLineToEvents(entry({}, { operation: { id: 'x', first: true, last: true } })).events.length, 1);
  const other = entry({ serviceName: 'container.googleapis.com', methodName: 'google.container.v1.ClusterManager.GetCluster' });
  assert.equal(isGkeAuditLine(other), false);
  assert.match(gkeAuditLineToEvents(other).problems[0]!, /container\.googleapis\.com, not of Kubernetes/);
  const broken = gkeAuditLineToEvents([entry({ authenticationInfo: {}, resourceName: 'core/v1' }, { insertId: 'i-9', timestamp: 'soon' })]);
  assert.deepEqual(broken.problems, ['entry 1 i-9: no usable authenticationInfo.principalEmail, resourceName, timestamp; skipped']);
  for (const value of [null, 1, 'x', [], {}, { protoPayload: null }, [null]]) assert.doesNotThrow(() => gkeAuditLineToEvents(value));
});
