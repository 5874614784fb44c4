import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { YAML11_SCHEMA, loadAll } from 'js-yaml';
import { PolicyAccumulator, type PrincipalPolicy, principalPolicies } from '../analyses/policy';
import { resourceOf } from '../k8sAudit';
import type { AuthzEvent } from '../schema';
import { type K8sRbacOptions, type K8sRequest, type RbacObject, k8sRbacYaml, parseK8sRequest, principalRbac, rbacObjectName, subjectOf } from './k8sRbac';
import { authorize, schemaErrors, serverErrors } from './k8sRbac.testing';

/** The resource string the audit-log import writes for a request: the same function, fed the audit event's fields. */
function encode(request: K8sRequest): string {
  if (request.kind === 'nonResource') return resourceOf({ requestURI: request.path })!;
  const objectRef: Record<string, string> = { resource: request.resource };
  if (request.namespace !== undefined) objectRef.namespace = request.namespace;
  if (request.apiGroup !== '') objectRef.apiGroup = request.apiGroup;
  if (request.subresource !== undefined) objectRef.subresource = request.subresource;
  if (request.name !== undefined) objectRef.name = request.name;
  return resourceOf({ objectRef })!;
}

const event = (principal: string, request: K8sRequest, decision: 'allow' | 'deny' = 'allow'): AuthzEvent => ({
  kind: 'authz',
  ts: 0,
  service: 'kube-apiserver',
  principal,
  action: `k8s:${request.verb}`,
  resource: encode(request),
  decision,
  ...(decision === 'deny' ? { denyReason: 'implicit' as const } : {}),
});

function policiesOf(events: AuthzEvent[]): PrincipalPolicy[] {
  const accumulator = new PolicyAccumulator();
  for (const each of events) accumulator.add(each);
  return [...principalPolicies(accumulator)];
}

const res = (verb: string, namespace: string | undefined, apiGroup: string, resource: string, name?: string, subresource?: string): K8sRequest => ({
  kind: 'resource',
  verb,
  apiGroup,
  resource,
  ...(namespace !== undefined ? { namespace } : {}),
  ...(subresource !== undefined ? { subresource } : {}),
  ...(name !== undefined ? { name } : {}),
});
const url = (verb: string, path: string): K8sRequest => ({ kind: 'nonResource', verb, path });

const SA = 'system:serviceaccount:orders:orders-api';

test('decodes the resource strings of the audit-log import, and refuses what no request looks like', () => {
  for (const request of [res('get', 'orders', '', 'pods', 'web-1'), res('get', 'orders', '', 'pods', 'web-1', 'log'), res('list', undefined, 'apps', 'deployments'), res('get', undefined, '', 'nodes', 'n1'), url('get', '/healthz')]) {
    assert.deepEqual(parseK8sRequest(`k8s:${request.verb}`, encode(request)), request);
  }
  assert.equal(encode(res('get', 'orders', '', 'pods', 'web-1', 'log')), 'namespaces/orders/core/pods/log/web-1');
  for (const [action, resource] of [
    ['s3:GetObject', 'namespaces/orders/core/pods'],
    ['k8s:get', 'bucket/key'],
    ['k8s:get', 'namespaces/orders'],
    ['k8s:get', 'namespaces/orders/core/pods/a/b/c'],
    ['k8s:get', 'namespaces//core/pods'],
    ['k8s:*', 'namespaces/orders/core/pods'],
    ['k8s:get', 'cluster/core/*'],
    ['k8s:get', 'nonResourceURL:healthz'],
  ] as const) {
    assert.equal(parseK8sRequest(action, resource), undefined, `${action} ${resource}`);
  }
});

