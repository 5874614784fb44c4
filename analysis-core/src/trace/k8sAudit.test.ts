import assert from 'node:assert/strict';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { isK8sAuditLine, k8sAuditLineToEvents } from './k8sAudit';
import { decisionRows, dropUndefined, json, maybeWrong, optional, readDecisions } from './testing';
import { isTraceEvent } from './validate';

const fixtures = path.join(__dirname, '..', '..', 'test-fixtures', 'k8s-audit');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-k8s-audit-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const SA = 'system:serviceaccount:orders:orders-api';
const ALICE = 'alice@example.com';

const fixture = (name: string) => readDecisions(path.join(fixtures, name));
const rows = decisionRows;

test('an API server audit log: completed requests become decisions, earlier stages are skipped and counted', async () => {
  const { events, issues, result } = await fixture('audit.log');
  assert.deepEqual(issues, []);
  assert.equal(result.checkpoint.state.format, 'k8s-audit');
  assert.deepEqual(rows(events), [
    [SA, 'k8s:get', 'namespaces/orders/core/pods/web-1', 'allow'],
    [SA, 'k8s:list', 'namespaces/orders/apps/deployments', 'allow'],
    [ALICE, 'k8s:get', 'namespaces/orders/core/pods/log/web-1', 'allow'],
    [ALICE, 'k8s:delete', 'cluster/core/nodes/node-7', 'deny/implicit'],
    ['system:kube-probe', 'k8s:get', 'nonResourceURL:/healthz', 'allow'],
    [SA, 'k8s:create', 'namespaces/orders/core/secrets', 'allow'],
  ]);
  assert.ok(events.every((e) => e.service === 'kube-apiserver'));
  assert.equal(events[0]!.ts, Date.parse('2025-01-07T10:00:00.123Z'));
  // Three first stages and one unauthenticated (401) request.
  assert.deepEqual(result.counts, { lines: 10, events: 6, invalid: 0, skipped: 4, warnings: 0 });
});

test('audit.k8s.io/v1beta1 events are read; their deprecated timestamp is a fallback', async () => {
  const { events, issues } = await fixture('v1beta1.log');
  assert.deepEqual(issues, []);
  assert.deepEqual(rows(events), [
    [SA, 'k8s:list', 'namespaces/orders/core/pods', 'allow'],
    [SA, 'k8s:update', 'namespaces/kube-system/coordination.k8s.io/leases/orders-leader', 'allow'],
  ]);
  const onlyTimestamp = k8sAuditLineToEvents({ apiVersion: 'audit.k8s.io/v1beta1', kind: 'Event', stage: 'ResponseComplete', verb: 'get', user: { username: 'u' }, requestURI: '/version', timestamp: '2025-01-07T10:00:00Z' });
  assert.equal(onlyTimestamp.events[0]!.ts, Date.parse('2025-01-07T10:00:00Z'));
});

test('events without apiVersion and kind are recognised by auditID and stage', async () => {
  const { events, result } = await fixture('no-apiversion.log');
  assert.deepEqual(rows(events), [[SA, 'k8s:get', 'namespaces/orders/core/pods/web-1', 'allow']]);
  assert.equal(result.counts.skipped, 1);
});

test('with impersonation the impersonated user is the principal', async () => {
  const { events } = await fixture('impersonation.log');
  assert.deepEqual(rows(events), [['system:serviceaccount:orders:deployer', 'k8s:create', 'namespaces/orders/core/configmaps/flags', 'allow']]);
});

test('a 403 without the decision annotation is an implicit deny', async () => {
  const { events } = await fixture('forbidden-without-annotation.log');
  assert.deepEqual(rows(events), [[SA, 'k8s:list', 'namespaces/kube-system/core/secrets', 'deny/implicit']]);
});

test('AKS diagnostic logs carry the event as JSON text in properties.log', async () => {
  const { events, issues, result } = await fixture('aks-diagnostic.json');
  assert.deepEqual(issues, []);
  assert.deepEqual(rows(events), [[SA, 'k8s:get', 'namespaces/orders/core/pods/web-1', 'allow']]);
  assert.equal(result.counts.skipped, 1);
});

