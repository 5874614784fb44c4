import type { AuthzRecord, SpanRecord, TraceRecord } from '../contracts/trace-record';
import { groupBy } from './stats';

/** A request slower than this is worth a look. */
export const SLOW_REQUEST_MS = 40;
/** This many denies for one principal in a run looks like probing or a broken client. */
export const DENY_BURST = 3;

export interface AnomalySummary {
  slowSpans: Array<Pick<SpanRecord, 'service' | 'operation' | 'traceId' | 'durationMs'>>;
  failingOperations: Array<{ operation: string; errors: number; calls: number }>;
  denyBursts: Array<{ principal: string; denies: number; actions: string[] }>;
  explicitDenies: Array<Pick<AuthzRecord, 'principal' | 'action' | 'resource' | 'matchedStatements'>>;
}

export function summarizeAnomalies(records: readonly TraceRecord[]): AnomalySummary {
  const spans = records.filter((record): record is SpanRecord => record.kind === 'span');
  const denies = records.filter((record): record is AuthzRecord => record.kind === 'authz' && record.decision === 'deny');

  const slowSpans = spans
    .filter((span) => span.parentSpanId === undefined && span.durationMs > SLOW_REQUEST_MS)
    .map(({ service, operation, traceId, durationMs }) => ({ service, operation, traceId, durationMs }))
    .sort((a, b) => b.durationMs - a.durationMs);

  const failingOperations = [...groupBy(spans, (span) => span.operation)]
    .map(([operation, group]) => ({ operation, errors: group.filter((span) => span.status === 'error').length, calls: group.length }))
    .filter((entry) => entry.errors > 0)
    .sort((a, b) => b.errors - a.errors || a.operation.localeCompare(b.operation));

  const denyBursts = [...groupBy(denies, (deny) => deny.principal)]
    .filter(([, group]) => group.length >= DENY_BURST)
    .map(([principal, group]) => ({ principal, denies: group.length, actions: [...new Set(group.map((deny) => deny.action))].sort() }));

  const explicitDenies = denies
    .filter((deny) => deny.denyReason === 'explicit')
    .map(({ principal, action, resource, matchedStatements }) => ({ principal, action, resource, matchedStatements }));

  return { slowSpans, failingOperations, denyBursts, explicitDenies };
}
