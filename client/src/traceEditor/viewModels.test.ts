import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SummaryAccumulator } from '@planewise/analysis-core/trace';
import { summaryView } from './viewModels';

test('the summary view counts span errors, denials and operations', () => {
  const accumulator = new SummaryAccumulator();
  for (let n = 0; n < 500; n++) {
    accumulator.add({ kind: 'span', ts: n, service: 'svc', operation: `op${n}`, durationMs: 1, status: n % 5 === 0 ? 'error' : 'ok' });
    accumulator.add({ kind: 'authz', ts: n, service: 'svc', principal: `p${n % 3}`, action: 'a', resource: 'r', decision: n % 4 === 0 ? 'deny' : 'allow', ...(n % 4 === 0 ? { denyReason: 'explicit' as const } : {}) });
  }
  const view = summaryView(accumulator.result(), { runIds: [] }, 0);
  assert.equal(view.operations.length, 500);
  assert.equal(view.operationsTotal, 500);
  assert.equal(view.spanErrors, 100);
  assert.equal(view.denied, 125);
});
