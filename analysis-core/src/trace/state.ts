/**
 * Partial states: what reading some traces counted, as a versioned file that
 * merges with others without the traces. Months of CI runs become one state
 * that each new run is merged into, and a policy or summary comes from the
 * state without reading old traces again.
 *
 * The file is JSON Lines (`planewise.state`, version 1.x): a header, then one
 * self-contained record per line, each a count that adds up under merge, in
 * a canonical order (records of a kind sorted by their names), so equal
 * states are equal bytes. Merging is associative and commutative: counts add,
 * latency sketches add bucket by bucket (the merged quantiles are the ones a
 * single read would give, within the sketch's 1% relative accuracy), and the
 * listed issues are the first `issueCap` by (file, line) of all of them.
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
import { ALL_ANALYSES, type DigestAnalyses, type FileReport, TraceDigest } from './digest';
import type { TraceIssue } from './lineParser';
import type { TraceSource } from './inputs';
import type { SketchState } from './sketch';

export const STATE_SCHEMA = 'planewise.state';
export const STATE_VERSION = '1.0';
const STATE_MAJOR = 1;
/** How much of a trace's start and end its identity hashes. */
const IDENTITY_SPAN_BYTES = 64 * 1024;
/** Policy records gathered into one part before it is merged (a part's names are a map while it fills). */
const ACCESSES_PER_PART = 1 << 16;

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

/** The state as the lines of its file, in canonical order. Throws PrincipalLimitError for a policy past its limit. */
export function* stateLines(state: TraceState): Generator<string> {
  const { digest } = state;
  const summary = digest.summary.state();
  const observed = digest.policy.observed;
  const line = (record: object) => `${JSON.stringify(record)}\n`;
  yield line({ kind: 'header', schema: STATE_SCHEMA, version: STATE_VERSION, producer: { name: 'planewise' }, issueCap: digest.issueCap });
  for (const leaf of [...state.leaves].sort(byText)) yield line({ kind: 'leaf', id: leaf });
  const inputs = [...state.inputs].sort((a, b) => byText(a.name, b.name) || byText(a.identity?.head ?? '', b.identity?.head ?? ''));
  for (const input of inputs) yield line({ kind: 'input', ...input });
  yield line({ kind: 'issues', total: digest.issueTotal });
  for (const issue of sortedIssues(digest.issues).slice(0, digest.issueCap)) yield line({ kind: 'issue', ...issue });
  yield line({ kind: 'window', start: finite(summary.start), end: finite(summary.end), spans: summary.spans, decisions: summary.decisions });
  for (const [service, tally] of [...summary.services].sort((a, b) => byText(a[0], b[0]))) yield line({ kind: 'service', service, ...tally });
  for (const [service, operations] of [...summary.operations].sort((a, b) => byText(a[0], b[0]))) {
    for (const [operation, { errors, latency }] of [...operations].sort((a, b) => byText(a[0], b[0]))) {
      yield line({ kind: 'operation', service, operation, errors, latency: { ...latency, min: finite(latency.min), max: finite(latency.max) } });
    }
  }
  for (const [principal, actions] of [...summary.decisionsByAction].sort((a, b) => byText(a[0], b[0]))) {
    for (const [action, tally] of [...actions].sort((a, b) => byText(a[0], b[0]))) yield line({ kind: 'decisions', principal, action, ...tallyFields(tally) });
  }
  for (const principal of [...observed.keys()].sort(byText)) {
    const actions = observed.get(principal)!;
    for (const action of [...actions.keys()].sort(byText)) {
      const resources = actions.get(action)!;
      for (const resource of [...resources.keys()].sort(byText)) yield line({ kind: 'access', principal, action, resource, ...tallyFields(resources.get(resource)!) });
    }
  }
}

const tallyFields = (tally: AccessTally) => ({ allow: tally.allow, explicitDeny: tally.explicitDeny, implicitDeny: tally.implicitDeny });

function sortedIssues(issues: TraceIssue[]): TraceIssue[] {
  return [...issues].sort((a, b) => byText(a.file, b.file) || a.line - b.line || a.offset - b.offset || byText(a.reason, b.reason));
}

