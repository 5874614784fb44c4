/** A TraceDiff -> the rows of the Compare view and a Markdown document. */
import type { CountChange, Permission, TraceDiff } from '@planewise/analysis-core/trace';
import { formatDelta, formatMs, plural } from '../webview/format';
import type { DiffChange } from '../webview/messages';
import { formatCount } from '../webview/format';

const signed = (change: CountChange): string => formatDelta(change.before, change.after);
const spanCount = (count: number) => plural(count, 'span');
const errorCount = (count: number) => plural(count, 'error');

/**
 * The comparison in one line: what was added, removed and changed, the span
 * count's change and the largest p95 latency change, e.g.
 * `2 added, 1 removed, 3 changed · spans 1,262 → 190, −1,072 (−85%) · p95 up to +12 ms (checkout POST /orders)`.
 */
export function diffHeadline(diff: TraceDiff): string {
  const rows = diffChanges(diff);
  const count = (change: DiffChange['change']) => rows.filter((row) => row.change === change).length;
  if (rows.length === 0) return 'No differences';
  const parts = [`${formatCount(count('added'))} added, ${formatCount(count('removed'))} removed, ${formatCount(count('changed'))} changed`];
  const before = diff.operations.changed.reduce((sum, entry) => sum + entry.count.before, 0) + diff.operations.removed.reduce((sum, entry) => sum + entry.count, 0);
  const after = diff.operations.changed.reduce((sum, entry) => sum + entry.count.after, 0) + diff.operations.added.reduce((sum, entry) => sum + entry.count, 0);
  if (before !== after) parts.push(`spans ${formatCount(before)} → ${formatCount(after)}, ${formatDelta(before, after)}`);
  const slowest = [...diff.operations.changed].sort((a, b) => Math.abs(b.latencyMs.p95Delta) - Math.abs(a.latencyMs.p95Delta))[0];
  if (slowest && slowest.latencyMs.p95Delta !== 0) {
    const delta = slowest.latencyMs.p95Delta;
    parts.push(`p95 ${delta > 0 ? 'up' : 'down'} to ${delta > 0 ? '+' : '−'}${formatMs(Math.abs(delta))} (${slowest.service} ${slowest.operation})`);
  }
  return parts.join(' · ');
}

const permission = (entry: Permission) => `${entry.principal}: ${entry.action} on ${entry.resource}`;

export function diffChanges(diff: TraceDiff): DiffChange[] {
  const rows: DiffChange[] = [];
  for (const service of diff.services.added) rows.push({ change: 'added', area: 'service', key: service });
  for (const service of diff.services.removed) rows.push({ change: 'removed', area: 'service', key: service });
  for (const entry of diff.services.changed) {
    rows.push({ change: 'changed', area: 'service', key: entry.service, before: `${spanCount(entry.spans.before)}, ${errorCount(entry.errors.before)}`, after: `${spanCount(entry.spans.after)}, ${signed(entry.spans)}; ${errorCount(entry.errors.after)}` });
  }
  for (const entry of diff.operations.added) rows.push({ change: 'added', area: 'operation', key: `${entry.service} ${entry.operation}`, after: spanCount(entry.count) });
  for (const entry of diff.operations.removed) rows.push({ change: 'removed', area: 'operation', key: `${entry.service} ${entry.operation}`, before: spanCount(entry.count) });
  for (const entry of diff.operations.changed) {
    const { count, errors, latencyMs } = entry;
    if (count.delta === 0 && errors.delta === 0 && latencyMs.p95Delta === 0) continue;
    rows.push({
      change: 'changed',
      area: 'operation',
      key: `${entry.service} ${entry.operation}`,
      before: `${spanCount(count.before)}, ${errorCount(errors.before)}, p95 ${formatMs(latencyMs.before.p95)}`,
      after: `${spanCount(count.after)}, ${signed(count)}; ${errorCount(errors.after)}, p95 ${formatMs(latencyMs.after.p95)}`,
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
  const lines = [`# Trace comparison`, '', `Before: ${beforeName}  `, `After: ${afterName}`, '', `${diffHeadline(diff)}.`, ''];
  if (rows.length === 0) lines.push('No differences.');
  else {
    lines.push('| Change | Area | What | Before | After |', '| --- | --- | --- | --- | --- |');
    for (const row of rows) lines.push(`| ${row.change} | ${row.area} | ${cell(row.key)} | ${cell(row.before)} | ${cell(row.after)} |`);
  }
  return `${lines.join('\n')}\n`;
}
