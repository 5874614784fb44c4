/**
 * What the trace commands share: the input options, reading every input into
 * one digest (with a progress line on a terminal), listing invalid lines on
 * stderr, and the exit code the input alone calls for.
 */
import { type AnalyzeOptions, DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_PARALLEL_MIN_BYTES, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_PRINCIPALS, type PrincipalScope, StateFileError, type TraceSource, type TraceState, analysesText, hasCounted, heldAnalyses, leafState, mergeStates, readStateFile, sourceIdentities, type StateReadOptions, stateLines, type DigestAnalyses, MIN_RANGE_BYTES, TraceDigest, TraceInputError, type TraceIssue, UnreadableInputError, issueLocation, analyzeTraces, maxUsefulJobs, resolveTraceInputs } from '../trace';
import path from 'node:path';
import { type CommandContext, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, InputError, type OptionValues, UsageError, stringOption } from './command';
import { writeOutputFile } from './output';
import { inertText } from '../trace/inertText';
import { styleFor } from './style';

export const TRACE_INPUT_OPTIONS = {
  'max-line-bytes': { type: 'string' },
  'max-document-bytes': { type: 'string' },
  jobs: { type: 'string' },
} as const;

export const TRACE_INPUT_HELP = `      --max-line-bytes N  lines longer than N bytes are reported and skipped (default ${DEFAULT_MAX_LINE_BYTES})
      --max-document-bytes N
                          in a JSON document spread over lines (indented), records
                          longer than N bytes are reported and skipped (default
                          ${DEFAULT_MAX_DOCUMENT_BYTES})
      --jobs N            the most threads for one file of 512 MiB or more
                          (default: the idle cores, from the 1-minute load average,
                          1 to 4); smaller files are read on one thread, where a
                          second costs more than it saves; at most one per CPU and
                          one per 4 MiB of the largest file: a larger N is lowered,
                          with a note on stderr`;

/** For the commands that build policies: the bound on principals that keeps their memory bounded. */
export const PRINCIPAL_LIMIT_OPTIONS = {
  'max-principals': { type: 'string' },
} as const;

export const PRINCIPAL_LIMIT_HELP = `      --max-principals N  keep policies for at most N distinct principals (default
                          ${DEFAULT_MAX_PRINCIPALS.toLocaleString('en-US')}); more is an error naming the limit, never
                          an out-of-memory abort`;

/** The principals a command's policy keeps: `principals` only (all when undefined), at most --max-principals. */
export function principalScope(context: CommandContext, principals?: string[]): PrincipalScope {
  const maxPrincipals = positiveInteger(context.values, 'max-principals');
  return { ...(principals !== undefined ? { principals } : {}), ...(maxPrincipals !== undefined ? { maxPrincipals } : {}) };
}

export const INPUTS_HELP = `Inputs: trace files (*.trace.jsonl, *.trace.jsonl.gz, OTLP/JSON or OTLP/protobuf
as the OpenTelemetry Collector's file exporter writes them, zstd or not),
directories (searched recursively for *.trace.jsonl[.gz], *.otlp.json[l][.gz],
*.otlp.{pb,proto}, *.otlp.*.zst and their rotated backups), globs (quote them),
or - for stdin.`;

/** How many invalid lines are listed on stderr before "...and N more". */
export const STDERR_ISSUE_LIMIT = 20;
/** How many issues JSON output lists (the total is always given). */
export const JSON_ISSUE_LIMIT = 1000;

const PROGRESS_DELAY_MS = 500;
const PROGRESS_INTERVAL_MS = 100;

export function positiveInteger(values: OptionValues, name: string): number | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive integer (got "${text}")`);
  return value;
}


function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}

/** A size limit as the docs give it: "512 MiB", "4 KiB". */
function formatLimit(bytes: number): string {
  return bytes % 1024 ** 2 === 0 ? `${bytes / 1024 ** 2} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** A single updating stderr line, shown only on a terminal and only once reading takes a while (a stream's total is 0: unknown). */
function progressLine(context: CommandContext): { update(done: number, total: number): void; clear(): void } {
  const stderr = context.io.stderr;
  if (stderr.isTTY !== true) return { update: () => undefined, clear: () => undefined };
  const started = Date.now();
  let lastDrawn = 0;
  let shown = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - started < PROGRESS_DELAY_MS || now - lastDrawn < PROGRESS_INTERVAL_MS) return;
      lastDrawn = now;
      shown = true;
      const of = total > 0 ? ` of ${formatBytes(total)} (${Math.min(100, Math.floor((done / total) * 100))}%)` : '';
      stderr.write(`\r\u001b[Kreading ${formatBytes(done)}${of}, Ctrl-C stops`);
    },
    clear() {
      if (shown) stderr.write('\r\u001b[K');
    },
  };
}

