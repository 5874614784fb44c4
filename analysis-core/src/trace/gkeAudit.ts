/**
 * Import of GKE's Kubernetes audit logs as Cloud Logging exports them: each
 * entry is a LogEntry whose `protoPayload` is a `google.cloud.audit.AuditLog`
 * written by the `k8s.io` service. Each becomes one `authz` event in the
 * encoding k8sAudit.ts gives native audit events, so policies, diffs and
 * RBAC output are the same whichever log a cluster's requests came from.
 * The mapping is in docs/trace-format.md.
 */
import type { ImportedLine } from './importedLine';
import { DECISION_ANNOTATION, k8sDecision } from './k8sAudit';
import type { AuthzEvent } from './schema';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

export const AUDIT_LOG_TYPE = 'type.googleapis.com/google.cloud.audit.AuditLog';
/** google.rpc.Code: the request was refused by authorization, or never authenticated. */
const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;
/** Subresources of a namespace itself, which the path cannot tell from a namespaced resource's collection. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** A Cloud Audit Logs entry: a LogEntry whose protoPayload is an AuditLog. */
function auditLogOf(value: unknown): Json | undefined {
  if (!isObject(value) || !isObject(value.protoPayload)) return undefined;
  return value.protoPayload['@type'] === AUDIT_LOG_TYPE ? value.protoPayload : undefined;
}

/** A Kubernetes request in Cloud Audit Logs: serviceName `k8s.io`, or a method of an `io.k8s.` API. */
function isKubernetesAuditLog(payload: Json): boolean {
  return payload.serviceName === 'k8s.io' || (typeof payload.methodName === 'string' && payload.methodName.startsWith('io.k8s.'));
}

export function isGkeAuditEntry(value: unknown): boolean {
  const payload = auditLogOf(value);
  return payload !== undefined && isKubernetesAuditLog(payload);
}

/** True when a parsed line is a GKE audit entry, or an array of them (`jq -c .` of gcloud's output). */
export function isGkeAuditLine(value: unknown): boolean {
  return Array.isArray(value) ? value.some(isGkeAuditEntry) : isGkeAuditEntry(value);
}

/**
 * `core/v1/namespaces/orders/pods/web-1/log` -> `namespaces/orders/core/pods/log/web-1`:
 * `<group>/<version>/[namespaces/<ns>/]<resource>[/<name>[/<subresource>]]`
 * rewritten as k8sAudit.ts writes an objectRef. A name starting with `/` is
 * a non-resource URL.
 */
export function resourceOfName(resourceName: string): string | undefined {
  if (resourceName.startsWith('/')) return `nonResourceURL:${resourceName.split('?')[0]}`;
  const [group, version, ...path] = resourceName.split('/');
  if (!group || !version || path.length === 0 || path.some((part) => part === '')) return undefined;
  const namespaced = path[0] === 'namespaces' && path.length >= 3 && !(path.length === 3 && NAMESPACE_SUBRESOURCES.has(path[2]!));
  const scope = namespaced ? `namespaces/${path[1]}` : 'cluster';
  const [resource, name, subresource, ...rest] = namespaced ? path.slice(2) : path;
  if (resource === undefined || rest.length > 0) return undefined;
  const parts = [scope, group, resource];
  if (subresource !== undefined) parts.push(subresource);
  if (name !== undefined) parts.push(name);
  return parts.join('/');
}

/** `io.k8s.apps.v1.deployments.update` -> `update`: the verb is the method's last part. */
const verbOf = (methodName: string): string | undefined => text(methodName.slice(methodName.lastIndexOf('.') + 1));

/**
 * deny when the request was refused (the audit annotation GKE copies into the
 * entry's labels, or status PERMISSION_DENIED) or a permission it needed was
 * not granted; undefined when the caller was not authenticated.
 */
function decisionOf(entry: Json, payload: Json): AuthzEvent['decision'] | undefined {
  const code = isObject(payload.status) ? payload.status.code : undefined;
  if (code === UNAUTHENTICATED) return undefined;
  const annotation = isObject(entry.labels) ? entry.labels[DECISION_ANNOTATION] : undefined;
  if (code === PERMISSION_DENIED || annotation === 'forbid') return 'deny';
  const checks = Array.isArray(payload.authorizationInfo) ? payload.authorizationInfo : [];
  return checks.some((check) => isObject(check) && check.granted === false) ? 'deny' : 'allow';
}

/** The first entry of an operation logged in several (first set, last not) is not its outcome. */
function isUnfinished(entry: Json): boolean {
  return isObject(entry.operation) && entry.operation.first === true && entry.operation.last !== true;
}

function entryToEvent(entry: unknown, where: string, result: ImportedLine): void {
  const payload = auditLogOf(entry);
  if (payload === undefined || !isObject(entry)) {
    result.problems.push(`${where}: not a Cloud Audit Logs entry (needs protoPayload of type ${AUDIT_LOG_TYPE}); skipped`);
    return;
  }
  if (!isKubernetesAuditLog(payload)) {
    result.problems.push(`${where}: an audit entry of ${text(payload.serviceName) ?? 'another service'}, not of Kubernetes (k8s.io); skipped`);
    return;
  }
  const decision = decisionOf(entry, payload);
  if (isUnfinished(entry) || decision === undefined) {
    result.skipped += 1;
    return;
  }
  const authentication = isObject(payload.authenticationInfo) ? payload.authenticationInfo : {};
  const principal = text(authentication.principalEmail) ?? text(authentication.principalSubject);
  const methodName = text(payload.methodName);
  const verb = methodName === undefined ? undefined : verbOf(methodName);
  const resourceName = text(payload.resourceName);
  const resource = resourceName === undefined ? undefined : resourceOfName(resourceName);
  const time = text(entry.timestamp) ?? text(entry.receiveTimestamp);
  const ts = time === undefined ? Number.NaN : Date.parse(time);
  if (principal === undefined || verb === undefined || resource === undefined || !(ts >= 0)) {
    const missing: string[] = [];
    if (principal === undefined) missing.push('authenticationInfo.principalEmail');
    if (verb === undefined) missing.push('methodName');
    if (resource === undefined) missing.push('resourceName');
    if (!(ts >= 0)) missing.push('timestamp');
    const id = text(entry.insertId);
    result.problems.push(`${where}${id === undefined ? '' : ` ${id}`}: no usable ${missing.join(', ')}; skipped`);
    return;
  }
  result.events.push(k8sDecision(ts, principal, verb, resource, decision));
}

/** Converts one line: an entry, or an array of entries; never throws. */
export function gkeAuditLineToEvents(value: unknown): ImportedLine {
  const result: ImportedLine = { events: [], problems: [], skipped: 0 };
  if (Array.isArray(value)) value.forEach((entry, index) => entryToEvent(entry, `entry ${index + 1}`, result));
  else entryToEvent(value, 'entry', result);
  return result;
}
