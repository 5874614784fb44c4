/**
 * What the k8s-rbac tests hold the generated objects to, written from
 * Kubernetes' documentation and code rather than from k8sRbac.ts:
 * - `authorize`: the RBAC authorizer (plugin/pkg/auth/authorizer/rbac and
 *   pkg/apis/rbac/v1/evaluation_helpers.go): bindings, roleRefs, namespace
 *   scoping, and the rule matching of verbs, groups, resources with
 *   subresources and `*`/`*\/sub`, resourceNames and nonResourceURLs with a
 *   trailing `*`;
 * - `schemaErrors`: the OpenAPI schema of the API (test-fixtures/k8s-openapi),
 *   with unknown fields refused as `kubectl apply --validate=strict` does;
 * - `serverErrors`: what the API server checks in code and the schema cannot
 *   say (pkg/apis/rbac/validation and ValidateObjectMeta).
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { K8sRequest, PolicyRule, RbacObject, Subject } from './k8sRbac';

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

function subjectMatches(subject: Subject, username: string, bindingNamespace: string | undefined): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === username;
    case 'ServiceAccount': {
      // A ServiceAccount subject of a RoleBinding may leave its namespace to the binding's.
      const namespace = subject.namespace !== undefined && subject.namespace !== '' ? subject.namespace : bindingNamespace;
      return username === `${SERVICE_ACCOUNT_PREFIX}${namespace}:${subject.name}`;
    }
    default:
      return false;
  }
}

const verbMatches = (rule: PolicyRule, verb: string) => rule.verbs.some((ruleVerb) => ruleVerb === '*' || ruleVerb === verb);
const groupMatches = (rule: PolicyRule, group: string) => (rule.apiGroups ?? []).some((ruleGroup) => ruleGroup === '*' || ruleGroup === group);

function resourceMatches(rule: PolicyRule, resource: string, subresource: string | undefined): boolean {
  const combined = subresource === undefined ? resource : `${resource}/${subresource}`;
  return (rule.resources ?? []).some((ruleResource) => ruleResource === '*' || ruleResource === combined || (subresource !== undefined && ruleResource === `*/${subresource}`));
}

const nameMatches = (rule: PolicyRule, name: string) => rule.resourceNames === undefined || rule.resourceNames.length === 0 || rule.resourceNames.includes(name);

function urlMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((url) => url === '*' || url === path || (url.endsWith('*') && path.startsWith(url.replace(/\*+$/, ''))));
}

export function ruleAllows(rule: PolicyRule, request: K8sRequest): boolean {
  if (request.kind === 'nonResource') return verbMatches(rule, request.verb) && urlMatches(rule, request.path);
  return verbMatches(rule, request.verb) && groupMatches(rule, request.apiGroup) && resourceMatches(rule, request.resource, request.subresource) && nameMatches(rule, request.name ?? '');
}

/**
 * Whether RBAC lets `username` make `request`, given these objects (and no
 * others). ClusterRoleBindings hold everywhere; a RoleBinding only for
 * requests in its own namespace, so never for a cluster-wide request or a
 * non-resource URL.
 */
export function authorize(objects: readonly RbacObject[], username: string, request: K8sRequest): boolean {
  const namespace = request.kind === 'resource' ? request.namespace : undefined;
  const rulesOf = (kind: 'Role' | 'ClusterRole', name: string, roleNamespace: string | undefined): PolicyRule[] =>
    objects.flatMap((object) => (object.kind === kind && object.metadata.name === name && (kind === 'ClusterRole' || object.metadata.namespace === roleNamespace) ? object.rules : []));
  for (const object of objects) {
    if (object.kind !== 'ClusterRoleBinding' && object.kind !== 'RoleBinding') continue;
    if (object.kind === 'RoleBinding' && (namespace === undefined || object.metadata.namespace !== namespace)) continue;
    if (!object.subjects.some((subject) => subjectMatches(subject, username, object.metadata.namespace))) continue;
    const rules = rulesOf(object.roleRef.kind, object.roleRef.name, object.metadata.namespace);
    if (rules.some((rule) => ruleAllows(rule, request))) return true;
  }
  return false;
}

const FIXTURE = path.resolve(__dirname, '..', '..', '..', 'test-fixtures', 'k8s-openapi', 'rbac.authorization.k8s.io__v1.json');
const SCHEMA_ID = 'k8s-rbac-v1.json';
const KIND_DEFINITIONS: Record<RbacObject['kind'], string> = {
  Role: 'io.k8s.api.rbac.v1.Role',
  ClusterRole: 'io.k8s.api.rbac.v1.ClusterRole',
  RoleBinding: 'io.k8s.api.rbac.v1.RoleBinding',
  ClusterRoleBinding: 'io.k8s.api.rbac.v1.ClusterRoleBinding',
};

/** Every object schema with properties and no additionalProperties of its own refuses other fields: strict field validation. */
function refuseUnknownFields(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(refuseUnknownFields);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = refuseUnknownFields(value);
  if (copy.type === 'object' && copy.properties !== undefined && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}

let validators: Map<string, (value: unknown) => boolean> | undefined;
let lastErrors: ErrorObject[] | null | undefined;

function schemaValidators(): Map<string, (value: unknown) => boolean> {
  if (validators !== undefined) return validators;
  const document = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { components: unknown };
  const ajv = new Ajv({ allErrors: true });
  addFormats(ajv);
  // OpenAPI's integer formats and the document's own keys and extensions, known to Ajv so that strict mode stays on for the rest.
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addVocabulary(['components', 'info', 'openapi', 'x-kubernetes-group-version-kind', 'x-kubernetes-map-type', 'x-kubernetes-patch-merge-key', 'x-kubernetes-patch-strategy']);
  ajv.addSchema({ ...(refuseUnknownFields(document) as object), $id: SCHEMA_ID });
  validators = new Map();
  for (const [kind, definition] of Object.entries(KIND_DEFINITIONS)) {
    const validate = ajv.compile({ $ref: `${SCHEMA_ID}#/components/schemas/${definition}` });
    validators.set(kind, (value) => {
      const valid = validate(value);
      lastErrors = validate.errors;
      return valid;
    });
  }
  return validators;
}

