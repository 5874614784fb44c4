import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { analyzeTraces } from './analyze';
import { ALL_ANALYSES, type DigestAnalyses } from './digest';
import { resolveTraceInputs } from './inputs';
import type { TraceEvent } from './schema';
import { MissingAnalysisError, StateFileError, StateOverlapError, type TraceState, heldAnalyses, leafState, mergeStates, readStateFile, sourceIdentities, stateLines } from './state';
import { eventsArbitrary, shards } from './testing';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-state-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const HEADER = { kind: 'header', schema: 'planewise.trace', version: '1.0', producer: { name: 'test' } };
let fileCount = 0;
/** Each file is a different trace (as real runs are: another run id), even with the same events. */
function writeTrace(events: TraceEvent[], extraLines: string[] = []): string {
  const file = path.join(dir, `t${fileCount++}.trace.jsonl`);
  const header = { ...HEADER, runId: `run-${fileCount}` };
  fs.writeFileSync(file, `${[JSON.stringify(header), ...events.map((event) => JSON.stringify(event)), ...extraLines].join('\n')}\n`);
  return file;
}

/** What summarize, policy (and drift) and report read. */
const ANALYSIS_SETS: DigestAnalyses[] = [
  { summary: true, policy: false },
  { summary: false, policy: true },
  ALL_ANALYSES,
];

async function readLeaf(files: string[], analyses: DigestAnalyses = ALL_ANALYSES): Promise<TraceState> {
  const sources = await resolveTraceInputs(files, dir);
  return leafState(await analyzeTraces(sources, { analyses }), await sourceIdentities(sources));
}

/** Writes the state and reads it back, as a later run would. */
async function roundTrip(state: TraceState): Promise<TraceState> {
  const file = path.join(dir, `s${fileCount++}.state.jsonl`);
  fs.writeFileSync(file, [...stateLines(state)].join(''));
  return await readStateFile(file, path.basename(file));
}

const text = (state: TraceState) => [...stateLines(state)].join('');

async function fromText(bytes: string): Promise<TraceState> {
  const file = path.join(dir, `s${fileCount++}.state.jsonl`);
  fs.writeFileSync(file, bytes);
  return await readStateFile(file, path.basename(file));
}

/** The same results for every analysis `expected` holds, and `actual` holds just those. */
function assertSameResults(actual: TraceState, expected: TraceState): void {
  assert.deepEqual(heldAnalyses(actual.digest.analyses), heldAnalyses(expected.digest.analyses));
  if (expected.digest.analyses.summary) assert.deepEqual(actual.digest.summary.result(), expected.digest.summary.result());
  if (expected.digest.analyses.policy) assert.deepEqual(actual.digest.policy.result({ wildcardThreshold: 1 }), expected.digest.policy.result({ wildcardThreshold: 1 }));
}

test('a state file round-trips exactly: written, read and written again, the bytes are the same', async () => {
  await fc.assert(
    fc.asyncProperty(eventsArbitrary, fc.constantFrom(...ANALYSIS_SETS), async (events, analyses) => {
      const state = await readLeaf([writeTrace(events, ['not json'])], analyses);
      const again = await roundTrip(state);
      assert.equal(text(again), text(state));
      assertSameResults(again, state);
    }),
    { numRuns: 40 },
  );
});

