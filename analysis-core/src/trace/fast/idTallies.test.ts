import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { ALL_ANALYSES, type DigestAnalyses, TraceDigest } from '../digest';
import { readTraceFile } from '../reader';
import type { TraceEvent } from '../schema';
import { eventsArbitrary } from '../testing';
import { fastTallies } from './idTallies';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-tallies-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const HEADER = { kind: 'header', schema: 'planewise.trace', version: '1.0', producer: { name: 'test' } };
let fileCount = 0;
function writeTrace(events: TraceEvent[]): string {
  const file = path.join(dir, `t${fileCount++}.trace.jsonl`);
  fs.writeFileSync(file, `${[HEADER, ...events].map((event) => JSON.stringify(event)).join('\n')}\n`);
  return file;
}

/** Many distinct names, so every count array grows past its first size. */
function manyNames(count: number): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (let n = 0; n < count; n++) {
    events.push({ kind: 'span', ts: n, service: `svc${n % 70}`, operation: `op${n % 101}`, traceId: 't', spanId: 's', durationMs: (n % 500) / 4, status: n % 9 === 0 ? 'error' : n % 9 === 1 ? 'unset' : 'ok' });
    const denied = n % 6 === 0;
    events.push({ kind: 'authz', ts: 2 * n, service: `svc${n % 3}`, principal: `p${n % 80}`, action: `a:${n % 13}`, resource: `r/${n % 211}`, decision: denied ? 'deny' : 'allow', ...(denied ? { denyReason: n % 12 === 0 ? 'explicit' : 'implicit' } : {}) });
  }
  return events;
}

async function viaEvents(file: string, analyses: DigestAnalyses): Promise<TraceDigest> {
  const digest = new TraceDigest(1000, analyses);
  await readTraceFile(file, { event: (event) => digest.add(event) });
  return digest;
}

function comparable(digest: TraceDigest) {
  return { summary: digest.summary.result(), policy: digest.policy.result({ wildcardThreshold: 3 }) };
}

test('counting by id gives the digest that adding every event gives, drain after drain', async () => {
  for (const analyses of [ALL_ANALYSES, { summary: true, policy: false }, { summary: false, policy: true }]) {
    const tallies = fastTallies(analyses);
    assert.ok(tallies, 'this runtime has WebAssembly');
    await fc.assert(
      fc.asyncProperty(eventsArbitrary, eventsArbitrary, async (first, second) => {
        // Two files drained into one digest, then the second alone: what one drain counted never leaks into the next.
        const files = [writeTrace([...manyNames(150), ...first]), writeTrace(second)];
        const counted = new TraceDigest(1000, analyses);
        for (const file of files) {
          await readTraceFile(file, { fields: 'core', tallies, event: (event) => counted.add(event) });
          tallies.drainInto(counted);
        }
        const expected = await viaEvents(files[0]!, analyses);
        expected.merge(await viaEvents(files[1]!, analyses));
        assert.deepEqual(comparable(counted), comparable(expected));
        const alone = new TraceDigest(1000, analyses);
        await readTraceFile(files[1]!, { fields: 'core', tallies, event: (event) => alone.add(event) });
        tallies.drainInto(alone);
        assert.deepEqual(comparable(alone), comparable(await viaEvents(files[1]!, analyses)));
      }),
      { numRuns: 25 },
    );
  }
});

test('lines the scanner answers are counted, not passed on as events', async () => {
  const file = writeTrace(manyNames(40));
  const tallies = fastTallies(ALL_ANALYSES)!;
  let passedOn = 0;
  const read = await readTraceFile(file, { fields: 'core', tallies, event: () => (passedOn += 1) });
  assert.equal(read.counts.events, 80);
  assert.equal(passedOn, 0);
  const digest = new TraceDigest();
  tallies.drainInto(digest);
  assert.equal(digest.summary.result().events, 80);
});
