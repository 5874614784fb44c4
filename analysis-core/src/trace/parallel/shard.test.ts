import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { analyzeTraces } from '../analyze';
import { ALL_ANALYSES } from '../digest';
import { initialParserState } from '../lineParser';
import { type ShardTask, digestShard, digestShardHere, guidedRangeStarts, mergeShards, newClaims } from './shard';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-shard-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('ranges claimed in turn by several readers merge into the single-reader answer', async () => {
  const lines = ['{"kind":"header","schema":"planewise.trace","version":"1.0","producer":{"name":"test"}}'];
  for (let n = 0; n < 4000; n++) {
    if (n % 61 === 7) lines.push(`{"kind":"span","broken":${n}}`);
    else lines.push(JSON.stringify({ kind: 'authz', ts: n, service: 's', principal: `p${n % 3}`, action: `a${n % 5}`, resource: `r/${n % 17}`, decision: 'allow' }));
  }
  const file = path.join(dir, 'claims.trace.jsonl');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  const size = fs.statSync(file).size;
  const task: ShardTask = { file, name: 'claims', size, rangeStarts: guidedRangeStarts(size, 3, 9_973, 9_973), claims: newClaims(), state: { ...initialParserState(), format: 'planewise' }, maxLineBytes: 1 << 20, issueCap: 1000, analyses: ALL_ANALYSES };
  // Three readers on one event loop: each awaits its reads, so their claims interleave as threads' would.
  const [here, ...elsewhere] = await Promise.all([digestShardHere(task), digestShard(task), digestShard(task)]);
  for (const reader of [here, ...elsewhere]) assert.ok(reader.ranges.length > 1);
  assert.ok(elsewhere[0]!.ranges[0]!.index < here.ranges.at(-1)!.index, 'the readers took turns');
  const merged = mergeShards(here, elsewhere);
  const single = await analyzeTraces([{ kind: 'file', path: file, name: 'claims', size }], { jobs: 1 });
  assert.deepEqual(merged.issues, single.issues);
  assert.equal(merged.issueTotal, single.issueTotal);
  assert.deepEqual(merged.summary.result(), single.summary.result());
  assert.deepEqual(merged.policy.result({}), single.policy.result({}));
  for (const issue of merged.issues) assert.match(lines[issue.line - 1]!, /"broken"/);
});

test('guided ranges shrink toward the end of the file, within their bounds, and cover it exactly', () => {
  const MiB = 1 << 20;
  const size = 1024 * MiB + 12_345;
  const starts = guidedRangeStarts(size, 2, 4 * MiB, 64 * MiB);
  const lengths = starts.map((start, index) => (starts[index + 1] ?? size) - start);
  assert.equal(starts[0], 0);
  assert.equal(lengths.reduce((sum, length) => sum + length, 0), size);
  assert.equal(lengths[0], 64 * MiB);
  for (let index = 1; index < lengths.length; index++) assert.ok(lengths[index]! <= lengths[index - 1]!, 'never growing');
  assert.ok(lengths.at(-2)! <= 4 * MiB, 'the last full range is the smallest');
  assert.deepEqual(guidedRangeStarts(10, 3, 4, 4), [0, 4, 8]);
});
