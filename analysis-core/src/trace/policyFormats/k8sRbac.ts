/**
 * `policy --format k8s-rbac`: the policies of Kubernetes principals as RBAC
 * objects, one multi-document YAML stream, in the shape audit2rbac writes.
 *
 * Per principal: a Role and RoleBinding in each namespace where it was allowed
 * a namespaced request, and a ClusterRole and ClusterRoleBinding for requests
 * without a namespace (cluster-scoped resources, namespaced resources across
 * all namespaces, non-resource URLs). The resource strings are the ones
 * k8sAudit.ts writes: `namespaces/<ns>/<group>/<resource>[/<subresource>][/<name>]`,
 * `cluster/<group>/<resource>[/<subresource>][/<name>]` (group `core` is ""),
 * and `nonResourceURL:<path>`.
 *
 * Rules name the objects that were touched (`resourceNames`) except for the
 * verbs the API server authorizes without a name (create, list, watch,
 * deletecollection), or a request made without a name, or, with a wildcard
 * threshold, more than N names when no denied request would be let in.
 * A request that was only ever denied is never granted, except where RBAC
 * cannot tell it from an allowed one; those are reported as conflicts.
 */
import { createHash } from 'node:crypto';
import { dump } from 'js-yaml';
import type { PrincipalPolicy } from '../analyses/policy';
import { hasWildcard, unescapeLiteral } from '../patterns';

export const RBAC_API_VERSION = 'rbac.authorization.k8s.io/v1';
export const RBAC_API_GROUP = 'rbac.authorization.k8s.io';
export const K8S_ACTION_PREFIX = 'k8s:';
const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
/** Where the principal a generated object was made for is written (label values cannot hold most user names). */
export const PRINCIPAL_ANNOTATION = 'planewise.dev/principal';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** Verbs the API server authorizes without an object name: a `resourceNames` rule would never match them. */
export const NAMELESS_VERBS: ReadonlySet<string> = new Set(['create', 'list', 'watch', 'deletecollection']);

/** A request as the authorizer sees it, decoded from an action and resource of the trace. */
export type K8sRequest =
  | { kind: 'resource'; verb: string; namespace?: string; apiGroup: string; resource: string; subresource?: string; name?: string }
  | { kind: 'nonResource'; verb: string; path: string };

export interface PolicyRule {
  apiGroups?: string[];
  nonResourceURLs?: string[];
  resourceNames?: string[];
  resources?: string[];
  verbs: string[];
}

