import type { AuthzRecord, SpanRecord, TraceRecord } from '../contracts/trace-record';
import { groupBy, percentile } from './stats';

export interface OperationStats {
  service: string;
  operation: string;
  calls: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
}

export interface PrincipalStats {
  principal: string;
  allowed: number;
  deniedExplicitly: number;
  deniedImplicitly: number;
}

export interface UsageReport {
  runId: string | undefined;
  bucket: string | undefined;
  spans: number;
  operations: OperationStats[];
  principals: PrincipalStats[];
}

export interface ReportOptions {
  runId?: string;
  /** Only spans and decisions about this bucket. */
  bucket?: string;
}

function concernsBucket(record: TraceRecord, bucket: string): boolean {
  if (record.kind === 'authz') return record.resource === `storage:bucket/${bucket}` || record.resource.startsWith(`storage:bucket/${bucket}/`);
  return record.attributes?.bucket === bucket;
}

export function generateReport(records: readonly TraceRecord[], options: ReportOptions = {}): UsageReport {
  const { bucket } = options;
  const selected = bucket === undefined ? records : records.filter((record) => concernsBucket(record, bucket));
  const spans = selected.filter((record): record is SpanRecord => record.kind === 'span');
  const decisions = selected.filter((record): record is AuthzRecord => record.kind === 'authz');

  const operations = [...groupBy(spans, (span) => `${span.service}\u0000${span.operation}`).values()].map((group) => {
    const durations = group.map((span) => span.durationMs).sort((a, b) => a - b);
    return {
      service: group[0].service,
      operation: group[0].operation,
      calls: group.length,
      errors: group.filter((span) => span.status === 'error').length,
      p50Ms: percentile(durations, 50),
      p95Ms: percentile(durations, 95),
    };
  });
  operations.sort((a, b) => b.calls - a.calls || a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation));

  const principals = [...groupBy(decisions, (decision) => decision.principal)].map(([principal, group]) => ({
    principal,
    allowed: group.filter((decision) => decision.decision === 'allow').length,
    deniedExplicitly: group.filter((decision) => decision.denyReason === 'explicit').length,
    deniedImplicitly: group.filter((decision) => decision.denyReason === 'implicit').length,
  }));
  principals.sort((a, b) => a.principal.localeCompare(b.principal));

  return { runId: options.runId, bucket, spans: spans.length, operations, principals };
}

export function renderReportMarkdown(report: UsageReport): string {
  const lines = [`# Usage report${report.runId ? ` for ${report.runId}` : ''}${report.bucket ? ` (bucket ${report.bucket})` : ''}`, ''];
  lines.push('| Service | Operation | Calls | Errors | p50 ms | p95 ms |', '| --- | --- | ---: | ---: | ---: | ---: |');
  for (const op of report.operations) lines.push(`| ${op.service} | ${op.operation} | ${op.calls} | ${op.errors} | ${op.p50Ms} | ${op.p95Ms} |`);
  lines.push('', '| Principal | Allowed | Denied (explicit) | Denied (implicit) |', '| --- | ---: | ---: | ---: |');
  for (const p of report.principals) lines.push(`| ${p.principal} | ${p.allowed} | ${p.deniedExplicitly} | ${p.deniedImplicitly} |`);
  return lines.join('\n') + '\n';
}
