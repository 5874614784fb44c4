import type { IncomingMessage } from 'node:http';
import type { Attributes, AuthzRecord } from '../contracts/trace-record';
import { activeSpanContext, activeTelemetry, runInSpan, writeTraceRecord } from './emitter';

/**
 * Request details recorded on the root span. Full request capture (headers,
 * client address) is an enterprise feature.
 */
export function requestAttributes(request: IncomingMessage): Attributes {
  const attributes: Attributes = { 'http.method': request.method ?? 'GET', 'http.target': request.url ?? '/' };
  if (activeTelemetry().license.tier === 'enterprise') {
    attributes['http.user_agent'] = request.headers['user-agent'] ?? '';
    attributes['http.request_content_length'] = Number(request.headers['content-length'] ?? 0);
  }
  return attributes;
}

export interface ActiveSpan {
  readonly traceId: string;
  readonly spanId: string;
  setAttribute(key: string, value: string | number | boolean): void;
  fail(message: string): void;
}

/**
 * Runs `work` inside a span. The span is written when the work ends, so a
 * child always appears in the file before its parent, as exporters do.
 */
export async function withSpan<T>(service: string, operation: string, work: (span: ActiveSpan) => Promise<T> | T, attributes: Attributes = {}): Promise<T> {
  const { clock, ids } = activeTelemetry();
  const parent = activeSpanContext();
  const context = { traceId: parent?.traceId ?? ids.traceId(), spanId: ids.spanId() };
  const startedAt = clock.now();
  const spanAttributes: Attributes = { ...attributes };
  let status: 'ok' | 'error' = 'ok';
  const span: ActiveSpan = {
    ...context,
    setAttribute: (key, value) => {
      spanAttributes[key] = value;
    },
    fail: (message) => {
      status = 'error';
      spanAttributes['error.message'] = message;
    },
  };
  try {
    return await runInSpan(context, () => work(span));
  } catch (error) {
    span.fail(error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    writeTraceRecord({
      kind: 'span',
      ts: startedAt,
      service,
      operation,
      ...context,
      ...(parent ? { parentSpanId: parent.spanId } : {}),
      durationMs: clock.now() - startedAt,
      status,
      attributes: spanAttributes,
    });
  }
}

export type AuthzOutcome = Pick<AuthzRecord, 'principal' | 'action' | 'resource' | 'decision' | 'denyReason' | 'matchedStatements'>;

/** Every authorization decision becomes an `authz` record tied to the current span. */
export function recordAuthz(service: string, outcome: AuthzOutcome): void {
  const span = activeSpanContext();
  writeTraceRecord({
    kind: 'authz',
    ts: activeTelemetry().clock.now(),
    service,
    ...outcome,
    ...(span ? { traceId: span.traceId, spanId: span.spanId } : {}),
  });
}
