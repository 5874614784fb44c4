/** `planewise diff`: what changed between two traces or two sets of runs. */
import { ALL_ANALYSES, type CountChange, type TraceDiff, diffTraces } from '../../trace';
import { type Command, type CommandContext, UsageError, formatOption } from '../command';
import { jsonPieces } from '../jsonStream';
import { OUTPUT_HELP, OUTPUT_OPTIONS, emit } from '../output';
import { inertText } from '../../trace/inertText';
import { styleFor } from '../style';
import { formatMs, table } from '../table';
import { PRINCIPAL_LIMIT_HELP, PRINCIPAL_LIMIT_OPTIONS, TRACE_INPUT_HELP, TRACE_INPUT_OPTIONS, inputExitCode, inputJson, principalScope, printIssues, readDigest, worstExit } from '../traceInput';

export const DIFF_SCHEMA = 'planewise.diff/1';
/** Text output lists at most this many permissions per direction; JSON lists all. */
const TEXT_LIST_LIMIT = 50;

function change(c: CountChange): string {
  const sign = c.delta > 0 ? '+' : '';
  return `${c.before} -> ${c.after} (${sign}${c.delta}${c.percent === null ? '' : `, ${sign}${c.percent}%`})`;
}

function signedMs(value: number): string {
  return `${value > 0 ? '+' : value < 0 ? '-' : ''}${formatMs(Math.abs(value))}`;
}

export function diffText(diff: TraceDiff, context: CommandContext): string {
  const style = styleFor(context.io.stdout, context.io);
  const added = (text: string) => style.green(`+ ${inertText(text)}`);
  const removed = (text: string) => style.red(`- ${inertText(text)}`);
  const out = [style.bold('Services')];
  // Lines are added one by one: push(...list) of a large list would overflow the stack.
  const pushAll = <T>(items: readonly T[], render: (item: T) => string) => {
    for (const item of items) out.push(render(item));
  };
  const pushCapped = <T>(items: readonly T[], render: (item: T) => string) => {
    pushAll(items.slice(0, TEXT_LIST_LIMIT), render);
    if (items.length > TEXT_LIST_LIMIT) out.push(style.dim(`  ...and ${items.length - TEXT_LIST_LIMIT} more (see --format json)`));
  };
  pushAll(diff.services.added, added);
  pushAll(diff.services.removed, removed);
  for (const s of diff.services.changed) out.push(`  ${inertText(s.service)}: spans ${change(s.spans)}, errors ${change(s.errors)}`);
  out.push('', style.bold('Operations'));
  pushAll(diff.operations.added, (o) => added(`${o.service} ${o.operation} (${o.count})`));
  pushAll(diff.operations.removed, (o) => removed(`${o.service} ${o.operation} (${o.count})`));
  const changed = diff.operations.changed.filter((o) => o.count.delta !== 0 || o.errors.delta !== 0 || o.latencyMs.p50Delta !== 0 || o.latencyMs.p99Delta !== 0);
  if (changed.length > 0) {
    out.push(
      table(
        ['service', 'operation', 'count', 'errors', 'p50', 'p95', 'p99'],
        changed.map((o) => [o.service, o.operation, change(o.count), change(o.errors), signedMs(o.latencyMs.p50Delta), signedMs(o.latencyMs.p95Delta), signedMs(o.latencyMs.p99Delta)]),
      ),
    );
  }
  out.push('', style.bold('Permissions (allowed)'));
  pushCapped(diff.permissions.added, (p) => added(`${p.principal} ${p.action} ${p.resource}`));
  pushCapped(diff.permissions.removed, (p) => removed(`${p.principal} ${p.action} ${p.resource}`));
  out.push('', style.bold('Denials'));
  pushCapped(diff.denials.added, (p) => added(`${p.principal} ${p.action} ${p.resource}`));
  pushCapped(diff.denials.removed, (p) => removed(`${p.principal} ${p.action} ${p.resource}`));
  return out.join('\n');
}

export const diff: Command = {
  name: 'diff',
  summary: 'compare two traces or sets of runs: services, operations, permissions, counts, latency',
  help: `Usage: planewise diff [options] <before> <after>

Compares two traces, or two sets of runs (each a file, directory or quoted
glob): services, operations and permissions that appeared (+) or disappeared
(-), count changes (+N, %) and latency changes (p50/p95/p99).

Options:
      --format text|json  output format (default text; JSON schema "${DIFF_SCHEMA}")
${PRINCIPAL_LIMIT_HELP}
${OUTPUT_HELP}
${TRACE_INPUT_HELP}
  -h, --help              show this help

Exit codes: 0 ok (differences are not failures), 1 invalid lines were skipped,
2 usage or unreadable input.`,
  options: { format: { type: 'string' }, ...PRINCIPAL_LIMIT_OPTIONS, ...OUTPUT_OPTIONS, ...TRACE_INPUT_OPTIONS },
  async run(context) {
    const format = formatOption(context.values, ['text', 'json'] as const, 'text');
    if (context.positionals.length !== 2) throw new UsageError(`diff takes two inputs, <before> and <after> (got ${context.positionals.length})`);
    const analyses = { ...ALL_ANALYSES, principals: principalScope(context) };
    const before = await readDigest(context, [context.positionals[0]!], analyses);
    const after = await readDigest(context, [context.positionals[1]!], analyses);
    printIssues(context, before);
    printIssues(context, after);
    const result = diffTraces({ summary: before.summary.result(), policy: before.policy }, { summary: after.summary.result(), policy: after.policy });
    if (format === 'json') {
      await emit(context, jsonPieces({ schema: DIFF_SCHEMA, before: inputJson(before), after: inputJson(after), diff: result }));
    } else {
      await emit(context, diffText(result, context));
    }
    return worstExit(inputExitCode(before), inputExitCode(after));
  },
};
