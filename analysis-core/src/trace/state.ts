/**
 * Partial states: what reading some traces counted, as a versioned file that
 * merges with others without the traces. Months of CI runs become one state
 * that each new run is merged into, and a policy or summary comes from the
 * state without reading old traces again.
 *
 * The file is JSON Lines (`planewise.state`, version 2.x): a header, then one
 * record per line, each a count that adds up under merge, in a canonical
 * order (records of a kind sorted by their names), so equal states are equal
 * bytes. Merging is associative and commutative: counts add, latency sketches
 * add bucket by bucket (the merged quantiles are the ones a single read would
 * give, within the sketch's 1% relative accuracy), and the listed issues are
 * the first `issueCap` by (file, line) of all of them.
 *
 * A state holds only the analyses its command reads (the header lists them):
 * a summary's state carries no per-resource tallies, which are most of a
 * policy's. The tallies are dense: every principal, action and resource name
 * once, in `names` records, and the tallies as rows of name indexes and
 * counts. Version 1.0 files (every analysis, one name-keyed record per
 * tally) are still read.
 *
 * A state records what it counted: the ids of the reads it came from
 * ("leaves", one per read of traces) and each trace's identity (size, and
 * SHA-256 of its first and last 64 KiB). Merging a state whose every read or
 * every trace is already in the other is a no-op reported to the caller, and
 * a partial overlap is an error: counts cannot be subtracted, so nothing is
 * ever counted twice.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createInterface } from 'node:readline';
import type { AccessTally } from './analyses/tally';
import type { SummaryState } from './analyses/summarize';
import { type DigestAnalyses, type FileReport, TraceDigest } from './digest';
import type { PolicyPart, PrincipalScope } from './analyses/policy';
import type { TraceIssue } from './lineParser';
import type { TraceSource } from './inputs';
import type { SketchState } from './sketch';

export const STATE_SCHEMA = 'planewise.state';
export const STATE_VERSION = '2.0';
/** The major versions this planewise reads: 1 (every analysis, a record per tally) and 2 (the analyses listed, dense tallies). */
const LEGACY_MAJOR = 1;
const STATE_MAJOR = 2;
/** How much of a trace's start and end its identity hashes. */
const IDENTITY_SPAN_BYTES = 64 * 1024;
/** Policy rows gathered into one part before it is merged (a version 1 part names its rows in a map while it fills). */
const ACCESSES_PER_PART = 1 << 16;
/** Names per `names` record, and rows per `decisions` or `access` record: lines stay short enough for any JSON Lines tool. */
const NAMES_PER_LINE = 4096;
const ROWS_PER_LINE = 4096;
/** Name indexes are held as Uint32s. */
const MAX_NAMES = 2 ** 32 - 1;

/** The analyses a state can hold, by the names its header lists them under (in this order). */
export type StateAnalysis = 'policy' | 'summary';
const STATE_ANALYSES: readonly StateAnalysis[] = ['policy', 'summary'];
/** The command whose --emit-state writes each analysis alone (report writes both). */
const WRITTEN_BY: Record<StateAnalysis, string> = { policy: 'policy', summary: 'summarize' };

/** The analyses a digest of `analyses` holds, in header order. */
export function heldAnalyses(analyses: DigestAnalyses): StateAnalysis[] {
  return STATE_ANALYSES.filter((analysis) => analyses[analysis]);
}

/** A list of analyses for a message: "policy and summary", or "no analysis". */
export function analysesText(analyses: readonly StateAnalysis[]): string {
  return analyses.length === 0 ? 'no analysis' : analyses.join(' and ');
}

/** Which trace a count came from, by content: a copied or renamed file is the same trace. */
export interface InputIdentity {
  size: number;
  mtimeMs: number;
  /** SHA-256 (hex) of the first and of the last 64 KiB. */
  head: string;
  tail: string;
}

export interface StateInput extends FileReport {
  /** Undefined for stdin and pipes: they are known by the read (leaf) they came in. */
  identity?: InputIdentity;
}