/** For the analyses that keep state across runs: start from states, and write one. */
export const STATE_OPTIONS = {
  'from-state': { type: 'string', multiple: true },
  'emit-state': { type: 'string' },
} as const;

export const STATE_HELP = `      --from-state FILE   start from a state file (written by --emit-state or
                          \`planewise merge\`; repeatable): traces it counted
                          already are skipped, and no trace input is needed
      --emit-state FILE   also write everything read, with --from-state, as a
                          state file of what this command reads (replaces FILE
                          only with --force)`;

/**
 * Reads every input named in `inputs` into one digest, feeding only
 * `analyses`, after the states of --from-state; with --emit-state, writes the
 * whole as a state file first. Missing inputs are a usage error.
 */
export async function readDigest(context: CommandContext, inputs: string[], analyses: DigestAnalyses): Promise<TraceDigest> {
  const fromStates = Array.isArray(context.values['from-state']) ? context.values['from-state'].map(String) : [];
  const emitTo = stringOption(context.values, 'emit-state');
  if (inputs.length === 0 && fromStates.length === 0) throw new UsageError('no input: name trace files, directories, globs, or - for stdin');
  if (fromStates.length === 0 && emitTo === undefined) return await readSources(context, await resolveSources(context, inputs), analyses);
  // A state holds this command's analyses for every principal in scope (--principal narrows the output, not the state).
  const principals: PrincipalScope = analyses.principals?.maxPrincipals !== undefined ? { maxPrincipals: analyses.principals.maxPrincipals } : {};
  const stateAnalyses: DigestAnalyses = { summary: analyses.summary, policy: analyses.policy, principals };
  let state: TraceState | undefined;
  for (const file of fromStates) state = mergeNote(context, state, await readState(context, file, { needs: heldAnalyses(stateAnalyses), principals }), file);
  if (inputs.length > 0) {
    const sources = await resolveSources(context, inputs);
    const identities = await sourceIdentities(sources);
    const fresh = sources.filter((source) => {
      const identity = identities.get(source.name);
      const counted = state !== undefined && identity !== undefined && hasCounted(state, identity);
      if (counted) context.io.stderr.write(`planewise: ${inertText(source.name)} is counted in --from-state already: skipped\n`);
      return !counted;
    });
    if (fresh.length > 0) state = mergeNote(context, state, leafState(await readSources(context, fresh, stateAnalyses), identities), 'the traces');
  }
  if (state === undefined) throw new UsageError('no input: name trace files, directories, globs, or - for stdin');
  if (emitTo !== undefined) await writeOutputFile(path.resolve(context.io.cwd, emitTo), stateLines(state), { force: context.values.force === true });
  return state.digest;
}

/** A state file named on the command line, with every analysis it holds; one that cannot be used is an input error naming it. */
export async function readStateInput(context: CommandContext, file: string, principals: PrincipalScope): Promise<TraceState> {
  return await readState(context, file, { principals });
}

async function readState(context: CommandContext, file: string, options: StateReadOptions): Promise<TraceState> {
  try {
    return await readStateFile(path.resolve(context.io.cwd, file), file, options);
  } catch (error) {
    if (error instanceof StateFileError) throw new InputError(error.message);
    if ((error as NodeJS.ErrnoException).code !== undefined) throw new InputError(`cannot read ${file}: ${(error as Error).message}`);
    throw error;
  }
}

/** `next` merged with `into` (or `next` itself when there is none yet); a state whose counts the other holds already is a note on stderr. */
export function mergeNote(context: CommandContext, into: TraceState | undefined, next: TraceState, name: string): TraceState {
  if (into === undefined) return next;
  // Merging each analysis among only the states that hold it would give counts that no read of the traces gives.
  const [held, before] = [heldAnalyses(next.digest.analyses), heldAnalyses(into.digest.analyses)];
  if (held.join() !== before.join()) throw new InputError(`${name}: holds ${analysesText(held)}, the others hold ${analysesText(before)}: merge states written by commands that read the same analyses`);
  const { merged, redundant } = mergeStates(into, next);
  if (redundant === next) context.io.stderr.write(`planewise: everything in ${inertText(name)} is counted already: skipped\n`);
  else if (redundant === into) context.io.stderr.write(`planewise: ${inertText(name)} counts everything before it already: used alone\n`);
  return merged;
}

