/**
 * Import of OpenTelemetry traces as written by the Collector's file exporter:
 * one OTLP/JSON `{"resourceSpans":[...]}` batch per line. Every span becomes a
 * `span` event; authorization decisions travel as `planewise.authz.*`
 * attributes on a span or on a span event (docs/trace-format.md).
 */
import type { AuthzEvent, SpanEvent, TraceEvent } from './schema';

export const AUTHZ_ATTRIBUTE_PREFIX = 'planewise.authz.';
export const AUTHZ_ATTRIBUTES = {
  principal: 'planewise.authz.principal',
  action: 'planewise.authz.action',
  resource: 'planewise.authz.resource',
  decision: 'planewise.authz.decision',
  denyReason: 'planewise.authz.deny_reason',
  matchedStatements: 'planewise.authz.matched_statements',
} as const;

export interface OtlpConversion {
  events: TraceEvent[];
  /** Parts of the batch that could not be used, in words; the rest was converted. */
  problems: string[];
}

type Json = Record<string, unknown>;
type AttributeValue = string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue } | null;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** True when a parsed line looks like an OTLP/JSON trace batch. */
export function isOtlpBatch(value: unknown): value is { resourceSpans: unknown[] } {
  return isObject(value) && Array.isArray(value.resourceSpans);
}

/** int64 and fixed64 values decoded from protobuf arrive as bigint (otlpProto.ts); JSON has them as decimal strings. */
const decimal = (value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);

function toNumber(raw: unknown): number | undefined {
  const value = decimal(raw);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/** OTLP AnyValue -> plain value; int64 may arrive as a decimal string. */
function anyValue(value: unknown): AttributeValue {
  if (!isObject(value)) return null;
  if ('stringValue' in value) return String(value.stringValue);
  if ('boolValue' in value) return value.boolValue === true;
  if ('intValue' in value) return toNumber(value.intValue) ?? null;
  if ('doubleValue' in value) return toNumber(value.doubleValue) ?? null;
  if ('bytesValue' in value) return String(value.bytesValue);
  if ('arrayValue' in value) {
    const values = isObject(value.arrayValue) && Array.isArray(value.arrayValue.values) ? value.arrayValue.values : [];
    return values.map(anyValue);
  }
  if ('kvlistValue' in value) return attributeMap(isObject(value.kvlistValue) ? value.kvlistValue.values : undefined);
  return null;
}

function attributeMap(list: unknown): Record<string, AttributeValue> {
  const map: Record<string, AttributeValue> = {};
  if (!Array.isArray(list)) return map;
  for (const entry of list) {
    if (isObject(entry) && typeof entry.key === 'string') map[entry.key] = anyValue(entry.value);
  }
  return map;
}

function nonEmptyString(value: AttributeValue | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Nanoseconds since the epoch (string, number or bigint) -> milliseconds. */
function nanosToMillis(raw: unknown): number | undefined {
  const value = decimal(raw);
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value / 1e6 : undefined;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value) / 1e6;
  return undefined;
}

function durationMillis(rawStart: unknown, rawEnd: unknown): number | undefined {
  const start = decimal(rawStart);
  const end = decimal(rawEnd);
  if (typeof start === 'string' && typeof end === 'string' && /^\d+$/.test(start) && /^\d+$/.test(end)) {
    // Exact in BigInt: at today's epoch a double only resolves ~256 ns.
    const nanos = BigInt(end) - BigInt(start);
    return nanos < 0n ? undefined : Number(nanos) / 1e6;
  }
  const startMs = nanosToMillis(start);
  const endMs = nanosToMillis(end);
  return startMs === undefined || endMs === undefined || endMs < startMs ? undefined : endMs - startMs;
}

function statusOf(status: unknown): SpanEvent['status'] {
  const code = isObject(status) ? status.code : undefined;
  if (code === 2 || code === 'STATUS_CODE_ERROR') return 'error';
  if (code === 1 || code === 'STATUS_CODE_OK') return 'ok';
  return 'unset';
}

/** The operation name, by the conventions documented in docs/trace-format.md. */
export function operationName(spanName: string, attributes: Record<string, AttributeValue>): string {
  const rpcService = nonEmptyString(attributes['rpc.service']);
  const rpcMethod = nonEmptyString(attributes['rpc.method']);
  if (rpcService !== undefined && rpcMethod !== undefined) return `${rpcService}/${rpcMethod}`;
  const method = nonEmptyString(attributes['http.request.method']) ?? nonEmptyString(attributes['http.method']);
  const route = nonEmptyString(attributes['http.route']);
  if (method !== undefined && route !== undefined) return `${method} ${route}`;
  return spanName.length > 0 ? spanName : 'unnamed';
}

function flatAttributes(attributes: Record<string, AttributeValue>): Record<string, string | number | boolean> | undefined {
  let flat: Record<string, string | number | boolean> | undefined;
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith(AUTHZ_ATTRIBUTE_PREFIX) || value === null) continue;
    flat ??= {};
    flat[key] = typeof value === 'object' ? JSON.stringify(value) : value;
  }
  return flat;
}