/** A digest, with what it counted. */
export interface TraceState {
  digest: TraceDigest;
  /** Ids of the reads of traces this state holds. */
  leaves: Set<string>;
  inputs: StateInput[];
}

/** The state file cannot be used at all (not a state, a newer major version). */
export class StateFileError extends Error {}

/** Two states share some of what they counted, but not all: merging would count it twice. */
export class StateOverlapError extends Error {}

/** The state lacks an analysis its reader needs: answering from it would count nothing where the traces counted something. */
export class MissingAnalysisError extends StateFileError {
  constructor(name: string, held: StateAnalysis[], missing: StateAnalysis[]) {
    const writer = missing.length === 1 ? `\`planewise ${WRITTEN_BY[missing[0]!]} ... --emit-state\` (or report, which writes both)` : '`planewise report ... --emit-state`';
    super(`${name} holds ${analysesText(held)}, not ${analysesText(missing)}: ${writer} writes a state with ${missing.length === 1 ? 'it' : 'them'}`);
  }
}

const identityKey = (identity: InputIdentity) => `${identity.size}:${identity.head}:${identity.tail}`;
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function inputIdentity(file: string): Promise<InputIdentity> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const stat = await handle.stat();
    const span = Math.min(IDENTITY_SPAN_BYTES, stat.size);
    const hash = async (position: number) => {
      const buffer = Buffer.alloc(span);
      const { bytesRead } = await handle.read(buffer, 0, span, position);
      return crypto.createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex');
    };
    return { size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs), head: await hash(0), tail: await hash(stat.size - span) };
  } finally {
    await handle.close();
  }
}

/** The identities of the file sources, by name (streams have none). */
export async function sourceIdentities(sources: TraceSource[]): Promise<Map<string, InputIdentity>> {
  const identities = new Map<string, InputIdentity>();
  for (const source of sources) if (source.kind === 'file') identities.set(source.name, await inputIdentity(source.path));
  return identities;
}

/** A fresh read of traces as a state of its own: one new leaf. */
export function leafState(digest: TraceDigest, identities: Map<string, InputIdentity>): TraceState {
  const inputs = digest.files.map((file): StateInput => {
    const identity = identities.get(file.name);
    return identity === undefined ? { ...file } : { ...file, identity };
  });
  return { digest, leaves: new Set([crypto.randomUUID()]), inputs };
}

/** The identities of the traces `state` counted (stdin and pipes have none). */
function countedIdentities(state: TraceState): Set<string> {
  return new Set(state.inputs.flatMap((input) => (input.identity !== undefined ? [identityKey(input.identity)] : [])));
}

/** Whether `identity` is among what `state` counted. */
export function hasCounted(state: TraceState, identity: InputIdentity): boolean {
  return countedIdentities(state).has(identityKey(identity));
}

/** Whether everything `part` counted is counted in `whole`: all its reads, or all its traces by identity. */
function countsAllOf(whole: TraceState, part: TraceState): boolean {
  if ([...part.leaves].every((leaf) => whole.leaves.has(leaf))) return true;
  const known = countedIdentities(whole);
  return part.inputs.length > 0 && part.inputs.every((input) => input.identity !== undefined && known.has(identityKey(input.identity)));
}

/** What two states share: a read or a trace, named for an error message; undefined when nothing. */
function sharedCount(a: TraceState, b: TraceState): string | undefined {
  const leaf = [...b.leaves].find((id) => a.leaves.has(id));
  if (leaf !== undefined) return `the read ${leaf}`;
  const known = countedIdentities(a);
  return b.inputs.find((input) => input.identity !== undefined && known.has(identityKey(input.identity)))?.name;
}

/**
 * The two states merged (reusing `first`, which is changed). When one counts
 * everything the other does, it is the result and the other is `redundant`:
 * counting it again would count twice. Throws StateOverlapError when they
 * share only part of what they counted.
 */