export interface Subject {
  apiGroup?: string;
  kind: 'User' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

interface ObjectMeta {
  annotations: Record<string, string>;
  labels: Record<string, string>;
  name: string;
  namespace?: string;
}

export interface RoleObject {
  apiVersion: typeof RBAC_API_VERSION;
  kind: 'Role' | 'ClusterRole';
  metadata: ObjectMeta;
  rules: PolicyRule[];
}

export interface BindingObject {
  apiVersion: typeof RBAC_API_VERSION;
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  metadata: ObjectMeta;
  roleRef: { apiGroup: typeof RBAC_API_GROUP; kind: 'Role' | 'ClusterRole'; name: string };
  subjects: Subject[];
}

export type RbacObject = RoleObject | BindingObject;

/** A request that was only ever denied but that RBAC cannot keep out while it lets an allowed one in. */
export interface RbacConflict {
  denied: { action: string; resource: string };
  reason: string;
}

export interface PrincipalRbac {
  principal: string;
  objects: RbacObject[];
  conflicts: RbacConflict[];
  /** Accesses that are no Kubernetes request (another system's actions, or a resource string this format cannot read). */
  skipped: { action: string; resource: string }[];
}

export interface K8sRbacOptions {
  /** Drop `resourceNames` when a rule would list more than N names and no denied request would be let in. Off when undefined. */
  wildcardThreshold?: number;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sorted = (values: Iterable<string>) => [...values].sort(byText);

/** A segment the authorizer could have seen: not empty, and no `*`, which a rule would read as "all". */
const plainSegment = (segment: string | undefined): segment is string => segment !== undefined && segment.length > 0 && !segment.includes('*');

/** Decodes an action and a concrete resource of the trace; undefined when they are no Kubernetes request this format can grant. */
export function parseK8sRequest(action: string, resource: string): K8sRequest | undefined {
  if (!action.startsWith(K8S_ACTION_PREFIX)) return undefined;
  const verb = action.slice(K8S_ACTION_PREFIX.length);
  if (!plainSegment(verb) || verb.includes('/')) return undefined;
  if (resource.startsWith('nonResourceURL:')) {
    const path = resource.slice('nonResourceURL:'.length);
    return path.startsWith('/') ? { kind: 'nonResource', verb, path } : undefined;
  }
  const parts = resource.split('/');
  let namespace: string | undefined;
  if (parts[0] === 'namespaces') {
    namespace = parts[1];
    if (!plainSegment(namespace)) return undefined;
    parts.splice(0, 2);
  } else if (parts[0] === 'cluster') {
    parts.splice(0, 1);
  } else {
    return undefined;
  }
  // group/resource, group/resource/name, or group/resource/subresource/name: a subresource always comes with a name.
  if (parts.length < 2 || parts.length > 4 || !parts.every(plainSegment)) return undefined;
  const [group, kind, third, fourth] = parts as [string, string, string?, string?];
  const request: K8sRequest = { kind: 'resource', verb, apiGroup: group === 'core' ? '' : group, resource: kind };
  if (namespace !== undefined) request.namespace = namespace;
  if (fourth !== undefined) {
    request.subresource = third;
    request.name = fourth;
  } else if (third !== undefined) {
    request.name = third;
  }
  return request;
}

/** The RBAC subject a username is: a service account by its namespace and name, anyone else a User. */
export function subjectOf(username: string): Subject {
  if (username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
    const [namespace, name, ...rest] = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
    if (rest.length === 0 && namespace !== undefined && name !== undefined && isDnsLabel(namespace) && isDnsSubdomain(name)) {
      return { kind: 'ServiceAccount', name, namespace };
    }
  }
  // A User subject matches any username, a service account's too, so this is right even for a name that is no valid ServiceAccount.
  return { apiGroup: RBAC_API_GROUP, kind: 'User', name: username };
}

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && value.split('.').every((label) => label.length > 0 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(label));
}

const NAME_PREFIX = 'planewise-';
const HASH_LENGTH = 8;
/** Kept to a DNS label's length, so a name fits wherever Kubernetes asks for one. */
const MAX_NAME_LENGTH = 63;

/**
 * The name of a principal's roles and bindings: `planewise-<principal, lowercased,
 * other characters as '-'>-<8 hex of its SHA-256>`. The hash keeps two
 * principals that read alike apart (`Alice`, `alice`) and is stable across runs.
 */
export function rbacObjectName(principal: string): string {
  const hash = createHash('sha256').update(principal).digest('hex').slice(0, HASH_LENGTH);
  const room = MAX_NAME_LENGTH - NAME_PREFIX.length - HASH_LENGTH - 1;
  const readable = principal
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, room)
    .replace(/^-+|-+$/g, '');
  return `${NAME_PREFIX}${readable.length > 0 ? `${readable}-` : ''}${hash}`;
}

/** What one verb on one resource is granted in one scope: any name, or these names. */
type NameGrant = { any: true } | { any: false; names: Set<string> };

/** `scope` is a namespace, or undefined for cluster-wide. */
interface ResourceKey {
  scope: string | undefined;
  apiGroup: string;
  /** `resource` or `resource/subresource`, as rules write it. */
  resource: string;
  verb: string;
}

const CLUSTER = '\u0000cluster';
const keyText = (key: ResourceKey) => [key.scope ?? CLUSTER, key.apiGroup, key.resource, key.verb].join('\u0000');
const combined = (request: Extract<K8sRequest, { kind: 'resource' }>) => (request.subresource === undefined ? request.resource : `${request.resource}/${request.subresource}`);
const keyOf = (request: Extract<K8sRequest, { kind: 'resource' }>): ResourceKey => ({ scope: request.namespace, apiGroup: request.apiGroup, resource: combined(request), verb: request.verb });

/** The grants of one principal, before they are folded into rules. */
class Grants {
  readonly resources = new Map<string, { key: ResourceKey; grant: NameGrant }>();
  /** verb -> paths. */
  readonly nonResource = new Map<string, Set<string>>();