/** The schema's complaints about one object, empty when it conforms. */
export function schemaErrors(object: unknown): string[] {
  const kind = (object as { kind?: unknown }).kind;
  const validate = typeof kind === 'string' ? schemaValidators().get(kind) : undefined;
  if (validate === undefined) return [`kind ${String(kind)} is no RBAC kind`];
  if (validate(object)) return [];
  return (lastErrors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}${error.params && 'additionalProperty' in error.params ? ` (${String(error.params.additionalProperty)})` : ''}`);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const isDnsLabel = (value: string) => value.length <= 63 && DNS_LABEL.test(value);
const isDnsSubdomain = (value: string) => value.length <= 253 && value.split('.').every((label) => label.length > 0 && DNS_LABEL.test(label));
/** apimachinery's IsValidPathSegmentName: what the API server asks of a role's or binding's name. */
const isPathSegmentName = (value: string) => value !== '.' && value !== '..' && !value.includes('/') && !value.includes('%');
/** apimachinery's IsQualifiedName: label and annotation keys. */
function isQualifiedName(value: string): boolean {
  const parts = value.split('/');
  const name = parts.at(-1)!;
  if (parts.length > 2 || name.length === 0 || name.length > 63 || !/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(name)) return false;
  return parts.length === 1 || (parts[0]!.length > 0 && isDnsSubdomain(parts[0]!));
}
const isLabelValue = (value: string) => value.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value);
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

function ruleErrors(rule: PolicyRule, namespaced: boolean, where: string): string[] {
  const errors: string[] = [];
  if (rule.verbs.length === 0) errors.push(`${where}.verbs: verbs must contain at least one value`);
  if (rule.nonResourceURLs !== undefined && rule.nonResourceURLs.length > 0) {
    if (namespaced) errors.push(`${where}.nonResourceURLs: namespaced rules cannot apply to non-resource URLs`);
    if ((rule.apiGroups?.length ?? 0) > 0 || (rule.resources?.length ?? 0) > 0 || (rule.resourceNames?.length ?? 0) > 0) errors.push(`${where}.nonResourceURLs: rules cannot apply to both regular resources and non-resource URLs`);
    return errors;
  }
  if ((rule.apiGroups?.length ?? 0) === 0) errors.push(`${where}.apiGroups: resource rules must supply at least one api group`);
  if ((rule.resources?.length ?? 0) === 0) errors.push(`${where}.resources: resource rules must supply at least one resource`);
  if ((rule.resourceNames?.length ?? 0) > 0 && (rule.resources?.length ?? 0) > 1) errors.push(`${where}.resourceNames: resource names cannot apply to multiple resources`);
  return errors;
}

function subjectErrors(subject: Subject, namespaced: boolean, where: string): string[] {
  const errors: string[] = [];
  if (subject.name.length === 0) errors.push(`${where}.name: required`);
  if (subject.kind === 'ServiceAccount') {
    if (!isDnsSubdomain(subject.name)) errors.push(`${where}.name: not a valid service account name`);
    if (subject.apiGroup !== undefined && subject.apiGroup !== '') errors.push(`${where}.apiGroup: must be "" for a ServiceAccount`);
    if (!namespaced && (subject.namespace === undefined || subject.namespace === '')) errors.push(`${where}.namespace: required`);
  } else if (subject.kind === 'User') {
    if (subject.apiGroup !== 'rbac.authorization.k8s.io') errors.push(`${where}.apiGroup: must be rbac.authorization.k8s.io for a User`);
  } else {
    errors.push(`${where}.kind: not supported`);
  }
  return errors;
}

/**
 * What the API server rejects although the schema allows it: names, the
 * namespace (required for Role and RoleBinding, forbidden for the cluster
 * kinds), label and annotation syntax, the PolicyRule combinations, roleRef
 * and subjects. Names are also held to DNS-1123 (subdomain), stricter than the
 * server's path-segment rule, as the format promises.
 */
export function serverErrors(object: RbacObject): string[] {
  const errors: string[] = [];
  const namespaced = object.kind === 'Role' || object.kind === 'RoleBinding';
  const { name, namespace, labels, annotations } = object.metadata;
  if (object.apiVersion !== 'rbac.authorization.k8s.io/v1') errors.push(`apiVersion: ${object.apiVersion}`);
  if (name.length === 0 || !isPathSegmentName(name)) errors.push(`metadata.name: ${name} is not a valid path segment name`);
  if (!isDnsSubdomain(name)) errors.push(`metadata.name: ${name} is not a DNS-1123 subdomain`);
  if (namespaced && (namespace === undefined || !isDnsLabel(namespace))) errors.push(`metadata.namespace: ${String(namespace)} is not a DNS-1123 label`);
  if (!namespaced && namespace !== undefined) errors.push('metadata.namespace: not allowed on a cluster-scoped object');
  for (const [key, value] of Object.entries(labels)) {
    if (!isQualifiedName(key)) errors.push(`metadata.labels: key ${key}`);
    if (!isLabelValue(value)) errors.push(`metadata.labels: value ${value}`);
  }
  let annotationBytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    if (!isQualifiedName(key.toLowerCase())) errors.push(`metadata.annotations: key ${key}`);
    annotationBytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (annotationBytes > ANNOTATIONS_MAX_BYTES) errors.push('metadata.annotations: too long');
  if ('rules' in object) {
    object.rules.forEach((rule, index) => errors.push(...ruleErrors(rule, namespaced, `rules[${index}]`)));
  } else {
    if (object.roleRef.apiGroup !== 'rbac.authorization.k8s.io') errors.push('roleRef.apiGroup: not supported');
    const kinds = object.kind === 'RoleBinding' ? ['Role', 'ClusterRole'] : ['ClusterRole'];
    if (!kinds.includes(object.roleRef.kind)) errors.push(`roleRef.kind: ${object.roleRef.kind} not supported`);
    if (object.roleRef.name.length === 0 || !isPathSegmentName(object.roleRef.name)) errors.push('roleRef.name: invalid');
    object.subjects.forEach((subject, index) => errors.push(...subjectErrors(subject, namespaced, `subjects[${index}]`)));
  }
  return errors;
}
