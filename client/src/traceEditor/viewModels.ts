/** analysis-core results -> the plain view models the webview renders. */
import type { PolicySet, PrincipalPolicy, TraceEvent, TraceSummary } from '@planewise/analysis-core/trace';
import type { EventRow, PolicyOptions, PolicyView, PrincipalPolicyView, SummaryView } from '../webview/messages';

export interface HeaderFacts {
  producer?: string;
  schemaVersion?: string;
  runIds: string[];
}

/** Latencies to whole microseconds: the view shows no more, and a summary of thousands of operations is sent every second while reading. */
const toMicroseconds = (ms: number): number => Math.round(ms * 1000) / 1000;

export function summaryView(summary: TraceSummary, header: HeaderFacts, invalidLines: number): SummaryView {
  const actions = new Map<string, { action: string; allow: number; explicitDeny: number; implicitDeny: number }>();
  const actionsPerPrincipal = new Map<string, number>();
  for (const row of summary.decisionsByAction) {
    const tally = actions.get(row.action) ?? { action: row.action, allow: 0, explicitDeny: 0, implicitDeny: 0 };
    tally.allow += row.allow;
    tally.explicitDeny += row.explicitDeny;
    tally.implicitDeny += row.implicitDeny;
    actions.set(row.action, tally);
    actionsPerPrincipal.set(row.principal, (actionsPerPrincipal.get(row.principal) ?? 0) + 1);
  }
  const view: SummaryView = {
    runIds: header.runIds,
    events: summary.events,
    spans: summary.spans,
    authz: summary.decisions,
    invalidLines,
    operations: summary.operations.map((row) => ({
      service: row.service,
      operation: row.operation,
      count: row.count,
      errors: row.errors,
      p50Ms: toMicroseconds(row.latencyMs.p50),
      p95Ms: toMicroseconds(row.latencyMs.p95),
      p99Ms: toMicroseconds(row.latencyMs.p99),
      maxMs: toMicroseconds(row.latencyMs.max),
    })),
    operationsTotal: summary.operations.length,
    spanErrors: summary.operations.reduce((sum, row) => sum + row.errors, 0),
    denied: summary.principals.reduce((sum, row) => sum + row.deny, 0),
    principals: summary.principals.map((row) => ({ ...row, actions: actionsPerPrincipal.get(row.principal) ?? 0 })),
    actions: [...actions.values()].sort((a, b) => (a.action < b.action ? -1 : a.action > b.action ? 1 : 0)),
  };
  if (summary.window) view.window = { startMs: summary.window.start, endMs: summary.window.end };
  if (header.producer !== undefined) view.producer = header.producer;
  if (header.schemaVersion !== undefined) view.schemaVersion = header.schemaVersion;
  return view;
}

export function policyView(policies: PolicySet, options: PolicyOptions): PolicyView {
  return {
    options,
    principals: policies.principals.map((entry) => ({
      principal: entry.principal,
      statements: entry.policy.Statement.length,
      actions: entry.observed.actions,
      resources: entry.observed.resources,
      deniedPairs: entry.denied.explicit.length + entry.denied.implicit.length,
    })),
  };
}

/** Lines of a policy document shown in the viewer; Copy and Save always take the whole document. */
export const MAX_SHOWN_POLICY_LINES = 5_000;
export const MAX_SHOWN_DENIED = 1_000;

export function principalPolicyView(entry: PrincipalPolicy, options: PolicyOptions): PrincipalPolicyView {
  const lines = JSON.stringify(entry.policy, null, 2).split('\n');
  const denied = [
    ...entry.denied.explicit.map((row) => ({ action: row.action, resource: row.resource, count: row.count, reason: 'explicit' as const })),
    ...entry.denied.implicit.map((row) => ({ action: row.action, resource: row.resource, count: row.count, reason: 'implicit' as const })),
  ];
  return {
    principal: entry.principal,
    options,
    json: lines.slice(0, MAX_SHOWN_POLICY_LINES).join('\n'),
    omittedLines: Math.max(0, lines.length - MAX_SHOWN_POLICY_LINES),
    denied: denied.slice(0, MAX_SHOWN_DENIED),
    deniedTotal: denied.length,
  };
}

export function eventRow(event: TraceEvent, line: number): EventRow {
  if (event.kind === 'span') {
    return {
      line,
      ts: event.ts,
      kind: 'span',
      service: event.service,
      name: event.operation,
      principal: '',
      outcome: event.status,
      detail: `${Number(event.durationMs.toFixed(3))} ms`,
    };
  }
  return {
    line,
    ts: event.ts,
    kind: 'authz',
    service: event.service,
    name: event.action,
    principal: event.principal,
    outcome: event.decision,
    detail: event.decision === 'deny' ? `${event.resource} (${event.denyReason ?? 'implicit'})` : event.resource,
  };
}