export function mergeStates(first: TraceState, second: TraceState): { merged: TraceState; redundant?: TraceState } {
  // Callers read every state for the same analyses; an analysis merged among only some states would give counts no read gives.
  const [held, other] = [heldAnalyses(first.digest.analyses), heldAnalyses(second.digest.analyses)];
  if (held.join() !== other.join()) throw new Error(`states of different analyses cannot merge: ${analysesText(held)}, ${analysesText(other)}`);
  if (countsAllOf(first, second)) return { merged: first, redundant: second };
  if (countsAllOf(second, first)) return { merged: second, redundant: first };
  const shared = sharedCount(first, second);
  if (shared !== undefined) throw new StateOverlapError(`${shared} is counted in two states that each count something the other does not: merge the states they came from instead`);
  first.digest.merge(second.digest);
  for (const leaf of second.leaves) first.leaves.add(leaf);
  first.inputs.push(...second.inputs);
  return { merged: first };
}

// ---- Writing ---------------------------------------------------------------

const finite = (value: number) => (Number.isFinite(value) ? value : null);
const sortedEntries = <V>(entries: Iterable<[string, V]>) => [...entries].sort((a, b) => byText(a[0], b[0]));

/** The state as the lines of its file, in canonical order. Throws PrincipalLimitError for a policy past its limit. */
export function* stateLines(state: TraceState): Generator<string> {
  const { digest } = state;
  const analyses = heldAnalyses(digest.analyses);
  const summary = digest.analyses.summary ? digest.summary.state() : undefined;
  const policy = digest.analyses.policy ? digest.policy.sortedPart() : undefined;
  const line = (record: object) => `${JSON.stringify(record)}\n`;
  yield line({ kind: 'header', schema: STATE_SCHEMA, version: STATE_VERSION, producer: { name: 'planewise' }, issueCap: digest.issueCap, analyses });
  for (const leaf of [...state.leaves].sort(byText)) yield line({ kind: 'leaf', id: leaf });
  const inputs = [...state.inputs].sort((a, b) => byText(a.name, b.name) || byText(a.identity?.head ?? '', b.identity?.head ?? ''));
  for (const input of inputs) yield line({ kind: 'input', ...input });
  yield line({ kind: 'issues', total: digest.issueTotal });
  for (const issue of sortedIssues(digest.issues).slice(0, digest.issueCap)) yield line({ kind: 'issue', ...issue });
  if (summary !== undefined) {
    yield line({ kind: 'window', start: finite(summary.start), end: finite(summary.end), spans: summary.spans, decisions: summary.decisions });
    for (const [service, tally] of sortedEntries(summary.services)) yield line({ kind: 'service', service, ...tally });
    for (const [service, operations] of sortedEntries(summary.operations)) {
      for (const [operation, { errors, latency }] of sortedEntries(operations)) {
        yield line({ kind: 'operation', service, operation, errors, latency: { ...latency, min: finite(latency.min), max: finite(latency.max) } });
      }
    }
  }
  // Every name once, sorted, so a row of indexes sorts as its names do.
  const names = new Set(policy?.names);
  for (const [principal, actions] of summary?.decisionsByAction ?? []) {
    names.add(principal);
    for (const [action] of actions) names.add(action);
  }
  const sortedNames = [...names].sort(byText);
  const indexOf = new Map(sortedNames.map((name, index) => [name, index]));
  for (let first = 0; first < sortedNames.length; first += NAMES_PER_LINE) yield line({ kind: 'names', first, names: sortedNames.slice(first, first + NAMES_PER_LINE) });
  for (const [principal, actions] of sortedEntries(summary?.decisionsByAction ?? [])) {
    const rows = sortedEntries(actions).map(([action, tally]) => [indexOf.get(action)!, tally.allow, tally.explicitDeny, tally.implicitDeny]);
    yield* rowLines(line, { kind: 'decisions', principal: indexOf.get(principal)! }, rows);
  }
  if (policy !== undefined) yield* accessLines(line, policy, indexOf);
}

