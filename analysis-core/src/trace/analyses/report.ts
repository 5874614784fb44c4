/**
 * report: a compliance report from one digest: services called, permissions
 * used per principal, the generated policy, drift against a declared policy
 * when one is given, and the invalid input. Rendered as Markdown or as one
 * self-contained HTML file (inline CSS, no scripts, no remote assets, every
 * value escaped). Trace values are untrusted: in Markdown each one is a code
 * span, so no link, image, autolink or HTML can come out of a trace.
 */
import type { FileReport, TraceDigest } from '../digest';
import { inertText } from '../inertText';
import { type TraceIssue, issueLocation } from '../lineParser';
import { type DriftResult, driftCount } from './drift';
import type { PolicyOptions, PolicySet } from './policy';
import type { TraceSummary } from './summarize';

export interface ReportModel {
  title: string;
  generatedAt: string;
  files: FileReport[];
  totals: { events: number; invalid: number; skipped: number };
  summary: TraceSummary;
  permissions: { principal: string; action: string; resources: number; allowed: number; denied: number }[];
  policies: PolicySet;
  drift: DriftResult | null;
  issues: { total: number; listed: TraceIssue[] };
}

export function buildReport(digest: TraceDigest, options: { title?: string; now?: Date; policy?: PolicyOptions; drift?: DriftResult } = {}): ReportModel {
  const permissions: ReportModel['permissions'] = [];
  for (const [principal, actions] of [...digest.policy.observed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const [action, resources] of [...actions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      let allowed = 0;
      let denied = 0;
      for (const tally of resources.values()) {
        allowed += tally.allow;
        denied += tally.explicitDeny + tally.implicitDeny;
      }
      permissions.push({ principal, action, resources: resources.size, allowed, denied });
    }
  }
  const sum = (pick: (file: FileReport) => number) => digest.files.reduce((total, file) => total + pick(file), 0);
  return {
    title: options.title ?? 'Planewise compliance report',
    generatedAt: (options.now ?? new Date()).toISOString(),
    files: digest.files,
    totals: { events: sum((f) => f.events), invalid: sum((f) => f.invalid), skipped: sum((f) => f.skipped) },
    summary: digest.summary.result(),
    permissions,
    policies: digest.policy.result(options.policy),
    drift: options.drift ?? null,
    issues: { total: digest.issueTotal, listed: digest.issues },
  };
}

type Cell = string | number;
interface Section {
  heading: string;
  /** A trace value the heading names (a principal), rendered as a value. */
  subject?: string;
  intro?: string;
  table?: { headers: string[]; rows: Cell[][] };
  code?: string;
}

function sections(model: ReportModel): Section[] {
  const s = model.summary;
  const window = s.window === null ? 'no events' : `${new Date(s.window.start).toISOString()} to ${new Date(s.window.end).toISOString()}`;
  const result: Section[] = [
    {
      heading: 'Input',
      intro: `${model.files.length} file(s), ${model.totals.events} events, ${model.totals.invalid} invalid line(s), ${model.totals.skipped} skipped line(s). Time window: ${window}.`,
      table: { headers: ['File', 'Lines', 'Events', 'Invalid', 'Not read because'], rows: model.files.map((f) => [f.name, f.lines, f.events, f.invalid, f.fatal ?? '']) },
    },
    { heading: 'Services called', table: { headers: ['Service', 'Spans', 'Errors', 'Decisions'], rows: s.services.map((x) => [x.service, x.spans, x.errors, x.decisions]) } },
    {
      heading: 'Operations',
      intro: `Latency quantiles are within ${s.latencyRelativeError * 100}% of the exact value.`,
      table: {
        headers: ['Service', 'Operation', 'Count', 'Errors', 'p50 ms', 'p95 ms', 'p99 ms'],
        rows: s.operations.map((o) => [o.service, o.operation, o.count, o.errors, o.latencyMs.p50.toFixed(2), o.latencyMs.p95.toFixed(2), o.latencyMs.p99.toFixed(2)]),
      },
    },
    { heading: 'Permissions used', table: { headers: ['Principal', 'Action', 'Resources', 'Allowed', 'Denied'], rows: model.permissions.map((p) => [p.principal, p.action, p.resources, p.allowed, p.denied]) } },
  ];
  for (const entry of model.policies.principals) {
    result.push({ heading: 'Generated policy:', subject: entry.principal, code: JSON.stringify(entry.policy, null, 2) });
    const denied = [...entry.denied.explicit.map((d) => ({ ...d, reason: 'explicit' })), ...entry.denied.implicit.map((d) => ({ ...d, reason: 'implicit' }))];
    if (denied.length > 0) {
      result.push({ heading: 'Denied, never granted:', subject: entry.principal, table: { headers: ['Action', 'Resource', 'Deny', 'Count'], rows: denied.map((d) => [d.action, d.resource, d.reason, d.count]) } });
    }
  }
  if (model.drift !== null) {
    const d = model.drift;
    result.push({ heading: 'Drift against the declared policy', intro: `${driftCount(d)} finding(s).` });
    result.push({ heading: 'Unused grants (over-privilege)', table: { headers: ['Principal', 'Statement', 'Action', 'Resource'], rows: d.unusedGrants.map((g) => [g.principal, g.sid, g.action, g.resource]) } });
    result.push({ heading: 'Denied but needed', table: { headers: ['Principal', 'Action', 'Resource', 'Deny', 'Count', 'Declared policy says'], rows: d.deniedButNeeded.map((g) => [g.principal, g.action, g.resource, g.reason, g.count, g.declaredVerdict]) } });
    result.push({ heading: 'Used outside the declared policy', table: { headers: ['Principal', 'Action', 'Resource', 'Count', 'Declared policy says'], rows: d.usedOutsidePolicy.map((g) => [g.principal, g.action, g.resource, g.count, g.declaredVerdict]) } });
  }
  const more = model.issues.total - model.issues.listed.length;
  result.push({
    heading: 'Invalid input',
    intro: model.issues.total === 0 ? 'Every line was valid.' : `${model.issues.total} issue(s)${more > 0 ? `; the first ${model.issues.listed.length} are listed` : ''}.`,
    table: { headers: ['Location', 'Severity', 'Reason'], rows: model.issues.listed.map((i) => [issueLocation(i), i.severity, i.reason]) },
  });
  return result;
}

/** The user's --title: every ASCII punctuation character backslash-escaped, which CommonMark allows for all of them. */
function markdownTitle(text: string): string {
  return inertText(text).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * A value as a code span: nothing inside one is a link, image, autolink or
 * HTML. The fence is longer than any backtick run in the value, and the
 * padding spaces (stripped by the renderer) let a value start or end with one.
 */
function markdownValue(value: string): string {
  const text = inertText(value);
  if (text === '') return '';
  const fence = '`'.repeat(Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length)) + 1);
  return `${fence} ${text} ${fence}`;
}

