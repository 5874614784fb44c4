/** `planewise summarize`: services, operations, latency and decisions in trace files. */
import type { TraceSummary } from '../../trace';
import { type Command, type CommandContext, formatOption } from '../command';
import { jsonPieces } from '../jsonStream';
import { OUTPUT_HELP, OUTPUT_OPTIONS, emit } from '../output';
import { styleFor } from '../style';
import { formatMs, formatTime, table } from '../table';
import { INPUTS_HELP, STATE_HELP, STATE_OPTIONS, TRACE_INPUT_HELP, TRACE_INPUT_OPTIONS, inputExitCode, inputJson, printIssues, readDigest } from '../traceInput';

export const SUMMARY_SCHEMA = 'planewise.summary/1';

export function summaryText(summary: TraceSummary, files: number, invalid: number, context: CommandContext): string {
  const style = styleFor(context.io.stdout, context.io);
  const window = summary.window === null ? 'no events' : `${formatTime(summary.window.start)} .. ${formatTime(summary.window.end)}`;
  const parts = [
    style.bold('Summary'),
    `  files ${files}, events ${summary.events} (${summary.spans} spans, ${summary.decisions} decisions), invalid lines ${invalid > 0 ? style.red(String(invalid)) : '0'}`,
    `  window ${window}`,
    '',
    style.bold(`Services (${summary.services.length})`),
    table(['service', 'spans', 'errors', 'decisions'], summary.services.map((s) => [s.service, s.spans, s.errors, s.decisions]), [1, 2, 3]),
    '',
    style.bold(`Operations (${summary.operations.length}; latency within ${summary.latencyRelativeError * 100}%)`),
    table(
      ['service', 'operation', 'count', 'errors', 'p50', 'p95', 'p99'],
      summary.operations.map((o) => [o.service, o.operation, o.count, o.errors, formatMs(o.latencyMs.p50), formatMs(o.latencyMs.p95), formatMs(o.latencyMs.p99)]),
      [2, 3, 4, 5, 6],
    ),
    '',
    style.bold(`Principals (${summary.principals.length})`),
    table(['principal', 'allow', 'deny'], summary.principals.map((p) => [p.principal, p.allow, p.deny]), [1, 2]),
    '',
    style.bold('Decisions by principal and action'),
    table(
      ['principal', 'action', 'allow', 'deny', 'explicit', 'implicit'],
      summary.decisionsByAction.map((d) => [d.principal, d.action, d.allow, d.deny, d.explicitDeny, d.implicitDeny]),
      [2, 3, 4, 5],
    ),
  ];
  return parts.join('\n');
}

export const summarize: Command = {
  name: 'summarize',
  summary: 'services, operations, latency p50/p95/p99 and allow/deny decisions in traces',
  help: `Usage: planewise summarize [options] <files|dirs|globs|->

Reads trace files and prints what ran (services, operations with counts,
errors and latency p50/p95/p99) and what was decided (allow/deny by principal
and action). Invalid lines are listed on stderr as file:line: reason.

${INPUTS_HELP}

Options:
      --format text|json  output format (default text; JSON schema "${SUMMARY_SCHEMA}")
${OUTPUT_HELP}
${TRACE_INPUT_HELP}
${STATE_HELP}
  -h, --help              show this help

Exit codes: 0 ok, 1 invalid lines were skipped, 2 usage or unreadable input.`,
  options: { format: { type: 'string' }, ...OUTPUT_OPTIONS, ...STATE_OPTIONS, ...TRACE_INPUT_OPTIONS },
  async run(context) {
    const format = formatOption(context.values, ['text', 'json'] as const, 'text');
    const digest = await readDigest(context, context.positionals, { summary: true, policy: false });
    printIssues(context, digest);
    const summary = digest.summary.result();
    if (format === 'json') {
      await emit(context, jsonPieces({ schema: SUMMARY_SCHEMA, ...inputJson(digest), summary }));
    } else {
      await emit(context, summaryText(summary, digest.files.length, digest.invalidLines, context));
    }
    return inputExitCode(digest);
  },
};