async function resolveSources(context: CommandContext, inputs: string[]): Promise<TraceSource[]> {
  try {
    return await resolveTraceInputs(inputs, context.io.cwd);
  } catch (error) {
    if (error instanceof UnreadableInputError) throw new InputError(error.message);
    if (error instanceof TraceInputError) throw new UsageError(error.message);
    throw error;
  }
}

async function readSources(context: CommandContext, sources: TraceSource[], analyses: DigestAnalyses): Promise<TraceDigest> {
  const progress = progressLine(context);
  const options: AnalyzeOptions = { stdin: context.io.stdin, onProgress: progress.update, issueCap: JSON_ISSUE_LIMIT, analyses };
  const maxLineBytes = positiveInteger(context.values, 'max-line-bytes');
  const jobs = positiveInteger(context.values, 'jobs');
  if (maxLineBytes !== undefined) options.maxLineBytes = maxLineBytes;
  const maxDocumentBytes = positiveInteger(context.values, 'max-document-bytes');
  if (maxDocumentBytes !== undefined) options.maxDocumentBytes = maxDocumentBytes;
  // Tests split small files: the range size a parallel read uses (and the size from which it splits).
  const testRangeBytes = Number(context.io.env.PLANEWISE_TEST_RANGE_BYTES ?? '');
  if (Number.isInteger(testRangeBytes) && testRangeBytes > 0) {
    options.rangeBytes = testRangeBytes;
    options.parallelMinBytes = 2 * testRangeBytes;
  }
  if (jobs !== undefined) {
    const largest = sources.reduce((most, source) => Math.max(most, source.kind === 'file' ? source.size : 0), 0);
    const parallelMinBytes = options.parallelMinBytes ?? DEFAULT_PARALLEL_MIN_BYTES;
    const cap = maxUsefulJobs(largest, options.rangeBytes ?? MIN_RANGE_BYTES);
    if (jobs > 1 && largest < parallelMinBytes) {
      context.io.stderr.write(`planewise: --jobs ${jobs} lowered to 1 (files under ${formatLimit(parallelMinBytes)} are read on one thread: a second costs more than it saves)\n`);
      options.jobs = 1;
    } else {
      if (jobs > cap) context.io.stderr.write(`planewise: --jobs ${jobs} lowered to ${cap} (one thread per CPU and per ${formatLimit(options.rangeBytes ?? MIN_RANGE_BYTES)} of the largest file)\n`);
      options.jobs = Math.min(jobs, cap);
    }
  }
  try {
    return await analyzeTraces(sources, options);
  } finally {
    progress.clear();
  }
}

/** One stderr line; file names and reasons may echo trace bytes, so controls are shown as escapes. */
export function formatIssue(issue: TraceIssue): string {
  const label = issue.severity === 'error' ? '' : `${issue.severity}: `;
  return inertText(`${issueLocation(issue)}: ${label}${issue.reason}`);
}

/** Lists issues on stderr, the first STDERR_ISSUE_LIMIT of them. */
export function printIssues(context: CommandContext, digest: TraceDigest): void {
  if (digest.issueTotal === 0) return;
  const style = styleFor(context.io.stderr, context.io);
  const lines = digest.issues.slice(0, STDERR_ISSUE_LIMIT).map((issue) => {
    const text = formatIssue(issue);
    return issue.severity === 'warning' ? style.yellow(text) : style.red(text);
  });
  const more = digest.issueTotal - Math.min(digest.issues.length, STDERR_ISSUE_LIMIT);
  if (more > 0) lines.push(style.dim(`...and ${more} more`));
  context.io.stderr.write(`${lines.join('\n')}\n`);
}

/** The `inputs` and `issues` members every trace command's JSON output carries. */
export function inputJson(digest: TraceDigest): { inputs: object; issues: object } {
  const totals = digest.files.reduce(
    (sum, file) => ({ lines: sum.lines + file.lines, events: sum.events + file.events, invalid: sum.invalid + file.invalid, skipped: sum.skipped + file.skipped, warnings: sum.warnings + file.warnings }),
    { lines: 0, events: 0, invalid: 0, skipped: 0, warnings: 0 },
  );
  return {
    inputs: { files: digest.files, ...totals },
    issues: { total: digest.issueTotal, listed: digest.issues.map(({ file, line, offset, severity, reason }) => ({ file, line, offset, severity, reason })) },
  };
}

/** 2 when a file could not be read at all, 1 when lines were invalid, else 0. */
export function inputExitCode(digest: TraceDigest): number {
  if (digest.fatalFiles.length > 0) return EXIT_USAGE;
  return digest.invalidLines > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/** Combines exit codes: the most severe wins. */
export function worstExit(...codes: number[]): number {
  return Math.max(...codes);
}
