/** A TraceDiff -> the rows of the Compare view and a Markdown document. */
import type { CountChange, Permission, TraceDiff } from '@planewise/analysis-core/trace';
import { formatMs } from '../webview/format';
import type { DiffChange } from '../webview/messages';

function signed(change: CountChange): string {
  const percent = change.percent === null ? '' : ` (${change.percent > 0 ? '+' : ''}${change.percent}%)`;
  return `${change.delta > 0 ? '+' : ''}${change.delta}${percent}`;
}

const permission = (entry: Permission) => `${entry.principal}: ${entry.action} on ${entry.resource}`;

export function diffChanges(diff: TraceDiff): DiffChange[] {
  const rows: DiffChange[] = [];
  for (const service of diff.services.added) rows.push({ change: 'added', area: 'service', key: service });
  for (const service of diff.services.removed) rows.push({ change: 'removed', area: 'service', key: service });
  for (const entry of diff.services.changed) {
    rows.push({ change: 'changed', area: 'service', key: entry.service, before: `${entry.spans.before} spans, ${entry.errors.before} errors`, after: `${entry.spans.after} spans, ${entry.errors.after} errors (${signed(entry.spans)})` });
  }
  for (const entry of diff.operations.added) rows.push({ change: 'added', area: 'operation', key: `${entry.service} ${entry.operation}`, after: `${entry.count} spans` });
  for (const entry of diff.operations.removed) rows.push({ change: 'removed', area: 'operation', key: `${entry.service} ${entry.operation}`, before: `${entry.count} spans` });
  for (const entry of diff.operations.changed) {
    const { count, errors, latencyMs } = entry;
    if (count.delta === 0 && errors.delta === 0 && latencyMs.p95Delta === 0) continue;
    rows.push({
      change: 'changed',
      area: 'operation',
      key: `${entry.service} ${entry.operation}`,
      before: `${count.before} spans, ${errors.before} errors, p95 ${formatMs(latencyMs.before.p95)}`,
      after: `${count.after} spans (${signed(count)}), ${errors.after} errors, p95 ${formatMs(latencyMs.after.p95)}`,
    });
  }
  for (const entry of diff.permissions.added) rows.push({ change: 'added', area: 'allowed', key: permission(entry) });
  for (const entry of diff.permissions.removed) rows.push({ change: 'removed', area: 'allowed', key: permission(entry) });
  for (const entry of diff.denials.added) rows.push({ change: 'added', area: 'denied', key: permission(entry) });
  for (const entry of diff.denials.removed) rows.push({ change: 'removed', area: 'denied', key: permission(entry) });
  for (const principal of diff.principals.added) rows.push({ change: 'added', area: 'principal', key: principal });
  for (const principal of diff.principals.removed) rows.push({ change: 'removed', area: 'principal', key: principal });
  return rows;
}

function cell(text: string | undefined): string {
  return (text ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function diffMarkdown(diff: TraceDiff, beforeName: string, afterName: string): string {
  const rows = diffChanges(diff);
  const lines = [`# Trace comparison`, '', `Before: ${beforeName}  `, `After: ${afterName}`, ''];
  if (rows.length === 0) lines.push('No differences.');
  else {
    lines.push('| Change | Area | What | Before | After |', '| --- | --- | --- | --- | --- |');
    for (const row of rows) lines.push(`| ${row.change} | ${row.area} | ${cell(row.key)} | ${cell(row.before)} | ${cell(row.after)} |`);
  }
  return `${lines.join('\n')}\n`;
}