/** The policy's tallies, sorted already, as `access` records: a principal's action's resources in order. */
function* accessLines(line: (record: object) => string, policy: PolicyPart, indexOf: Map<string, number>): Generator<string> {
  // Sorted names into sorted names: the rows stay in order.
  const index = policy.names.map((name) => indexOf.get(name)!);
  const { accesses, tallies } = policy;
  for (let start = 0; start < accesses.length; ) {
    const [principal, action] = [accesses[start]!, accesses[start + 1]!];
    const rows: number[][] = [];
    let at = start;
    for (; at < accesses.length && accesses[at] === principal && accesses[at + 1] === action; at += 3) rows.push([index[accesses[at + 2]!]!, tallies[at]!, tallies[at + 1]!, tallies[at + 2]!]);
    yield* rowLines(line, { kind: 'access', principal: index[principal]!, action: index[action]! }, rows);
    start = at;
  }
}

/** `rows` as records of `fields`, at most ROWS_PER_LINE rows each. */
function* rowLines(line: (record: object) => string, fields: object, rows: number[][]): Generator<string> {
  for (let first = 0; first < rows.length; first += ROWS_PER_LINE) yield line({ ...fields, rows: rows.slice(first, first + ROWS_PER_LINE) });
}

function sortedIssues(issues: TraceIssue[]): TraceIssue[] {
  return [...issues].sort((a, b) => byText(a.file, b.file) || a.line - b.line || a.offset - b.offset || byText(a.reason, b.reason));
}

// ---- Reading ---------------------------------------------------------------

type JsonRecord = Record<string, unknown>;

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isText = (value: unknown): value is string => typeof value === 'string';
const orInfinity = (value: unknown, infinity: number) => (value === null ? infinity : (value as number));

/** The analysis each record kind belongs to; the others (leaf, input, issues, issue, names) belong to every state. */
const ANALYSIS_OF: Partial<Record<string, StateAnalysis>> = { window: 'summary', service: 'summary', operation: 'summary', decisions: 'summary', access: 'policy' };

/** Why `record` is not a valid record of its kind in a state of `major` version, or undefined when it is. */
function problemWith(record: JsonRecord, major: number): string | undefined {
  const counts = (...names: string[]) => names.find((name) => !isCount(record[name]));
  const texts = (...names: string[]) => names.find((name) => !isText(record[name]));
  const missing = (kind: string, name: string | undefined) => (name === undefined ? undefined : `${kind} record: ${name} is missing or not a whole number/text`);
  const rows = (kind: string) => (Array.isArray(record.rows) && record.rows.length > 0 && record.rows.every((row) => Array.isArray(row) && row.length === 4 && row.every(isCount)) ? undefined : `${kind} record: rows must be a non-empty list of [name index, allow, explicitDeny, implicitDeny] whole numbers`);
  switch (record.kind) {
    case 'leaf':
      return missing('leaf', texts('id'));
    case 'input': {
      const identity = record.identity as JsonRecord | undefined;
      if (identity !== undefined && (identity === null || typeof identity !== 'object' || !isCount(identity.size) || !isText(identity.head) || !isText(identity.tail))) return 'input record: identity is malformed';
      return missing('input', texts('name') ?? counts('lines', 'events', 'invalid', 'skipped', 'warnings'));
    }
    case 'issues':
      return missing('issues', counts('total'));
    case 'issue':
      return missing('issue', texts('file', 'reason') ?? counts('line', 'offset')) ?? (['error', 'warning', 'fatal'].includes(record.severity as string) ? undefined : 'issue record: severity must be error, warning or fatal');
    case 'window':
      return missing('window', counts('spans', 'decisions')) ?? ([record.start, record.end].every((value) => value === null || typeof value === 'number') ? undefined : 'window record: start and end must be numbers or null');
    case 'service':
      return missing('service', texts('service') ?? counts('spans', 'errors', 'decisions'));
    case 'operation': {
      const latency = record.latency as JsonRecord | undefined;
      if (latency === null || typeof latency !== 'object' || !Array.isArray(latency.counts) || !latency.counts.every(isCount) || !Number.isInteger(latency.offset) || !isCount(latency.zeros) || !isCount(latency.count)) return 'operation record: latency is malformed';
      return missing('operation', texts('service', 'operation') ?? counts('errors'));
    }
  }
  if (major === LEGACY_MAJOR) {
    switch (record.kind) {
      case 'decisions':
        return missing('decisions', texts('principal', 'action') ?? counts('allow', 'explicitDeny', 'implicitDeny'));
      case 'access':
        return missing('access', texts('principal', 'action', 'resource') ?? counts('allow', 'explicitDeny', 'implicitDeny'));
    }
  } else {
    switch (record.kind) {
      case 'names':
        if (!isCount(record.first) || !Array.isArray(record.names) || !record.names.every(isText)) return 'names record: first must be a whole number and names a list of text';
        return record.first + record.names.length > MAX_NAMES ? `names record: more than ${MAX_NAMES} names` : undefined;
      case 'decisions':
        return missing('decisions', counts('principal')) ?? rows('decisions');
      case 'access':
        return missing('access', counts('principal', 'action')) ?? rows('access');
    }
  }
  return `unknown record kind ${JSON.stringify(record.kind)}`;
}