test('service accounts become ServiceAccount subjects, everyone else a User', () => {
  assert.deepEqual(subjectOf(SA), { kind: 'ServiceAccount', name: 'orders-api', namespace: 'orders' });
  assert.deepEqual(subjectOf('alice@example.com'), { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice@example.com' });
  // Not a name Kubernetes would give a service account: a User subject still matches the username exactly.
  assert.deepEqual(subjectOf('system:serviceaccount:Orders:api'), { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:serviceaccount:Orders:api' });
});

test('object names are DNS-1123, at most 63 characters, stable, and apart for principals that read alike', () => {
  assert.equal(rbacObjectName('alice'), rbacObjectName('alice'));
  assert.notEqual(rbacObjectName('alice'), rbacObjectName('Alice'));
  assert.match(rbacObjectName(SA), /^planewise-system-serviceaccount-orders-orders-api-[0-9a-f]{8}$/);
  for (const principal of ['x'.repeat(300), '::', 'Ünïcode', '-a-', 'a.b@c']) {
    const name = rbacObjectName(principal);
    assert.ok(name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name), name);
  }
});

test('roles per namespace and a cluster role, in the shape audit2rbac writes', () => {
  const [policy] = policiesOf([
    event(SA, res('get', 'orders', '', 'pods', 'web-1')),
    event(SA, res('get', 'orders', '', 'pods', 'web-2')),
    event(SA, res('watch', 'orders', '', 'pods', 'web-1')),
    event(SA, res('list', 'orders', '', 'pods')),
    event(SA, res('list', 'orders', '', 'configmaps')),
    event(SA, res('get', 'orders', '', 'pods', 'web-1', 'log')),
    event(SA, res('create', 'orders', '', 'secrets', 'token')),
    event(SA, res('update', 'kube-system', 'coordination.k8s.io', 'leases', 'orders-leader')),
    event(SA, res('get', undefined, '', 'nodes', 'n1')),
    event(SA, res('list', undefined, '', 'namespaces')),
    event(SA, url('get', '/healthz')),
    event(SA, url('get', '/metrics')),
    event(SA, res('delete', 'orders', '', 'secrets', 'token'), 'deny'),
  ]);
  const rbac = principalRbac(policy!);
  const name = rbacObjectName(SA);
  const metadata = (namespace?: string) => ({ annotations: { 'planewise.dev/principal': SA }, labels: { 'app.kubernetes.io/managed-by': 'planewise' }, name, ...(namespace ? { namespace } : {}) });
  const subjects = [{ kind: 'ServiceAccount', name: 'orders-api', namespace: 'orders' }];
  assert.deepEqual(rbac.objects, [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: metadata(),
      rules: [
        { apiGroups: [''], resources: ['namespaces'], verbs: ['list'] },
        { apiGroups: [''], resourceNames: ['n1'], resources: ['nodes'], verbs: ['get'] },
        { nonResourceURLs: ['/healthz', '/metrics'], verbs: ['get'] },
      ],
    },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: metadata(), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: metadata('kube-system'),
      rules: [{ apiGroups: ['coordination.k8s.io'], resourceNames: ['orders-leader'], resources: ['leases'], verbs: ['update'] }],
    },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: metadata('kube-system'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: metadata('orders'),
      rules: [
        // watch takes no names: it is granted with list, per resource; get keeps the names it was allowed.
        { apiGroups: [''], resources: ['configmaps'], verbs: ['list'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
        { apiGroups: [''], resourceNames: ['web-1', 'web-2'], resources: ['pods'], verbs: ['get'] },
        { apiGroups: [''], resourceNames: ['web-1'], resources: ['pods/log'], verbs: ['get'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      ],
    },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: metadata('orders'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects },
  ]);
  assert.deepEqual(rbac.conflicts, []);
  assert.equal(authorize(rbac.objects, SA, res('delete', 'orders', '', 'secrets', 'token')), false);
});

test('nameless rules with the same verbs share one rule; named rules keep one resource each', () => {
  const [policy] = policiesOf([
    event('bob', res('list', 'a', '', 'pods')),
    event('bob', res('list', 'a', '', 'secrets')),
    event('bob', res('get', 'a', '', 'pods', 'p')),
    event('bob', res('get', 'a', '', 'secrets', 'p')),
  ]);
  const role = principalRbac(policy!).objects.find((object) => object.kind === 'Role');
  assert.deepEqual(role?.kind === 'Role' ? role.rules : undefined, [
    { apiGroups: [''], resourceNames: ['p'], resources: ['pods'], verbs: ['get'] },
    { apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['list'] },
    { apiGroups: [''], resourceNames: ['p'], resources: ['secrets'], verbs: ['get'] },
  ]);
});

test('a wildcard threshold drops resourceNames past N names, unless a denied request would get in', () => {
  const gets = ['a', 'b', 'c'].map((name) => event('bob', res('get', 'ns', '', 'configmaps', name)));
  const rulesOf = (events: AuthzEvent[], options: K8sRbacOptions) => {
    const role = principalRbac(policiesOf(events)[0]!, options).objects.find((object) => object.kind === 'Role');
    return role?.kind === 'Role' ? role.rules : [];
  };
  assert.deepEqual(rulesOf(gets, { wildcardThreshold: 2 }), [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
  assert.deepEqual(rulesOf(gets, { wildcardThreshold: 3 }), [{ apiGroups: [''], resourceNames: ['a', 'b', 'c'], resources: ['configmaps'], verbs: ['get'] }]);
  const withDenied = [...gets, event('bob', res('get', 'ns', '', 'configmaps', 'secret-config'), 'deny')];
  assert.deepEqual(rulesOf(withDenied, { wildcardThreshold: 2 }), [{ apiGroups: [''], resourceNames: ['a', 'b', 'c'], resources: ['configmaps'], verbs: ['get'] }]);
  // A denied request in another namespace is out of the Role's reach: it does not hold the names back.
  const elsewhere = [...gets, event('bob', res('get', 'other', '', 'configmaps', 'x'), 'deny')];
  assert.deepEqual(rulesOf(elsewhere, { wildcardThreshold: 2 }), [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
});

test('a denied request RBAC cannot tell from an allowed one is granted and reported', () => {
  const [policy] = policiesOf([
    event('bob', res('create', 'ns', '', 'pods', 'allowed-pod')),
    event('bob', res('create', 'ns', '', 'pods', 'denied-pod'), 'deny'),
    // Denied explicitly too (an admission webhook, say): still one request, reported once.
    { ...event('bob', res('create', 'ns', '', 'pods', 'denied-pod'), 'deny'), denyReason: 'explicit' },
    event('bob', res('get', undefined, '', 'pods', 'p')),
    event('bob', res('get', 'ns', '', 'pods', 'p'), 'deny'),
    event('bob', res('get', 'ns', '', 'pods', 'q'), 'deny'),
  ]);
  const rbac = principalRbac(policy!);
  assert.deepEqual(rbac.conflicts, [
    { denied: { action: 'k8s:create', resource: 'namespaces/ns/core/pods/denied-pod' }, reason: 'RBAC cannot restrict create by name' },
    { denied: { action: 'k8s:get', resource: 'namespaces/ns/core/pods/p' }, reason: 'a cluster-wide grant of the same request holds in every namespace' },
  ]);
  assert.equal(authorize(rbac.objects, 'bob', res('get', 'ns', '', 'pods', 'q')), false);
});

test('the YAML reads back, as YAML 1.1 too (as the API server reads it), to the same objects', () => {
  const tricky = ['yes', 'on', '010', '1e3', 'null', '~', 'y', '2001-12-14', 'a: b', '#x'];
  const events = [
    ...tricky.map((name) => event(SA, res('get', 'orders', '', 'configmaps', name))),
    event('yes', res('get', 'default', '', 'pods', 'x')),
    event('alice', url('get', '/healthz/*')),
  ];
  const objects = policiesOf(events).flatMap((policy) => principalRbac(policy).objects);
  const notes: string[] = [];
  const yaml = [...k8sRbacYaml(policiesOf(events), {}, (line) => notes.push(line))].join('');
  assert.deepEqual(notes, []);
  assert.deepEqual(loadAll(yaml), objects);
  assert.deepEqual(loadAll(yaml, { schema: YAML11_SCHEMA }), objects);
  assert.equal(yaml.split('\n---\n').length, objects.length);
});

test('principals of other systems are skipped with a note; with none of Kubernetes the note says so', () => {
  const aws = (principal: string): AuthzEvent => ({ kind: 'authz', ts: 0, service: 's3', principal, action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key', decision: 'allow' });
  const notes: string[] = [];
  const yaml = [...k8sRbacYaml(policiesOf([aws('arn:aws:iam::1:role/app'), event('alice', res('get', 'ns', '', 'pods', 'p')), { ...aws('alice') }]), {}, (line) => notes.push(line))].join('');
  assert.equal((loadAll(yaml) as RbacObject[]).length, 2);
  assert.deepEqual(notes, [
    'alice: 1 allowed access(es) that are no Kubernetes request skipped (first: s3:GetObject arn:aws:s3:::bucket/key)',
    'k8s-rbac: 1 principal(s) without Kubernetes requests skipped: arn:aws:iam::1:role/app',
  ]);
  const none: string[] = [];
  assert.equal([...k8sRbacYaml(policiesOf([aws('app')]), {}, (line) => none.push(line))].join(''), '');
  assert.equal(none.at(-1), 'k8s-rbac: no Kubernetes principal in the input (no k8s:<verb> decision, as Kubernetes audit logs give): no RBAC objects to write');
  const deniedOnly: string[] = [];
  assert.equal([...k8sRbacYaml(policiesOf([event('bob', res('get', 'ns', '', 'pods', 'p'), 'deny')]), {}, (line) => deniedOnly.push(line))].join(''), '');
  assert.deepEqual(deniedOnly, ['bob: no Kubernetes request was allowed: no role']);
});

test('the checks can fail: the schema and the server rules reject what the API server rejects', () => {
  const role = (rules: unknown[], extra: Record<string, unknown> = {}) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { annotations: {}, labels: {}, name: 'r', namespace: 'ns' }, rules, ...extra });
  assert.deepEqual(schemaErrors(role([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }])), []);
  assert.notDeepEqual(schemaErrors(role([{ apiGroups: [''], resources: ['pods'] }])), [], 'verbs are required');
  assert.notDeepEqual(schemaErrors(role([{ apiGroups: [''], resources: 'pods', verbs: ['get'] }])), [], 'resources is a list');
  assert.notDeepEqual(schemaErrors(role([], { spec: {} })), [], 'unknown fields are refused');
  assert.notDeepEqual(schemaErrors({ ...role([]), metadata: { name: 'r', namespace: 'ns', labels: { a: 1 } } }), [], 'label values are strings');
  const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { annotations: {}, labels: {}, name: 'b' }, subjects: [] };
  assert.notDeepEqual(schemaErrors(binding), [], 'roleRef is required');
  const server = (rules: unknown[]) => serverErrors(role(rules) as RbacObject);
  assert.match(server([{ nonResourceURLs: ['/healthz'], verbs: ['get'] }]).join(), /namespaced rules cannot apply to non-resource URLs/);
  assert.match(serverErrors({ ...role([{ apiGroups: [''], nonResourceURLs: ['/healthz'], verbs: ['get'] }]), kind: 'ClusterRole', metadata: { annotations: {}, labels: {}, name: 'r' } } as RbacObject).join(), /both regular resources and non-resource URLs/);
  assert.match(server([{ apiGroups: [''], resourceNames: ['x'], resources: ['pods', 'secrets'], verbs: ['get'] }]).join(), /resource names cannot apply to multiple resources/);
  assert.match(server([{ resources: ['pods'], verbs: ['get'] }]).join(), /at least one api group/);
  assert.match(serverErrors({ ...role([]), metadata: { annotations: {}, labels: {}, name: 'Not:DNS', namespace: 'ns' } } as RbacObject).join(), /not a DNS-1123 subdomain/);
});

// Small alphabets, so that requests meet: the same resource under several verbs, names, namespaces and decisions.
const PRINCIPALS = [SA, 'alice', 'Alice@Example.com', 'system:serviceaccount:Bad:x', 'yes'];
const VERBS = ['get', 'get', 'delete', 'list', 'watch', 'create', 'update', 'deletecollection'];
const requestArbitrary: fc.Arbitrary<K8sRequest> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({ verb: fc.constantFrom(...VERBS), namespace: fc.constantFrom('a', 'a', 'b', undefined), apiGroup: fc.constantFrom('', '', 'apps'), resource: fc.constantFrom('pods', 'pods', 'nodes'), subresource: fc.constantFrom(undefined, undefined, 'log'), name: fc.constantFrom(undefined, 'x', 'y', 'z', 'on') })
      .map(({ verb, namespace, apiGroup, resource, subresource, name }) => res(verb, namespace, apiGroup, resource, subresource !== undefined ? (name ?? 'x') : name, subresource)),
  },
  { weight: 1, arbitrary: fc.record({ verb: fc.constantFrom('get', 'post'), path: fc.constantFrom('/healthz', '/logs*', '/logs/kubelet', '/logs/') }).map(({ verb, path }) => url(verb, path)) },
);
const decisionArbitrary = fc.record({ principal: fc.constantFrom(SA, SA, SA, ...PRINCIPALS), request: requestArbitrary, decision: fc.constantFrom<'allow' | 'deny'>('allow', 'allow', 'deny') });
const thresholdArbitrary = fc.option(fc.nat({ max: 2 }), { nil: undefined });

/**
 * The narrowest RBAC that lets each allowed request in: one rule per request,
 * in a Role of its namespace or a ClusterRole, naming the object where the
 * verb can be restricted by name. Whatever it lets in, any RBAC that allows
 * these requests lets in too.
 */
function narrowest(principal: string, allowed: K8sRequest[]): RbacObject[] {
  const subject = subjectOf(principal);
  return allowed.flatMap((request, index): RbacObject[] => {
    const name = `narrow-${index}`;
    const metadata = { annotations: {}, labels: {}, name, ...(request.kind === 'resource' && request.namespace !== undefined ? { namespace: request.namespace } : {}) };
    const rule =
      request.kind === 'nonResource'
        ? { nonResourceURLs: [request.path], verbs: [request.verb] }
        : {
            apiGroups: [request.apiGroup],
            resources: [request.subresource === undefined ? request.resource : `${request.resource}/${request.subresource}`],
            verbs: [request.verb],
            ...(request.name !== undefined && !['create', 'list', 'watch', 'deletecollection'].includes(request.verb) ? { resourceNames: [request.name] } : {}),
          };
    const namespaced = metadata.namespace !== undefined;
    return [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: namespaced ? 'Role' : 'ClusterRole', metadata, rules: [rule] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: namespaced ? 'RoleBinding' : 'ClusterRoleBinding', metadata, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: namespaced ? 'Role' : 'ClusterRole', name }, subjects: [subject] },
    ] as RbacObject[];
  });
}

test('property: every allowed request is allowed; a request only ever denied is not, unless no RBAC could keep it out, and then it is reported', () => {
  fc.assert(
    fc.property(fc.array(decisionArbitrary, { maxLength: 60 }), thresholdArbitrary, (decisions, wildcardThreshold) => {
      const policies = policiesOf(decisions.map(({ principal, request, decision }) => event(principal, request, decision)));
      for (const policy of policies) {
        const rbac = principalRbac(policy, wildcardThreshold === undefined ? {} : { wildcardThreshold });
        const mine = decisions.filter((decision) => decision.principal === policy.principal);
        const allowed = mine.filter((decision) => decision.decision === 'allow').map((decision) => decision.request);
        const allowedKeys = new Set(allowed.map((request) => `${request.verb} ${encode(request)}`));
        const deniedOnly = mine.filter((decision) => decision.decision === 'deny' && !allowedKeys.has(`${decision.request.verb} ${encode(decision.request)}`));
        const floor = narrowest(policy.principal, allowed);
        for (const request of allowed) assert.ok(authorize(rbac.objects, policy.principal, request), `allowed ${JSON.stringify(request)} is granted`);
        const conflicts = new Set(rbac.conflicts.map((conflict) => `${conflict.denied.action} ${conflict.denied.resource}`));
        for (const { request } of deniedOnly) {
          const granted = authorize(rbac.objects, policy.principal, request);
          const key = `k8s:${request.verb} ${encode(request)}`;
          assert.equal(conflicts.has(key), granted, `a denied request is reported exactly when granted: ${key}`);
          if (granted) assert.ok(authorize(floor, policy.principal, request), `granted only if the narrowest RBAC grants it too: ${key}`);
        }
      }
    }),
    { numRuns: 300 },
  );
});

test('property: without a threshold the rules grant exactly what the narrowest RBAC grants, on any request', () => {
  fc.assert(
    fc.property(fc.array(decisionArbitrary, { maxLength: 40 }), fc.array(fc.record({ principal: fc.constantFrom(...PRINCIPALS), request: requestArbitrary }), { maxLength: 30 }), (decisions, probes) => {
      const policies = policiesOf(decisions.map(({ principal, request, decision }) => event(principal, request, decision)));
      const objects = policies.flatMap((policy) => principalRbac(policy).objects);
      for (const policy of policies) {
        const allowed = decisions.filter((decision) => decision.principal === policy.principal && decision.decision === 'allow').map((decision) => decision.request);
        const floor = narrowest(policy.principal, allowed);
        for (const probe of probes) {
          // Objects of all principals together: one principal's bindings never reach another.
          assert.equal(authorize(objects, policy.principal, probe.request), authorize(floor, policy.principal, probe.request), JSON.stringify({ principal: policy.principal, request: probe.request }));
        }
      }
    }),
    { numRuns: 200 },
  );
});

test('property: every object passes the API schema and the server-side rules, and names never collide', () => {
  fc.assert(
    fc.property(fc.array(decisionArbitrary, { maxLength: 50 }), thresholdArbitrary, (decisions, wildcardThreshold) => {
      const policies = policiesOf(decisions.map(({ principal, request, decision }) => event(principal, request, decision)));
      const objects = policies.flatMap((policy) => principalRbac(policy, wildcardThreshold === undefined ? {} : { wildcardThreshold }).objects);
      const identities = new Set<string>();
      for (const object of objects) {
        assert.deepEqual(schemaErrors(object), [], JSON.stringify(object));
        assert.deepEqual(serverErrors(object), [], JSON.stringify(object));
        const identity = `${object.kind} ${object.metadata.namespace ?? ''} ${object.metadata.name}`;
        assert.ok(!identities.has(identity), `one object per kind, namespace and name: ${identity}`);
        identities.add(identity);
      }
    }),
    { numRuns: 150 },
  );
});
