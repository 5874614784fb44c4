import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeResolutionSummaries, ResolutionTally } from './stats';

function tally(unresolved: number, resolved: number, kind: 'relative' | 'aliased' = 'aliased'): ResolutionTally {
  const result = new ResolutionTally();
  for (let index = 0; index < resolved; index += 1) result.add(kind, true, { file: 'a.ts', line: index + 1, specifier: '@/ok' });
  for (let index = 0; index < unresolved; index += 1) result.add(kind, false, { file: 'b.ts', line: index + 1, specifier: `@/missing${index}` });
  result.add('package', false, { file: 'c.ts', line: 1, specifier: 'react' });
  result.add('asset', false, { file: 'c.ts', line: 2, specifier: './x.css' });
  return result;
}

describe('resolution summary', () => {
  it('warns at 10 unresolved imports that are at least 5% of their kind, with 3 examples', () => {
    const summary = tally(10, 190).summary();
    assert.deepEqual(summary.aliased, { resolved: 190, total: 200 });
    assert.match(summary.warning ?? '', /^10 of 200 aliased imports did not resolve, so findings through them are missed \(e\.g\. b\.ts:1 '@\/missing0', b\.ts:2 '@\/missing1', b\.ts:3 '@\/missing2'\)/);
  });

  it('stays quiet below either bar; packages and assets are not counted', () => {
    assert.equal(tally(9, 10).summary().warning, undefined);
    assert.equal(tally(10, 191).summary().warning, undefined);
    assert.deepEqual(tally(0, 3, 'relative').summary().relative, { resolved: 3, total: 3 });
  });

  it('merges the chunks of one check', () => {
    const merged = mergeResolutionSummaries([tally(5, 50).summary(), tally(5, 50).summary()]);
    assert.deepEqual(merged.aliased, { resolved: 100, total: 110 });
    assert.notEqual(merged.warning, undefined);
  });
});