/** Numbers (and the fixed-point latencies) as they are; every other cell is a value. A pipe would end the cell, even in a code span, unless escaped. */
function markdownCell(cell: Cell): string {
  if (typeof cell === 'number' || /^\d+(\.\d+)?$/.test(cell)) return String(cell);
  return markdownValue(cell).replace(/\|/g, '\\|');
}

/** Headings and intros are the report's own words and numbers; only a subject comes from the trace. */
function markdownHeading(section: Section): string {
  return `## ${section.heading}${section.subject !== undefined ? ` ${markdownValue(section.subject)}` : ''}`;
}

export function renderMarkdown(model: ReportModel): string {
  const out = [`# ${markdownTitle(model.title)}`, '', `Generated ${model.generatedAt}.`, ''];
  for (const section of sections(model)) {
    out.push(markdownHeading(section), '');
    if (section.intro !== undefined) out.push(section.intro, '');
    if (section.table !== undefined) {
      if (section.table.rows.length === 0) out.push('None.', '');
      else {
        out.push(`| ${section.table.headers.join(' | ')} |`, `|${section.table.headers.map(() => ' --- ').join('|')}|`);
        for (const row of section.table.rows) out.push(`| ${row.map(markdownCell).join(' | ')} |`);
        out.push('');
      }
    }
    if (section.code !== undefined) {
      // JSON escapes C0 controls itself; DEL, C1 and bidi characters become \u escapes, which are JSON too.
      const code = section.code.split('\n').map(inertText).join('\n');
      const fence = '`'.repeat(Math.max(3, ...[...code.matchAll(/`+/g)].map((m) => m[0].length + 1)));
      out.push(`${fence}json`, code, fence, '');
    }
  }
  return out.join('\n');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1f2328;background:#fff}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.5rem 0;width:100%}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}pre{background:#f6f8fa;padding:.75rem;overflow:auto}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}th,pre{background:#161b22}th,td,h2{border-color:#30363d}}`;

export function renderHtml(model: ReportModel): string {
  const body: string[] = [`<h1>${escapeHtml(model.title)}</h1>`, `<p>Generated ${escapeHtml(model.generatedAt)}.</p>`];
  for (const section of sections(model)) {
    body.push(`<h2>${escapeHtml(section.subject !== undefined ? `${section.heading} ${section.subject}` : section.heading)}</h2>`);
    if (section.intro !== undefined) body.push(`<p>${escapeHtml(section.intro)}</p>`);
    if (section.table !== undefined) {
      if (section.table.rows.length === 0) body.push('<p>None.</p>');
      else {
        const head = section.table.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
        const rows = section.table.rows.map((row) => `<tr>${row.map((cell) => (typeof cell === 'number' ? `<td class="n">${cell}</td>` : `<td>${escapeHtml(cell)}</td>`)).join('')}</tr>`);
        body.push(`<table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`);
      }
    }
    if (section.code !== undefined) body.push(`<pre><code>${escapeHtml(section.code)}</code></pre>`);
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(model.title)}</title>
<style>${CSS}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