test('property: any split of the traces into states, merged in any order, gives what one read of all gives', async () => {
  await fc.assert(
    fc.asyncProperty(eventsArbitrary, fc.array(fc.nat(), { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom(...ANALYSIS_SETS), async (events, cuts, order, analyses) => {
      const files = shards(events, cuts).map((shard) => writeTrace(shard));
      const whole = await readLeaf(files, analyses);
      const leaves = await Promise.all(files.map(async (file) => text(await readLeaf([file], analyses))));
      // Merging changes the first state, so each order starts from the files again.
      const fresh = async () => await Promise.all(leaves.map(async (bytes) => await roundTrip(await fromText(bytes))));
      // A random merge tree: repeatedly merge two states picked by `order`, writing each result out and back.
      const pending = await fresh();
      let step = 0;
      while (pending.length > 1) {
        const first = pending.splice((order[step] ?? 0) % pending.length, 1)[0]!;
        const second = pending.splice((order[step + 1] ?? 0) % pending.length, 1)[0]!;
        step += 1;
        pending.push(await roundTrip(mergeStates(first, second).merged));
      }
      assertSameResults(pending[0]!, whole);
      assert.equal(pending[0]!.digest.issueTotal, whole.digest.issueTotal);
      // The same leaves in any order are the same bytes.
      const forward = await fresh();
      const backward = (await fresh()).reverse();
      const leftToRight = forward.slice(1).reduce((merged, next) => mergeStates(merged, next).merged, forward[0]!);
      const rightToLeft = backward.slice(1).reduce((merged, next) => mergeStates(merged, next).merged, backward[0]!);
      assert.equal(text(rightToLeft), text(leftToRight));
      assert.equal(text(await roundTrip(pending[0]!)), text(leftToRight));
    }),
    { numRuns: 30 },
  );
});

test('a state merged twice, or one whose traces are all counted already, is counted once', async () => {
  const [first, second] = [writeTrace([{ kind: 'span', ts: 1, service: 's', operation: 'a', traceId: 't', spanId: 's', durationMs: 1, status: 'ok' }]), writeTrace([{ kind: 'span', ts: 2, service: 's', operation: 'b', traceId: 't', spanId: 's', durationMs: 2, status: 'ok' }])];
  const a = await readLeaf([first]);
  const both = mergeStates(await roundTrip(a), await readLeaf([second])).merged;
  const spans = both.digest.summary.result().spans;
  // The same state again: its read is in `both` already.
  const again = mergeStates(both, await roundTrip(a));
  assert.equal(again.merged, both);
  assert.equal(again.merged.digest.summary.result().spans, spans);
  // The same trace read again in another run: known by its identity.
  const reread = await readLeaf([first]);
  assert.notEqual(mergeStates(both, reread).redundant, undefined);
  // Either way round: the state that holds everything is the result.
  const reverse = mergeStates(await readLeaf([first]), await roundTrip(both));
  assert.equal(reverse.merged.digest.summary.result().spans, spans);
});

test('states that share only part of what they counted cannot merge', async () => {
  const files = [0, 1, 2].map((n) => writeTrace([{ kind: 'span', ts: n, service: 's', operation: `op${n}`, traceId: 't', spanId: 's', durationMs: n, status: 'ok' }]));
  const left = await readLeaf([files[0]!, files[1]!]);
  const right = await readLeaf([files[1]!, files[2]!]);
  assert.throws(() => mergeStates(left, right), (error: Error) => error instanceof StateOverlapError && error.message.includes(path.basename(files[1]!)));
});

test('a malformed state line is file:line: reason, and every valid line is still used', async () => {
  const state = await readLeaf([writeTrace([{ kind: 'authz', ts: 1, service: 's', principal: 'p', action: 'a:B', resource: 'r', decision: 'allow' }])]);
  const lines = text(state).trimEnd().split('\n');
  const file = path.join(dir, 'damaged.state.jsonl');
  fs.writeFileSync(file, [...lines.slice(0, 2), '{"kind":"access","principal":"p"}', 'oops', '{"kind":"mystery"}', ...lines.slice(2)].join('\n'));
  const read = await readStateFile(file, 'damaged.state.jsonl');
  assert.deepEqual(
    read.digest.issues.map((issue) => `${issue.file}:${issue.line}: ${issue.reason}`),
    [
      'damaged.state.jsonl:3: access record: principal is missing or not a whole number/text',
      'damaged.state.jsonl:4: not JSON: Unexpected token \'o\', "oops" is not valid JSON',
      'damaged.state.jsonl:5: unknown record kind "mystery"',
    ],
  );
  assert.equal(read.digest.invalidLines, 3);
  assertSameResults(read, state);
});

test('a file that is not a state, or of a newer major version, is an error naming it', async () => {
  const notState = writeTrace([]);
  await assert.rejects(readStateFile(notState, 'run.trace.jsonl'), (error: Error) => error instanceof StateFileError && /run\.trace\.jsonl is not a planewise state file/.test(error.message));
  const newer = path.join(dir, 'newer.state.jsonl');
  fs.writeFileSync(newer, '{"kind":"header","schema":"planewise.state","version":"3.0","analyses":[]}\n');
  await assert.rejects(readStateFile(newer, 'newer.state.jsonl'), /version 3\.0 state; this planewise reads versions 1\.x and 2\.x/);
  const empty = path.join(dir, 'empty.state.jsonl');
  fs.writeFileSync(empty, '');
  await assert.rejects(readStateFile(empty, 'empty.state.jsonl'), StateFileError);
});

test('an empty read keeps its empty window and sketches through a round trip', async () => {
  const state = await readLeaf([writeTrace([])]);
  const again = await roundTrip(state);
  assert.equal(again.digest.summary.result().window, null);
  assert.equal(text(again), text(state));
});

/** A trace of many principals, actions and resources: tallies spread over several `names` and row lines. */
function manyAccesses(count: number): TraceEvent[] {
  return Array.from({ length: count }, (_, index): TraceEvent => ({ kind: 'authz', ts: index, service: 's', principal: `p${index % 3}`, action: `a:${index % 2}`, resource: `r/${index}`, decision: index % 5 === 0 ? 'deny' : 'allow', ...(index % 5 === 0 ? { denyReason: 'implicit' as const } : {}) }));
}

test('tallies are names once and rows of indexes, split over lines; a large state round-trips exactly', async () => {
  const state = await readLeaf([writeTrace(manyAccesses(9000))]);
  const lines = text(state).trimEnd().split('\n').map((line) => JSON.parse(line) as { kind: string; first?: number; names?: string[]; rows?: number[][] });
  const names = lines.filter((record) => record.kind === 'names');
  assert.deepEqual(names.map((record) => record.first), [0, 4096, 8192]);
  assert.deepEqual(names.flatMap((record) => record.names), [...names.flatMap((record) => record.names)].sort());
  const access = lines.filter((record) => record.kind === 'access');
  assert.equal(access.reduce((rows, record) => rows + record.rows!.length, 0), 9000);
  assert.ok(access.every((record) => record.rows!.length <= 4096));
  const again = await roundTrip(state);
  assert.equal(text(again), text(state));
  assertSameResults(again, state);
});

test('a state holds what its reader needs: a state of more analyses is read for fewer, one of fewer is an error naming what it holds', async () => {
  const file = writeTrace([...manyAccesses(20), { kind: 'span', ts: 1, service: 's', operation: 'a', traceId: 't', spanId: 's', durationMs: 1, status: 'ok' }]);
  const both = await readLeaf([file]);
  const written = path.join(dir, `s${fileCount++}.state.jsonl`);
  fs.writeFileSync(written, text(both));
  for (const analyses of ANALYSIS_SETS) {
    // Read for fewer analyses, the state is the one a read of just those gives.
    const narrowed = await readStateFile(written, 'both.state', { needs: heldAnalyses(analyses) });
    const direct = await readLeaf([file], analyses);
    direct.leaves = both.leaves;
    assert.equal(text(narrowed), text(direct));
  }
  const summaryOnly = path.join(dir, `s${fileCount++}.state.jsonl`);
  fs.writeFileSync(summaryOnly, text(await readLeaf([file], ANALYSIS_SETS[0])));
  await assert.rejects(
    readStateFile(summaryOnly, 'summary.state', { needs: ['policy'] }),
    (error: Error) => error instanceof MissingAnalysisError && error.message === 'summary.state holds summary, not policy: `planewise policy ... --emit-state` (or report, which writes both) writes a state with it',
  );
  const nothing = path.join(dir, 'nothing.state.jsonl');
  fs.writeFileSync(nothing, '{"kind":"header","schema":"planewise.state","version":"2.0","analyses":[]}\n');
  await assert.rejects(readStateFile(nothing, 'nothing.state', { needs: ['policy', 'summary'] }), /^Error: nothing\.state holds no analysis, not policy and summary: `planewise report \.\.\. --emit-state` writes a state with them$/);
  const unlisted = path.join(dir, 'unlisted.state.jsonl');
  fs.writeFileSync(unlisted, '{"kind":"header","schema":"planewise.state","version":"2.0"}\n');
  await assert.rejects(readStateFile(unlisted, 'unlisted.state'), (error: Error) => error instanceof StateFileError && error.message === "unlisted.state:1: the header's analyses must be a list of policy and summary");
  // Merging states of different analyses would merge an analysis among only some of them.
  const summaryState = await readStateFile(summaryOnly, 'summary.state');
  assert.throws(() => mergeStates(both, summaryState), /^Error: states of different analyses cannot merge: policy and summary, summary$/);
});

test('a row that names what no names record gave, or a record of an analysis the header does not list, is file:line: reason, never counted under another name', async () => {
  const state = await readLeaf([writeTrace(manyAccesses(6))], ANALYSIS_SETS[1]);
  const lines = text(state).trimEnd().split('\n');
  const namesAt = lines.findIndex((line) => line.startsWith('{"kind":"names"'));
  const damaged = [...lines];
  damaged[namesAt] = '{"kind":"names","first":0,"names":"oops"}';
  damaged.push('{"kind":"window","start":null,"end":null,"spans":0,"decisions":0}');
  const read = await fromText(`${damaged.join('\n')}\n`);
  const reasons = read.digest.issues.map((issue) => `${issue.line}: ${issue.reason}`);
  assert.equal(reasons[0], `${namesAt + 1}: names record: first must be a whole number and names a list of text`);
  const accessLines = lines.flatMap((line, index) => (line.startsWith('{"kind":"access"') ? [index + 1] : []));
  assert.deepEqual(reasons.slice(1, -1), accessLines.map((line) => `${line}: access record: name ${JSON.parse(lines[line - 1]!).principal as number} is not in a names record before it`));
  assert.equal(reasons.at(-1), `${damaged.length}: window record: the header does not list summary`);
  assert.equal(read.digest.policy.observed.size, 0);
});

test('version 1.0 states (every analysis, a record per tally) are still read, and written again as 2.0 with the same counts', async () => {
  const fixtures = path.join(__dirname, '..', '..', 'test-fixtures', 'state-1.0');
  const trace = path.join(dir, 'legacy.trace.jsonl');
  fs.copyFileSync(path.join(fixtures, 'legacy.trace.jsonl'), trace);
  const legacy = await readStateFile(path.join(fixtures, 'legacy.state'), 'legacy.state');
  const fresh = await readLeaf([trace]);
  assertSameResults(legacy, fresh);
  assert.deepEqual(legacy.digest.issues, fresh.digest.issues);
  // Its traces are known by identity: the same trace read again is counted once.
  assert.notEqual(mergeStates(legacy, await readLeaf([trace])).redundant, undefined);
  const rewritten = text(legacy);
  assert.match(rewritten, /^\{"kind":"header","schema":"planewise\.state","version":"2\.0","producer":\{"name":"planewise"\},"issueCap":1000,"analyses":\["policy","summary"\]\}\n/);
  assertSameResults(await fromText(rewritten), fresh);
  const summaryOnly = await readStateFile(path.join(fixtures, 'legacy.state'), 'legacy.state', { needs: ['summary'] });
  assert.deepEqual(heldAnalyses(summaryOnly.digest.analyses), ['summary']);
});