  add(request: K8sRequest): void {
    if (request.kind === 'nonResource') {
      let paths = this.nonResource.get(request.verb);
      if (paths === undefined) this.nonResource.set(request.verb, (paths = new Set()));
      paths.add(request.path);
      return;
    }
    const key = keyOf(request);
    const text = keyText(key);
    const entry = this.resources.get(text);
    const nameless = request.name === undefined || NAMELESS_VERBS.has(request.verb);
    if (entry === undefined) this.resources.set(text, { key, grant: nameless ? { any: true } : { any: false, names: new Set([request.name!]) } });
    else if (nameless) entry.grant = { any: true };
    else if (!entry.grant.any) entry.grant.names.add(request.name!);
  }

  /** True when these grants let `request` in, as RBAC would: a cluster-wide grant holds in every namespace too. */
  allows(request: K8sRequest): boolean {
    if (request.kind === 'nonResource') {
      const paths = this.nonResource.get(request.verb);
      if (paths === undefined) return false;
      // RBAC reads a trailing '*' of a rule's URL as "any rest".
      for (const path of paths) if (path === request.path || (path.endsWith('*') && request.path.startsWith(path.replace(/\*+$/, '')))) return true;
      return false;
    }
    const key = keyOf(request);
    const scopes = key.scope === undefined ? [undefined] : [key.scope, undefined];
    return scopes.some((scope) => {
      const grant = this.resources.get(keyText({ ...key, scope }))?.grant;
      return grant !== undefined && (grant.any || (request.name !== undefined && grant.names.has(request.name)));
    });
  }
}

/** Whether a rule in `scope` for `key` would reach a request: the same scope, or any namespace from a cluster-wide rule. */
function reaches(key: ResourceKey, request: Extract<K8sRequest, { kind: 'resource' }>): boolean {
  return (key.scope === undefined || key.scope === request.namespace) && key.apiGroup === request.apiGroup && key.resource === combined(request) && key.verb === request.verb;
}

/** Names past the threshold become "any name", unless a denied request the rule would then reach exists. */
function generalize(grants: Grants, denied: readonly K8sRequest[], threshold: number): void {
  for (const entry of grants.resources.values()) {
    if (entry.grant.any || entry.grant.names.size <= threshold) continue;
    const keepsOut = denied.some((request) => request.kind === 'resource' && reaches(entry.key, request));
    if (!keepsOut) entry.grant = { any: true };
  }
}

/** Rules for one scope: verbs merged per resource and names, then nameless rules merged per group and verbs, as audit2rbac does. */
function resourceRules(entries: readonly { key: ResourceKey; grant: NameGrant }[]): PolicyRule[] {
  const byResource = new Map<string, { apiGroup: string; resource: string; names: string[] | undefined; verbs: Set<string> }>();
  for (const { key, grant } of entries) {
    const names = grant.any ? undefined : sorted(grant.names);
    const id = [key.apiGroup, key.resource, ...(names ?? ['\u0000any'])].join('\u0000');
    let rule = byResource.get(id);
    if (rule === undefined) byResource.set(id, (rule = { apiGroup: key.apiGroup, resource: key.resource, names, verbs: new Set() }));
    rule.verbs.add(key.verb);
  }
  const nameless = new Map<string, { apiGroup: string; resources: Set<string>; verbs: string[] }>();
  const rules: PolicyRule[] = [];
  for (const rule of byResource.values()) {
    const verbs = sorted(rule.verbs);
    if (rule.names !== undefined) {
      // The API server rejects resourceNames with more than one resource: a named rule keeps its own.
      rules.push({ apiGroups: [rule.apiGroup], resourceNames: rule.names, resources: [rule.resource], verbs });
      continue;
    }
    const id = [rule.apiGroup, ...verbs].join('\u0000');
    let merged = nameless.get(id);
    if (merged === undefined) nameless.set(id, (merged = { apiGroup: rule.apiGroup, resources: new Set(), verbs }));
    merged.resources.add(rule.resource);
  }
  for (const merged of nameless.values()) rules.push({ apiGroups: [merged.apiGroup], resources: sorted(merged.resources), verbs: merged.verbs });
  return rules.sort(compareRules);
}