test('log records carrying the event as an object (jsonPayload) or JSON text (log)', async () => {
  const { events, issues } = await fixture('wrapped-object-or-text.jsonl');
  assert.deepEqual(issues, []);
  assert.deepEqual(
    events.map((e) => [e.action, e.resource]),
    [
      ['k8s:patch', 'namespaces/orders/apps/deployments/web'],
      ['k8s:get', 'namespaces/orders/core/pods/web-1'],
    ],
  );
});

test('bad lines are invalid with a reason and every good line is still used', async () => {
  const file = path.join(dir, 'bad.audit.log');
  const good = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: 'ok', stage: 'ResponseComplete', verb: 'get', user: { username: 'u' }, requestURI: '/version', stageTimestamp: '2025-01-07T10:00:00Z' };
  const lines = [good, { ...good, auditID: 'x1', user: {}, verb: 7 }, { kind: 'Event', apiVersion: 'v1', reason: 'Scheduled' }, { log: 'plain text' }, { ...good, stageTimestamp: 'soon' }];
  fs.writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n{`);
  const { events, issues, result } = await readDecisions(file);
  assert.equal(events.length, 1);
  assert.deepEqual(
    issues.map((issue) => `${issue.line}: ${issue.reason.replace(/^(not JSON):.*/, '$1')}`),
    [
      '2: audit event x1: no usable user.username, verb',
      '3: not a Kubernetes audit event (needs kind "Event" of audit.k8s.io, or auditID and stage)',
      '4: not a Kubernetes audit event (needs kind "Event" of audit.k8s.io, or auditID and stage)',
      '5: audit event ok: no usable stageTimestamp',
      '6: not JSON',
    ],
  );
  assert.deepEqual(result.counts, { lines: 6, events: 1, invalid: 5, skipped: 0, warnings: 0 });
});

test('detection: a core/v1 Event or a log record with plain text is no audit event', () => {
  assert.ok(isK8sAuditLine({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', stage: 'RequestReceived' }));
  assert.ok(!isK8sAuditLine({ kind: 'Event', apiVersion: 'v1', involvedObject: {} }));
  assert.ok(!isK8sAuditLine({ log: '{not json' }));
  assert.ok(!isK8sAuditLine({ kind: 'span' }));
  assert.ok(!isK8sAuditLine([]));
});

const nearEvent = fc
  .record({
    kind: optional(maybeWrong(fc.constant('Event'))),
    apiVersion: optional(maybeWrong(fc.constantFrom('audit.k8s.io/v1', 'audit.k8s.io/v1beta1'))),
    auditID: maybeWrong(fc.constant('a')),
    stage: maybeWrong(fc.constantFrom('RequestReceived', 'ResponseComplete', 'Panic')),
    verb: maybeWrong(fc.constantFrom('get', '')),
    user: maybeWrong(fc.record({ username: maybeWrong(fc.constant('u')) })),
    impersonatedUser: optional(json),
    objectRef: optional(maybeWrong(fc.record({ resource: maybeWrong(fc.constant('pods')), namespace: optional(json), name: optional(json), apiGroup: optional(json), subresource: optional(json) }).map(dropUndefined))),
    requestURI: optional(json),
    stageTimestamp: maybeWrong(fc.constantFrom('2025-01-07T10:00:00.123456Z', 'later')),
    responseStatus: optional(maybeWrong(fc.record({ code: maybeWrong(fc.constantFrom(200, 401, 403)) }))),
    annotations: optional(maybeWrong(fc.record({ 'authorization.k8s.io/decision': maybeWrong(fc.constantFrom('allow', 'forbid')) }))),
  })
  .map(dropUndefined);

test('any line: never throws, and every event made is a valid authz event', () => {
  fc.assert(
    fc.property(fc.oneof(json, nearEvent, nearEvent.map((event) => ({ properties: { log: JSON.stringify(event) } }))), (value) => {
      const { events } = k8sAuditLineToEvents(value);
      for (const event of events) assert.ok(isTraceEvent(event), JSON.stringify(event));
    }),
  );
});
