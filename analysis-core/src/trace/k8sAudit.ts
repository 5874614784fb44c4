/**
 * Import of Kubernetes audit logs (`audit.k8s.io` `Event`, one per line, as
 * the API server's log backend writes them). Each completed request becomes
 * one `authz` event: who did which verb on what, allowed or forbidden. A line
 * may also be a cloud log record carrying the event, as an object or as JSON
 * text, in one of the fields listed in `WRAPPER_FIELDS`. The mapping is in
 * docs/trace-format.md.
 */
import type { ImportedLine } from './importedLine';
import type { AuthzEvent } from './schema';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

export const K8S_SERVICE = 'kube-apiserver';

/** The decision on one Kubernetes API request, from whichever log recorded it (`resource` as `resourceOf` encodes it). */
export function k8sDecision(ts: number, principal: string, verb: string, resource: string, decision: AuthzEvent['decision']): AuthzEvent {
  const event: AuthzEvent = { kind: 'authz', ts, service: K8S_SERVICE, principal, action: `k8s:${verb}`, resource, decision };
  // RBAC has no deny rules: a forbidden request is one nothing allowed.
  if (decision === 'deny') event.denyReason = 'implicit';
  return event;
}
export const DECISION_ANNOTATION = 'authorization.k8s.io/decision';

/**
 * Where log shippers put the event: AKS diagnostic logs `properties.log` (JSON
 * text), Fluent Bit and Docker `log`, syslog-style `message`, Google Cloud
 * Logging `jsonPayload`.
 */
export const WRAPPER_FIELDS: readonly (readonly string[])[] = [['properties', 'log'], ['log'], ['message'], ['jsonPayload']];

/** An audit event: `kind: Event` of `audit.k8s.io/*`, or (older shippers drop them) no apiVersion but an auditID and stage. */
export function isAuditEvent(value: unknown): value is Json {
  if (!isObject(value)) return false;
  if (typeof value.apiVersion === 'string') return value.apiVersion.startsWith('audit.k8s.io/') && value.kind === 'Event';
  return typeof value.auditID === 'string' && typeof value.stage === 'string';
}

function field(value: Json, path: readonly string[]): unknown {
  let current: unknown = value;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return current;
}

/** The audit event in a line: the line itself, or the one a wrapper carries. */
export function auditEventOf(value: unknown): Json | undefined {
  if (isAuditEvent(value)) return value;
  if (!isObject(value)) return undefined;
  for (const path of WRAPPER_FIELDS) {
    const carried = field(value, path);
    if (isAuditEvent(carried)) return carried;
    if (typeof carried === 'string' && carried.trimStart().startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(carried);
        if (isAuditEvent(parsed)) return parsed;
      } catch {
        // Not JSON: a plain log message, not an audit event.
      }
    }
  }
  return undefined;
}

/** True when a parsed line is a Kubernetes audit event, bare or wrapped. */
export function isK8sAuditLine(value: unknown): boolean {
  return auditEventOf(value) !== undefined;
}

/**
 * `namespaces/<ns>/<group>/<resource>[/<subresource>][/<name>]`, or
 * `cluster/...` for cluster-scoped resources, with `core` for the core group
 * (""): the name comes last so wildcards generalize over names, and the
 * subresource sits with its resource as RBAC writes it (`pods/log`).
 * Requests for a path that is no resource (`/healthz`) are `nonResourceURL:<path>`.
 */
export function resourceOf(event: Json): string | undefined {
  const ref = isObject(event.objectRef) ? event.objectRef : undefined;
  const resource = ref !== undefined ? text(ref.resource) : undefined;
  if (ref === undefined || resource === undefined) {
    const uri = text(event.requestURI);
    return uri === undefined ? undefined : `nonResourceURL:${uri.split('?')[0]}`;
  }
  const namespace = text(ref.namespace);
  const parts = [namespace === undefined ? 'cluster' : `namespaces/${namespace}`, text(ref.apiGroup) ?? 'core', resource];
  const subresource = text(ref.subresource);
  const name = text(ref.name);
  if (subresource !== undefined) parts.push(subresource);
  if (name !== undefined) parts.push(name);
  return parts.join('/');
}

/** allow, deny, or undefined when authorization never ran (401: the caller was not authenticated). */
function decisionOf(event: Json): AuthzEvent['decision'] | undefined {
  const annotation = isObject(event.annotations) ? event.annotations[DECISION_ANNOTATION] : undefined;
  if (annotation === 'allow') return 'allow';
  if (annotation === 'forbid') return 'deny';
  const code = isObject(event.responseStatus) ? event.responseStatus.code : undefined;
  if (code === 403) return 'deny';
  if (code === 401) return undefined;
  return 'allow';
}

/** Converts one line of a Kubernetes audit log; never throws. */
export function k8sAuditLineToEvents(value: unknown): ImportedLine {
  const result: ImportedLine = { events: [], problems: [], skipped: 0 };
  const event = auditEventOf(value);
  if (event === undefined) {
    result.problems.push('not a Kubernetes audit event (needs kind "Event" of audit.k8s.io, or auditID and stage)');
    return result;
  }
  // A request is logged at each stage; its decision is final only once it completed (or panicked).
  if (event.stage === 'RequestReceived' || event.stage === 'ResponseStarted') {
    result.skipped += 1;
    return result;
  }
  const decision = decisionOf(event);
  if (decision === undefined) {
    result.skipped += 1;
    return result;
  }
  const user = isObject(event.user) ? event.user : {};
  const principal = isObject(event.impersonatedUser) ? text(event.impersonatedUser.username) : text(user.username);
  const verb = text(event.verb);
  const resource = resourceOf(event);
  const time = text(event.stageTimestamp) ?? text(event.requestReceivedTimestamp) ?? text(event.timestamp);
  const ts = time === undefined ? Number.NaN : Date.parse(time);
  if (principal === undefined || verb === undefined || resource === undefined || !(ts >= 0)) {
    const missing: string[] = [];
    if (principal === undefined) missing.push('user.username');
    if (verb === undefined) missing.push('verb');
    if (resource === undefined) missing.push('objectRef or requestURI');
    if (!(ts >= 0)) missing.push('stageTimestamp');
    result.problems.push(`audit event ${text(event.auditID) ?? '(no auditID)'}: no usable ${missing.join(', ')}`);
    return result;
  }
  result.events.push(k8sDecision(ts, principal, verb, resource, decision));
  return result;
}