function nonResourceRules(byVerb: Map<string, Set<string>>): PolicyRule[] {
  const verbsByPath = new Map<string, Set<string>>();
  for (const [verb, paths] of byVerb) {
    for (const path of paths) {
      let verbs = verbsByPath.get(path);
      if (verbs === undefined) verbsByPath.set(path, (verbs = new Set()));
      verbs.add(verb);
    }
  }
  const pathsByVerbs = new Map<string, { verbs: string[]; paths: string[] }>();
  for (const [path, verbSet] of verbsByPath) {
    const verbs = sorted(verbSet);
    const id = verbs.join('\u0000');
    let group = pathsByVerbs.get(id);
    if (group === undefined) pathsByVerbs.set(id, (group = { verbs, paths: [] }));
    group.paths.push(path);
  }
  return [...pathsByVerbs.values()].map((group): PolicyRule => ({ nonResourceURLs: sorted(group.paths), verbs: group.verbs })).sort(compareRules);
}

function compareRules(a: PolicyRule, b: PolicyRule): number {
  const text = (rule: PolicyRule) => [rule.apiGroups?.join(',') ?? '', rule.nonResourceURLs?.join(',') ?? '', rule.resources?.join(',') ?? '', rule.resourceNames?.join(',') ?? '', rule.verbs.join(',')].join('\u0000');
  return byText(text(a), text(b));
}

function metadata(principal: string, name: string, namespace?: string): ObjectMeta {
  const meta: ObjectMeta = { annotations: { [PRINCIPAL_ANNOTATION]: principal }, labels: { [MANAGED_BY_LABEL]: 'planewise' }, name };
  if (namespace !== undefined) meta.namespace = namespace;
  return meta;
}

/** Every allowed (action, resource) pair of a policy made without generalization, and the pairs that were only denied. */
function accessesOf(policy: PrincipalPolicy): { allowed: { action: string; resource: string }[]; deniedOnly: { action: string; resource: string }[] } {
  const allowed: { action: string; resource: string }[] = [];
  for (const statement of policy.policy.Statement) {
    for (const action of statement.Action) for (const resource of statement.Resource) allowed.push({ action, resource });
  }
  // A pair denied both explicitly and implicitly is in both lists: once is enough.
  const deniedOnly = new Map<string, { action: string; resource: string }>();
  for (const { action, resource, alsoAllowed } of [...policy.denied.explicit, ...policy.denied.implicit]) {
    if (!alsoAllowed) deniedOnly.set(`${action}\u0000${resource}`, { action, resource });
  }
  return { allowed, deniedOnly: [...deniedOnly.values()] };
}

/**
 * The RBAC objects of one principal. `policy` must come from
 * `principalPolicies` without a wildcard threshold: its resources are the
 * concrete ones seen (RBAC generalizes by names, not by prefixes, so the
 * threshold is applied here, in RBAC's terms).
 */
export function principalRbac(policy: PrincipalPolicy, options: K8sRbacOptions = {}): PrincipalRbac {
  const result: PrincipalRbac = { principal: policy.principal, objects: [], conflicts: [], skipped: [] };
  const { allowed, deniedOnly } = accessesOf(policy);
  const grants = new Grants();
  for (const access of allowed) {
    const request = hasWildcard(access.resource) ? undefined : parseK8sRequest(access.action, unescapeLiteral(access.resource));
    if (request === undefined) result.skipped.push({ action: access.action, resource: unescapeLiteral(access.resource) });
    else grants.add(request);
  }
  const denied: { access: { action: string; resource: string }; request: K8sRequest }[] = [];
  for (const access of deniedOnly) {
    const request = parseK8sRequest(access.action, access.resource);
    if (request !== undefined) denied.push({ access, request });
  }
  if (options.wildcardThreshold !== undefined) generalize(grants, denied.map((entry) => entry.request), options.wildcardThreshold);
  for (const { access, request } of denied) {
    if (!grants.allows(request)) continue;
    const reason =
      request.kind === 'nonResource'
        ? 'a granted URL ending in * covers it'
        : NAMELESS_VERBS.has(request.verb)
          ? `RBAC cannot restrict ${request.verb} by name`
          : request.namespace !== undefined && grants.resources.has(keyText({ ...keyOf(request), scope: undefined }))
            ? 'a cluster-wide grant of the same request holds in every namespace'
            : 'the same verb was allowed on this resource without a name';
    result.conflicts.push({ denied: access, reason });
  }

  const name = rbacObjectName(policy.principal);
  const subject = subjectOf(policy.principal);
  const byScope = new Map<string | undefined, { key: ResourceKey; grant: NameGrant }[]>();
  for (const entry of grants.resources.values()) {
    let entries = byScope.get(entry.key.scope);
    if (entries === undefined) byScope.set(entry.key.scope, (entries = []));
    entries.push(entry);
  }
  const clusterRules = [...resourceRules(byScope.get(undefined) ?? []), ...nonResourceRules(grants.nonResource)];
  if (clusterRules.length > 0) {
    result.objects.push({ apiVersion: RBAC_API_VERSION, kind: 'ClusterRole', metadata: metadata(policy.principal, name), rules: clusterRules });
    result.objects.push({
      apiVersion: RBAC_API_VERSION,
      kind: 'ClusterRoleBinding',
      metadata: metadata(policy.principal, name),
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name },
      subjects: [subject],
    });
  }
  const namespaces = sorted([...byScope.keys()].filter((scope): scope is string => scope !== undefined));
  for (const namespace of namespaces) {
    result.objects.push({ apiVersion: RBAC_API_VERSION, kind: 'Role', metadata: metadata(policy.principal, name, namespace), rules: resourceRules(byScope.get(namespace)!) });
    result.objects.push({
      apiVersion: RBAC_API_VERSION,
      kind: 'RoleBinding',
      metadata: metadata(policy.principal, name, namespace),
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'Role', name },
      subjects: [subject],
    });
  }
  return result;
}

