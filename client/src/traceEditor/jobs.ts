/**
 * The trace commands' work, run inside the worker thread: resolve the inputs
 * (files or folders of thousands of files), digest them with analysis-core,
 * and produce the document the command opens or saves.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  type DriftResult,
  type TraceDigest,
  analyzeTraces,
  buildReport,
  detectDrift,
  diffTraces,
  driftCount,
  POLICY_SCHEMA,
  issueLocation,
  parseDeclaredPolicies,
  policyFormat,
  renderHtml,
  renderPolicyFormat,
  renderMarkdown,
  resolveTraceInputs,
} from '@planewise/analysis-core/trace';
import { formatMs } from '../webview/format';
import { diffMarkdown } from './diffView';
import type { Job, JobOptions, JobResult } from './workerProtocol';

export type JobProgress = (done: number, total: number, files: number) => void;

async function digestOf(inputs: string[], options: JobOptions, progress: JobProgress): Promise<{ digest: TraceDigest; files: number }> {
  const sources = await resolveTraceInputs(inputs, options.cwd);
  if (sources.length > options.maxFiles) {
    throw new Error(`${sources.length} trace files found, more than planewise.traceReader.maxFiles (${options.maxFiles}); pick fewer or raise the setting`);
  }
  progress(0, 0, sources.length);
  const digest = await analyzeTraces(sources, {
    maxLineBytes: options.maxLineBytes,
    issueCap: options.maxProblems,
    workerScript: options.shardWorker,
    onProgress: (done, total) => progress(done, total, sources.length),
  });
  return { digest, files: sources.length };
}

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}

function cell(text: string | number): string {
  return String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function summaryMarkdown(digest: TraceDigest, files: number): string {
  const summary = digest.summary.result();
  const lines = [
    '# Trace summary',
    '',
    `${plural(files, 'file')}, ${plural(summary.events, 'event')} (${plural(summary.spans, 'span')}, ${plural(summary.decisions, 'authorization decision')}), ${plural(digest.issueTotal, 'problem')}.`,
    '',
  ];
  if (summary.window) lines.push(`Time window: ${new Date(summary.window.start).toISOString()} to ${new Date(summary.window.end).toISOString()}`, '');
  lines.push('## Services and operations', '', '| Service | Operation | Count | Errors | p50 | p95 | p99 | Max |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of summary.operations) {
    const { p50, p95, p99, max } = row.latencyMs;
    lines.push(`| ${cell(row.service)} | ${cell(row.operation)} | ${row.count} | ${row.errors} | ${formatMs(p50)} | ${formatMs(p95)} | ${formatMs(p99)} | ${formatMs(max)} |`);
  }
  lines.push('', '## Decisions by principal and action', '', '| Principal | Action | Allowed | Denied (explicit) | Denied (implicit) |', '| --- | --- | ---: | ---: | ---: |');
  for (const row of summary.decisionsByAction) {
    lines.push(`| ${cell(row.principal)} | ${cell(row.action)} | ${row.allow} | ${row.explicitDeny} | ${row.implicitDeny} |`);
  }
  if (digest.issueTotal > 0) {
    lines.push('', '## Problems', '');
    for (const issue of digest.issues) lines.push(`- ${issueLocation(issue)}: ${issue.reason}`);
    if (digest.issueTotal > digest.issues.length) lines.push(`- … ${plural(digest.issueTotal - digest.issues.length, 'more problem')}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function runJob(job: Job, options: JobOptions, progress: JobProgress): Promise<JobResult> {
  switch (job.kind) {
    case 'summary': {
      const { digest, files } = await digestOf(job.inputs, options, progress);
      const summary = digest.summary.result();
      return {
        text: summaryMarkdown(digest, files),
        language: 'markdown',
        headline: `Summarized ${plural(summary.events, 'event')} from ${plural(files, 'file')}.`,
        files,
        invalidLines: digest.invalidLines,
        data: summary,
      };
    }
    case 'policy': {
      const format = job.format === undefined || job.format === 'json' ? undefined : policyFormat(job.format);
      if (job.format !== undefined && job.format !== 'json' && format === undefined) throw new Error(`unknown policy format "${job.format}"`);
      const { digest, files } = await digestOf(job.inputs, options, progress);
      const generalization = job.wildcardThreshold === undefined ? {} : { wildcardThreshold: job.wildcardThreshold };
      const principals = digest.policy.observed.size;
      if (format !== undefined) {
        const { text, notes, problems } = renderPolicyFormat(format, digest.policy, generalization);
        const unfit = problems.length === 0 ? '' : ` ${plural(problems.length, 'problem')}: see the Planewise output.`;
        return {
          text,
          language: format.fileSuffix.endsWith('.json') ? 'json' : format.fileSuffix.endsWith('.yaml') ? 'yaml' : 'plaintext',
          headline: `Generated ${format.label} for ${plural(principals, 'principal')} from ${plural(files, 'file')}.${unfit}`,
          files,
          invalidLines: digest.invalidLines,
          notes: [...problems, ...notes],
        };
      }
      const policies = digest.policy.result(generalization);
      return {
        // The document `planewise policy --format json` writes, schema first.
        text: `${JSON.stringify({ schema: POLICY_SCHEMA, ...policies }, null, 2)}\n`,
        language: 'json',
        headline: `Generated a policy for ${plural(policies.principals.length, 'principal')} from ${plural(files, 'file')}.`,
        files,
        invalidLines: digest.invalidLines,
      };
    }
    case 'diff': {
      // Each side reports its own share of the bytes; the two are shown as one run.
      const before = await digestOf(job.before, options, progress);
      const after = await digestOf(job.after, options, progress);
      const diff = diffTraces(
        { summary: before.digest.summary.result(), policy: before.digest.policy },
        { summary: after.digest.summary.result(), policy: after.digest.policy },
      );
      const names = (inputs: string[]) => inputs.map((input) => path.relative(options.cwd, input) || input).join(', ');
      const text = diffMarkdown(diff, names(job.before), names(job.after));
      const changes = text.split('\n').filter((line) => /^\| (added|removed|changed) /.test(line)).length;
      return {
        text,
        language: 'markdown',
        headline: changes === 0 ? 'No differences.' : `${plural(changes, 'difference')}.`,
        files: before.files + after.files,
        invalidLines: before.digest.invalidLines + after.digest.invalidLines,
        data: diff,
      };
    }
    case 'drift': {
      const declared = parseDeclaredPolicies(await readPolicyFile(job.policyFile), path.basename(job.policyFile));
      if (!declared.ok) throw new Error(declared.error);
      const { digest, files } = await digestOf(job.inputs, options, progress);
      const drift = detectDrift(declared.policies, digest.policy);
      const count = driftCount(drift);
      return {
        text: driftMarkdown(drift, path.basename(job.policyFile)),
        language: 'markdown',
        headline: count === 0 ? `No drift: the traces match ${path.basename(job.policyFile)}.` : `${plural(count, 'drift finding')} against ${path.basename(job.policyFile)}.`,
        files,
        invalidLines: digest.invalidLines,
        data: drift,
      };
    }
    case 'report': {
      const { digest, files } = await digestOf(job.inputs, options, progress);
      const model = buildReport(digest, job.title === undefined ? {} : { title: job.title });
      return {
        text: job.format === 'html' ? renderHtml(model) : renderMarkdown(model),
        language: job.format,
        headline: `Compliance report of ${plural(model.totals.events, 'event')} from ${plural(files, 'file')}.`,
        files,
        invalidLines: digest.invalidLines,
      };
    }
  }
}

async function readPolicyFile(file: string): Promise<string> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`${path.basename(file)}: cannot read the policy (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

export function driftMarkdown(drift: DriftResult, policyName: string): string {
  const lines = ['# Policy drift', '', `Declared policy: ${policyName}`, ''];
  const section = (title: string, headers: string[], rows: (string | number)[][]) => {
    lines.push(`## ${title}`, '');
    if (rows.length === 0) {
      lines.push('None.', '');
      return;
    }
    lines.push(`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`);
    for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
    lines.push('');
  };
  section('Denied but needed', ['Principal', 'Action', 'Resource', 'Times', 'Denied', 'Declared policy says'], drift.deniedButNeeded.map((row) => [row.principal, row.action, row.resource, row.count, row.reason, row.declaredVerdict]));
  section('Used outside the declared policy', ['Principal', 'Action', 'Resource', 'Times', 'Declared policy says'], drift.usedOutsidePolicy.map((row) => [row.principal, row.action, row.resource, row.count, row.declaredVerdict]));
  section('Granted but never used', ['Principal', 'Statement', 'Action', 'Resource'], drift.unusedGrants.map((row) => [row.principal, row.sid, row.action, row.resource]));
  if (drift.undeclaredPrincipals.length > 0) lines.push(`Principals with no declared policy: ${drift.undeclaredPrincipals.join(', ')}`, '');
  return lines.join('\n');
}
