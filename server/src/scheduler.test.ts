import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BoundaryEngine, CheckResult } from '@planewise/analysis-core/boundary';
import { CheckScheduler } from './scheduler';

/** An engine double whose check throws on one file, as a rule bug on one file would. */
function engineFailingOn(badFile: string, files: string[]): BoundaryEngine {
  const check = (targets: readonly string[] | 'all'): CheckResult => {
    const list = targets === 'all' ? files : [...targets];
    if (list.includes(badFile)) throw new Error(`rule crashed on ${badFile}`);
    return {
      findings: new Map(list.map((file) => [file, []])),
      configFindings: [],
      filesChecked: list.length,
      planes: { data: list.length, control: 0, intelligence: 0 },
      durationMs: 1,
      cancelled: false,
      resolution: { relative: { resolved: 0, total: 0 }, aliased: { resolved: 0, total: 0 }, workspace: { resolved: 0, total: 0 }, unresolvedExamples: [], warning: undefined },
    };
  };
  return { check, affectedBy: (changed: readonly string[]) => [...changed] } as unknown as BoundaryEngine;
}

test('a file that crashes the engine costs only its own result and is logged by name', async () => {
  const files = ['/p/a.ts', '/p/b.ts', '/p/bad.ts', '/p/c.ts'];
  const checked = new Set<string>();
  const errors: string[] = [];
  const scheduler = new CheckScheduler(
    engineFailingOn('/p/bad.ts', files),
    {
      onResult: (result) => result.findings.forEach((_findings, file) => checked.add(file)),
      onFullCheckDone: () => undefined,
      onBusyChange: () => undefined,
      onError: (message) => errors.push(message),
    },
    { debounceMs: 150, chunkSize: 10 },
  );
  scheduler.recheck(files);
  await scheduler.checkAll({}); // queued behind the re-check, so it resolves after it
  assert.deepEqual([...checked].sort(), ['/p/a.ts', '/p/b.ts', '/p/c.ts']);
  assert.ok(errors.some((message) => message.includes('/p/bad.ts')), errors.join('\n'));
});