/** True when any of a policy's accesses, allowed or denied, is a Kubernetes request. */
export function isK8sPrincipal(policy: PrincipalPolicy): boolean {
  return (
    policy.policy.Statement.some((statement) => statement.Action.some((action) => action.startsWith(K8S_ACTION_PREFIX))) ||
    [...policy.denied.explicit, ...policy.denied.implicit].some((deny) => deny.action.startsWith(K8S_ACTION_PREFIX))
  );
}

/** One YAML document; block style, no anchors, no folding, strings that YAML 1.1 would read as other types quoted. */
export function rbacObjectYaml(object: RbacObject): string {
  return dump(object, { noRefs: true, lineWidth: -1 });
}

/** How many names of skipped principals a note lists before "and N more". */
const LISTED_PRINCIPALS = 5;

/**
 * The YAML stream for a set of policies, a principal at a time. `note` gets
 * one line per thing the reader must know and that is no RBAC object:
 * principals skipped, accesses skipped, denied requests RBAC cannot keep out.
 */
export function* k8sRbacYaml(policies: Iterable<PrincipalPolicy>, options: K8sRbacOptions, note: (line: string) => void): Generator<string> {
  const skippedPrincipals: string[] = [];
  let documents = 0;
  let k8sPrincipals = 0;
  for (const policy of policies) {
    if (!isK8sPrincipal(policy)) {
      skippedPrincipals.push(policy.principal);
      continue;
    }
    k8sPrincipals += 1;
    const rbac = principalRbac(policy, options);
    if (rbac.skipped.length > 0) note(`${rbac.principal}: ${rbac.skipped.length} allowed access(es) that are no Kubernetes request skipped (first: ${rbac.skipped[0]!.action} ${rbac.skipped[0]!.resource})`);
    for (const conflict of rbac.conflicts) note(`${rbac.principal}: ${conflict.denied.action} ${conflict.denied.resource} was only denied, but is granted: ${conflict.reason}`);
    if (rbac.objects.length === 0) note(`${rbac.principal}: no Kubernetes request was allowed: no role`);
    const pieces: string[] = [];
    for (const object of rbac.objects) {
      pieces.push(`${documents > 0 ? '---\n' : ''}${rbacObjectYaml(object)}`);
      documents += 1;
    }
    if (pieces.length > 0) yield pieces.join('');
  }
  if (skippedPrincipals.length > 0) {
    const listed = skippedPrincipals.slice(0, LISTED_PRINCIPALS).join(', ');
    const more = skippedPrincipals.length > LISTED_PRINCIPALS ? ` and ${skippedPrincipals.length - LISTED_PRINCIPALS} more` : '';
    note(`k8s-rbac: ${skippedPrincipals.length} principal(s) without Kubernetes requests skipped: ${listed}${more}`);
  }
  if (k8sPrincipals === 0) note('k8s-rbac: no Kubernetes principal in the input (no k8s:<verb> decision, as Kubernetes audit logs give): no RBAC objects to write');
}
