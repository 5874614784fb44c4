import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { SummaryAccumulator } from '../analyses/summarize';
import { ALL_ANALYSES } from '../digest';
import { readTraceFile } from '../reader';
import type { TraceEvent } from '../schema';
import { eventsArbitrary } from '../testing';
import { summaryTallies } from './summaryTallies';

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

const SUMMARY_ONLY = { summary: true, policy: false };

async function viaEvents(file: string): Promise<SummaryAccumulator> {
  const summary = new SummaryAccumulator();
  await readTraceFile(file, { event: (event) => summary.add(event) });
  return summary;
}

test('counting by id gives the summary that adding every event gives, drain after drain', async () => {
  const tallies = summaryTallies(SUMMARY_ONLY);
  assert.ok(tallies, 'this runtime has WebAssembly');
  await fc.assert(
    fc.asyncProperty(eventsArbitrary, eventsArbitrary, async (first, second) => {
      // Two files drained into one summary, then the second alone: what one drain counted never leaks into the next.
      const files = [writeTrace([...manyNames(150), ...first]), writeTrace(second)];
      const counted = new SummaryAccumulator();
      for (const file of files) {
        await readTraceFile(file, { fields: 'core', tallies, event: (event) => counted.add(event) });
        tallies.drainInto(counted);
      }
      const expected = (await viaEvents(files[0]!)).merge(await viaEvents(files[1]!));
      assert.deepEqual(counted.result(), expected.result());
      const alone = new SummaryAccumulator();
      await readTraceFile(files[1]!, { fields: 'core', tallies, event: (event) => alone.add(event) });
      tallies.drainInto(alone);
      assert.deepEqual(alone.result(), (await viaEvents(files[1]!)).result());
    }),
    { numRuns: 40 },
  );
});

test('lines the scanner answers are counted, not passed on as events', async () => {
  const file = writeTrace(manyNames(40));
  const tallies = summaryTallies(SUMMARY_ONLY)!;
  let passedOn = 0;
  const read = await readTraceFile(file, { fields: 'core', tallies, event: () => (passedOn += 1) });
  assert.equal(read.counts.events, 80);
  assert.equal(passedOn, 0);
  const summary = new SummaryAccumulator();
  tallies.drainInto(summary);
  assert.equal(summary.result().events, 80);
});

test('only a summary is counted by id: a digest with a policy gets events', () => {
  assert.equal(summaryTallies(ALL_ANALYSES), undefined);
  assert.equal(summaryTallies({ summary: false, policy: true }), undefined);
});