function authzFrom(
  attributes: Record<string, AttributeValue>,
  base: { ts: number; service: string; traceId: string; spanId: string },
  where: string,
  problems: string[],
): AuthzEvent | undefined {
  if (!Object.keys(attributes).some((key) => key.startsWith(AUTHZ_ATTRIBUTE_PREFIX))) return undefined;
  const principal = nonEmptyString(attributes[AUTHZ_ATTRIBUTES.principal]);
  const action = nonEmptyString(attributes[AUTHZ_ATTRIBUTES.action]);
  const resource = nonEmptyString(attributes[AUTHZ_ATTRIBUTES.resource]);
  const decision = attributes[AUTHZ_ATTRIBUTES.decision];
  const missing: string[] = [];
  if (principal === undefined) missing.push(AUTHZ_ATTRIBUTES.principal);
  if (action === undefined) missing.push(AUTHZ_ATTRIBUTES.action);
  if (resource === undefined) missing.push(AUTHZ_ATTRIBUTES.resource);
  if (principal === undefined || action === undefined || resource === undefined) {
    problems.push(`${where}: authorization attributes without ${missing.join(', ')}`);
    return undefined;
  }
  if (decision !== 'allow' && decision !== 'deny') {
    problems.push(`${where}: ${AUTHZ_ATTRIBUTES.decision} must be "allow" or "deny"`);
    return undefined;
  }
  const event: AuthzEvent = { kind: 'authz', ts: base.ts, service: base.service, principal, action, resource, decision, traceId: base.traceId, spanId: base.spanId };
  if (decision === 'deny') {
    // Without a reason nothing is known to have denied it: the default-deny case.
    event.denyReason = attributes[AUTHZ_ATTRIBUTES.denyReason] === 'explicit' ? 'explicit' : 'implicit';
  }
  const matched = attributes[AUTHZ_ATTRIBUTES.matchedStatements];
  if (Array.isArray(matched)) event.matchedStatements = matched.filter((item): item is string => typeof item === 'string');
  else if (typeof matched === 'string' && matched.length > 0) event.matchedStatements = [matched];
  return event;
}

/** Converts one OTLP/JSON batch; never throws. */
export function otlpBatchToEvents(batch: unknown): OtlpConversion {
  const events: TraceEvent[] = [];
  const problems: string[] = [];
  if (!isOtlpBatch(batch)) return { events, problems: ['not an OTLP batch: expected {"resourceSpans":[...]}'] };
  for (const resourceSpans of batch.resourceSpans) {
    if (!isObject(resourceSpans)) continue;
    const resource = attributeMap(isObject(resourceSpans.resource) ? resourceSpans.resource.attributes : undefined);
    const service = nonEmptyString(resource['service.name']) ?? 'unknown_service';
    const scopes = Array.isArray(resourceSpans.scopeSpans) ? resourceSpans.scopeSpans : [];
    for (const scope of scopes) {
      const spans = isObject(scope) && Array.isArray(scope.spans) ? scope.spans : [];
      for (const span of spans) {
        if (!isObject(span)) continue;
        const traceId = typeof span.traceId === 'string' ? span.traceId : '';
        const spanId = typeof span.spanId === 'string' ? span.spanId : '';
        const where = `span ${spanId || '(no id)'}`;
        const ts = nanosToMillis(span.startTimeUnixNano);
        const durationMs = durationMillis(span.startTimeUnixNano, span.endTimeUnixNano);
        if (traceId === '' || spanId === '' || ts === undefined || durationMs === undefined) {
          problems.push(`${where}: needs traceId, spanId and start/end times (end not before start)`);
          continue;
        }
        const attributes = attributeMap(span.attributes);
        const spanName = typeof span.name === 'string' ? span.name : '';
        const event: SpanEvent = { kind: 'span', ts, service, operation: operationName(spanName, attributes), traceId, spanId, durationMs, status: statusOf(span.status) };
        if (typeof span.parentSpanId === 'string' && span.parentSpanId.length > 0) event.parentSpanId = span.parentSpanId;
        const flat = flatAttributes(attributes);
        if (flat !== undefined) event.attributes = flat;
        events.push(event);
        const fromSpan = authzFrom(attributes, { ts, service, traceId, spanId }, where, problems);
        if (fromSpan !== undefined) events.push(fromSpan);
        for (const spanEvent of Array.isArray(span.events) ? span.events : []) {
          if (!isObject(spanEvent)) continue;
          const eventTs = nanosToMillis(spanEvent.timeUnixNano) ?? ts;
          const authz = authzFrom(attributeMap(spanEvent.attributes), { ts: eventTs, service, traceId, spanId }, `${where} event`, problems);
          if (authz !== undefined) events.push(authz);
        }
      }
    }
  }
  return { events, problems };
}