/** What a reader of a state wants from it. */
export interface StateReadOptions {
  /** The analyses to read (any others the state holds are skipped); every one it holds when undefined. A state without one is a MissingAnalysisError. */
  needs?: readonly StateAnalysis[];
  /** Which principals the policy keeps, and how many at most. */
  principals?: PrincipalScope;
}

/** The analyses a header says its state holds; throws StateFileError for a header that does not say. */
function headerAnalyses(header: JsonRecord, major: number, name: string): StateAnalysis[] {
  // Version 1 states hold every analysis.
  if (major === LEGACY_MAJOR) return [...STATE_ANALYSES];
  const listed = header.analyses;
  if (!Array.isArray(listed) || !listed.every((analysis) => STATE_ANALYSES.includes(analysis as StateAnalysis))) {
    throw new StateFileError(`${name}:1: the header's analyses must be a list of ${STATE_ANALYSES.join(' and ')}`);
  }
  return STATE_ANALYSES.filter((analysis) => listed.includes(analysis));
}

/**
 * Reads a state file. A malformed line is a `file:line: reason` issue of the
 * result and every valid line is still used; a file that is not a state, of
 * a newer major version, or without an analysis `options.needs`, throws
 * StateFileError.
 */
export async function readStateFile(file: string, name: string, options: StateReadOptions = {}): Promise<TraceState> {
  const lines = createInterface({ input: fs.createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  let offset = 0;
  let digest: TraceDigest | undefined;
  let major = STATE_MAJOR;
  let held: StateAnalysis[] = [];
  let wanted: StateAnalysis[] = [];
  const leaves = new Set<string>();
  const inputs: StateInput[] = [];
  const issues: TraceIssue[] = [];
  const problems: TraceIssue[] = [];
  let issueTotal = 0;
  const summary: SummaryState = { start: Number.POSITIVE_INFINITY, end: Number.NEGATIVE_INFINITY, spans: 0, decisions: 0, services: [], operations: [], decisionsByAction: [] };
  const operations = new Map<string, [string, { errors: number; latency: SketchState }][]>();
  const decisions = new Map<string, [string, AccessTally][]>();
  // Version 2 rows index the file's names; a version 1 part names its accesses itself.
  const names: string[] = [];
  let part = newPart(names);
  const flush = () => {
    if (part.count === 0) return;
    digest!.policy.mergeState([{ names: part.names, accesses: part.accesses.slice(0, 3 * part.count), tallies: part.tallies.slice(0, 3 * part.count) }]);
    part = newPart(major === LEGACY_MAJOR ? [] : names);
  };
  for await (const text of lines) {
    lineNumber += 1;
    const at = offset;
    offset += Buffer.byteLength(text) + 1;
    if (text.trim() === '') continue;
    let record: JsonRecord;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      record = parsed as JsonRecord;
    } catch (error) {
      if (digest === undefined) throw new StateFileError(`${name} is not a planewise state file (line 1 is not JSON)`);
      problems.push({ file: name, line: lineNumber, offset: at, severity: 'error', reason: `not JSON: ${(error as Error).message}` });
      continue;
    }
    if (digest === undefined) {
      if (record.kind !== 'header' || record.schema !== STATE_SCHEMA || typeof record.version !== 'string') throw new StateFileError(`${name} is not a planewise state file (line 1 is not a "${STATE_SCHEMA}" header)`);
      major = Number(record.version.split('.')[0]);
      if (major !== STATE_MAJOR && major !== LEGACY_MAJOR) throw new StateFileError(`${name} is a version ${record.version} state; this planewise reads versions ${LEGACY_MAJOR}.x and ${STATE_MAJOR}.x`);
      held = headerAnalyses(record, major, name);
      wanted = options.needs === undefined ? held : STATE_ANALYSES.filter((analysis) => options.needs!.includes(analysis));
      const lacking = wanted.filter((analysis) => !held.includes(analysis));
      if (lacking.length > 0) throw new MissingAnalysisError(name, held, lacking);
      if (major === LEGACY_MAJOR) part = newPart([]);
      const analyses: DigestAnalyses = { summary: wanted.includes('summary'), policy: wanted.includes('policy'), ...(options.principals !== undefined ? { principals: options.principals } : {}) };
      digest = new TraceDigest(isCount(record.issueCap) ? record.issueCap : undefined, analyses);
      continue;
    }
    const analysis = ANALYSIS_OF[record.kind as string];
    const problem = problemWith(record, major) ?? (analysis !== undefined && !held.includes(analysis) ? `${record.kind as string} record: the header does not list ${analysis}` : undefined) ?? unknownNames(record, major, names);
    if (problem !== undefined) {
      problems.push({ file: name, line: lineNumber, offset: at, severity: 'error', reason: problem });
      continue;
    }
    if (analysis !== undefined && !wanted.includes(analysis)) continue;
    switch (record.kind) {
      case 'leaf':
        leaves.add(record.id as string);
        break;
      case 'input': {
        const { kind: _kind, ...input } = record;
        inputs.push(input as unknown as StateInput);
        break;
      }
      case 'issues':
        issueTotal += record.total as number;
        break;
      case 'issue': {
        const { kind: _kind, ...issue } = record;
        issues.push(issue as unknown as TraceIssue);
        break;
      }
      case 'window':
        summary.start = Math.min(summary.start, orInfinity(record.start, Number.POSITIVE_INFINITY));
        summary.end = Math.max(summary.end, orInfinity(record.end, Number.NEGATIVE_INFINITY));
        summary.spans += record.spans as number;
        summary.decisions += record.decisions as number;
        break;
      case 'service':
        summary.services.push([record.service as string, { spans: record.spans as number, errors: record.errors as number, decisions: record.decisions as number }]);
        break;
      case 'operation': {
        const latency = record.latency as JsonRecord;
        const sketch: SketchState = {
          counts: latency.counts as number[],
          offset: latency.offset as number,
          zeros: latency.zeros as number,
          count: latency.count as number,
          min: orInfinity(latency.min, Number.POSITIVE_INFINITY),
          max: orInfinity(latency.max, Number.NEGATIVE_INFINITY),
        };
        pushTo(operations, record.service as string, [record.operation as string, { errors: record.errors as number, latency: sketch }]);
        break;
      }
      case 'names':
        (record.names as string[]).forEach((text, index) => (names[(record.first as number) + index] = text));
        break;
      case 'decisions':
        if (major === LEGACY_MAJOR) pushTo(decisions, record.principal as string, [record.action as string, tallyOf(record)]);
        else for (const [action, allow, explicitDeny, implicitDeny] of record.rows as number[][]) pushTo(decisions, names[record.principal as number]!, [names[action!]!, { allow: allow!, explicitDeny: explicitDeny!, implicitDeny: implicitDeny! }]);
        break;
      case 'access':
        if (major === LEGACY_MAJOR) {
          addAccess(part, legacyIndex(part, record.principal as string), legacyIndex(part, record.action as string), legacyIndex(part, record.resource as string), [record.allow as number, record.explicitDeny as number, record.implicitDeny as number]);
          if (part.count === ACCESSES_PER_PART) flush();
        } else {
          for (const [resource, ...tally] of record.rows as number[][]) {
            addAccess(part, record.principal as number, record.action as number, resource!, tally);
            if (part.count === ACCESSES_PER_PART) flush();
          }
        }
        break;
    }
  }
  if (digest === undefined) throw new StateFileError(`${name} is empty: not a planewise state file`);
  flush();
  summary.operations = [...operations];
  summary.decisionsByAction = [...decisions];
  digest.summary.mergeState(summary);
  for (const input of inputs) digest.addFile(stripIdentity(input));
  digest.addIssues(sortedIssues(issues), issueTotal);
  if (problems.length > 0) {
    // The state file's own bad lines: reported like a trace's, and they make the exit code 1.
    digest.addFile({ name, lines: lineNumber, events: 0, invalid: problems.length, skipped: 0, warnings: 0 });
    digest.addIssues(problems, problems.length);
  }
  return { digest, leaves, inputs };
}

/**
 * For a version 2 record: why it names what no `names` record before it
 * gave (a name line lost or out of place), or undefined. A row is never
 * counted under a name it may not have.
 */
function unknownNames(record: JsonRecord, major: number, names: string[]): string | undefined {
  if (major === LEGACY_MAJOR) return undefined;
  const known = (index: unknown) => names[index as number] !== undefined;
  switch (record.kind) {
    case 'names': {
      const first = record.first as number;
      return (record.names as string[]).some((_, index) => known(first + index)) ? `names record: a name at ${first} or after is given twice` : undefined;
    }
    case 'decisions':
    case 'access': {
      const fields = record.kind === 'access' ? [record.principal, record.action] : [record.principal];
      const unknown = [...fields, ...(record.rows as number[][]).map((row) => row[0])].find((index) => !known(index));
      return unknown === undefined ? undefined : `${record.kind} record: name ${unknown as number} is not in a names record before it`;
    }
    default:
      return undefined;
  }
}

function stripIdentity(input: StateInput): FileReport {
  const { identity: _identity, ...report } = input;
  return report;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

const tallyOf = (record: JsonRecord): AccessTally => ({ allow: record.allow as number, explicitDeny: record.explicitDeny as number, implicitDeny: record.implicitDeny as number });

/** Policy rows gathered for one part: indexes into `names`, and their counts. */
interface FillingPart {
  names: string[];
  /** A version 1 part's own names, by name (version 2 parts share the file's names). */
  indexes: Map<string, number>;
  accesses: Uint32Array;
  tallies: Float64Array;
  count: number;
}

function newPart(names: string[]): FillingPart {
  return { names, indexes: new Map(), accesses: new Uint32Array(3 * ACCESSES_PER_PART), tallies: new Float64Array(3 * ACCESSES_PER_PART), count: 0 };
}

function legacyIndex(part: FillingPart, name: string): number {
  let index = part.indexes.get(name);
  if (index === undefined) {
    part.indexes.set(name, (index = part.names.length));
    part.names.push(name);
  }
  return index;
}

function addAccess(part: FillingPart, principal: number, action: number, resource: number, [allow, explicitDeny, implicitDeny]: number[]): void {
  const at = 3 * part.count;
  part.accesses[at] = principal;
  part.accesses[at + 1] = action;
  part.accesses[at + 2] = resource;
  part.tallies[at] = allow!;
  part.tallies[at + 1] = explicitDeny!;
  part.tallies[at + 2] = implicitDeny!;
  part.count += 1;
}
