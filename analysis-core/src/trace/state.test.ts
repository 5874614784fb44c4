import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { analyzeTraces } from './analyze';
import { resolveTraceInputs } from './inputs';
import type { TraceEvent } from './schema';
import { StateFileError, StateOverlapError, type TraceState, leafState, mergeStates, readStateFile, sourceIdentities, stateLines } from './state';
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

async function readLeaf(files: string[]): Promise<TraceState> {
  const sources = await resolveTraceInputs(files, dir);
  return leafState(await analyzeTraces(sources, {}), await sourceIdentities(sources));
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

function assertSameResults(actual: TraceState, expected: TraceState): void {
  assert.deepEqual(actual.digest.summary.result(), expected.digest.summary.result());
  assert.deepEqual(actual.digest.policy.result({ wildcardThreshold: 1 }), expected.digest.policy.result({ wildcardThreshold: 1 }));
}

test('a state file round-trips exactly: written, read and written again, the bytes are the same', async () => {
  await fc.assert(
    fc.asyncProperty(eventsArbitrary, async (events) => {
      const state = await readLeaf([writeTrace(events, ['not json'])]);
      const again = await roundTrip(state);
      assert.equal(text(again), text(state));
      assertSameResults(again, state);
    }),
    { numRuns: 40 },
  );
});

test('property: any split of the traces into states, merged in any order, gives what one read of all gives', async () => {
  await fc.assert(
    fc.asyncProperty(eventsArbitrary, fc.array(fc.nat(), { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 6 }), async (events, cuts, order) => {
      const files = shards(events, cuts).map((shard) => writeTrace(shard));
      const whole = await readLeaf(files);
      const leaves = await Promise.all(files.map(async (file) => text(await readLeaf([file]))));
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
    { numRuns: 25 },
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
      'damaged.state.jsonl:3: access record: action is missing or not a whole number/text',
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
  fs.writeFileSync(newer, '{"kind":"header","schema":"planewise.state","version":"2.0"}\n');
  await assert.rejects(readStateFile(newer, 'newer.state.jsonl'), /version 2\.0 state; this planewise reads version 1\.x/);
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
