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
import type { CoreScannerOptions } from './coreScanner';

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

const SUMMARY_ONLY: DigestAnalyses = { summary: true, policy: false };
const POLICY_ONLY: DigestAnalyses = { summary: false, policy: true };

async function viaEvents(files: string[], analyses: DigestAnalyses): Promise<TraceDigest> {
  const digest = new TraceDigest(undefined, analyses);
  for (const file of files) await readTraceFile(file, { event: (event) => digest.add(event) });
  return digest;
}

/** Reads through the digest's own sink, reading its results after each file (each read drains what was counted). */
async function viaTallies(files: string[], analyses: DigestAnalyses, scannerOptions?: CoreScannerOptions): Promise<TraceDigest> {
  const digest = new TraceDigest(undefined, analyses, scannerOptions);
  for (const file of files) {
    await readTraceFile(file, digest.coreSink({ issue: () => undefined }));
    if (analyses.summary) digest.summary.result();
    if (analyses.policy) void digest.policy.observed;
  }
  return digest;
}

/** Same summary, and the same policy tallies for every (principal, action, resource) (Maps compare unordered). */
function assertSameDigest(actual: TraceDigest, expected: TraceDigest): void {
  assert.deepEqual(actual.summary.result(), expected.summary.result());
  assert.deepEqual(actual.policy.observed, expected.policy.observed);
}

for (const [name, analyses, scannerOptions] of [
  ['a summary', SUMMARY_ONLY, {}],
  ['a policy', POLICY_ONLY, {}],
  ['both', ALL_ANALYSES, {}],
  ['a policy, grants past the bound going the slow way', POLICY_ONLY, { maxGrants: 100 }],
] as const) {
  test(`counting by id gives ${name} that adding every event gives, read after read`, async () => {
    await fc.assert(
      fc.asyncProperty(eventsArbitrary, eventsArbitrary, async (first, second) => {
        // Two files into one digest, read between them: what one drain counted never leaks into the next.
        const files = [writeTrace([...manyNames(150), ...first]), writeTrace(second)];
        assertSameDigest(await viaTallies(files, analyses, scannerOptions), await viaEvents(files, analyses));
        assertSameDigest(await viaTallies([files[1]!], analyses, scannerOptions), await viaEvents([files[1]!], analyses));
      }),
      { numRuns: 30 },
    );
  });
}

test('lines the scanner answers are counted, not passed on as events', async () => {
  const file = writeTrace(manyNames(40));
  const digest = new TraceDigest();
  let passedOn = 0;
  let counted = 0;
  const sink = digest.coreSink({ issue: () => undefined, event: () => (passedOn += 1), countedAt: () => (counted += 1) });
  assert.ok(sink.tallies, 'this runtime has WebAssembly');
  const read = await readTraceFile(file, sink);
  assert.equal(read.counts.events, 80);
  assert.equal(passedOn, 0);
  assert.equal(counted, 80);
  assert.equal(digest.summary.result().events, 80);
  assert.equal(
    digest.policy.result().principals.reduce((sum, principal) => sum + principal.observed.allow + principal.observed.deny, 0),
    40,
  );
});

test('two digests read at once on one thread count apart', async () => {
  const files = [writeTrace(manyNames(60)), writeTrace(manyNames(90).reverse())];
  const digests = await Promise.all(files.map((file) => viaTallies([file], ALL_ANALYSES)));
  for (const [index, file] of files.entries()) assertSameDigest(digests[index]!, await viaEvents([file], ALL_ANALYSES));
});