// ---- Reading ---------------------------------------------------------------

type JsonRecord = Record<string, unknown>;

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isText = (value: unknown): value is string => typeof value === 'string';
const orInfinity = (value: unknown, infinity: number) => (value === null ? infinity : (value as number));

/** Why `record` is not a valid record of its kind, or undefined when it is. */
function problemWith(record: JsonRecord): string | undefined {
  const counts = (...names: string[]) => names.find((name) => !isCount(record[name]));
  const texts = (...names: string[]) => names.find((name) => !isText(record[name]));
  const missing = (kind: string, name: string | undefined) => (name === undefined ? undefined : `${kind} record: ${name} is missing or not a whole number/text`);
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
    case 'decisions':
      return missing('decisions', texts('principal', 'action') ?? counts('allow', 'explicitDeny', 'implicitDeny'));
    case 'access':
      return missing('access', texts('principal', 'action', 'resource') ?? counts('allow', 'explicitDeny', 'implicitDeny'));
    default:
      return `unknown record kind ${JSON.stringify(record.kind)}`;
  }
}

/**
 * Reads a state file. A malformed line is a `file:line: reason` issue of the
 * result and every valid line is still used; a file that is not a state, or
 * of a newer major version, throws StateFileError.
 */
export async function readStateFile(file: string, name: string, analyses: DigestAnalyses = ALL_ANALYSES): Promise<TraceState> {
  const lines = createInterface({ input: fs.createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  let offset = 0;
  let digest: TraceDigest | undefined;
  const leaves = new Set<string>();
  const inputs: StateInput[] = [];
  const issues: TraceIssue[] = [];
  const problems: TraceIssue[] = [];
  let issueTotal = 0;
  const summary: SummaryState = { start: Number.POSITIVE_INFINITY, end: Number.NEGATIVE_INFINITY, spans: 0, decisions: 0, services: [], operations: [], decisionsByAction: [] };
  const operations = new Map<string, [string, { errors: number; latency: SketchState }][]>();
  const decisions = new Map<string, [string, AccessTally][]>();
  let part = newPart();
  const flush = () => {
    if (part.count === 0) return;
    digest!.policy.mergeState([{ names: part.names, accesses: part.accesses.slice(0, 3 * part.count), tallies: part.tallies.slice(0, 3 * part.count) }]);
    part = newPart();
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
      const major = Number(record.version.split('.')[0]);
      if (major !== STATE_MAJOR) throw new StateFileError(`${name} is a version ${record.version} state; this planewise reads version ${STATE_MAJOR}.x`);
      digest = new TraceDigest(isCount(record.issueCap) ? record.issueCap : undefined, analyses);
      continue;
    }
    const problem = problemWith(record);
    if (problem !== undefined) {
      problems.push({ file: name, line: lineNumber, offset: at, severity: 'error', reason: problem });
      continue;
    }
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
      case 'decisions':
        pushTo(decisions, record.principal as string, [record.action as string, tallyOf(record)]);
        break;
      case 'access':
        addAccess(part, record);
        if (part.count === ACCESSES_PER_PART) flush();
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

interface FillingPart {
  names: string[];
  indexes: Map<string, number>;
  accesses: Uint32Array;
  tallies: Float64Array;
  count: number;
}

function newPart(): FillingPart {
  return { names: [], indexes: new Map(), accesses: new Uint32Array(3 * ACCESSES_PER_PART), tallies: new Float64Array(3 * ACCESSES_PER_PART), count: 0 };
}

function addAccess(part: FillingPart, record: JsonRecord): void {
  const nameIndex = (name: string) => {
    let index = part.indexes.get(name);
    if (index === undefined) {
      part.indexes.set(name, (index = part.names.length));
      part.names.push(name);
    }
    return index;
  };
  const at = 3 * part.count;
  part.accesses[at] = nameIndex(record.principal as string);
  part.accesses[at + 1] = nameIndex(record.action as string);
  part.accesses[at + 2] = nameIndex(record.resource as string);
  part.tallies[at] = record.allow as number;
  part.tallies[at + 1] = record.explicitDeny as number;
  part.tallies[at + 2] = record.implicitDeny as number;
  part.count += 1;
}
