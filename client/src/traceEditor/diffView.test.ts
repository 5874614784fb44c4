import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countChange, type TraceDiff } from '@planewise/analysis-core/trace';
import { diffChanges, diffHeadline } from './diffView';

const diff: TraceDiff = {
  services: { added: ['billing'], removed: [], changed: [{ service: 'checkout', spans: countChange(1262, 190), errors: countChange(1, 0) }] },
  operations: {
    added: [{ service: 'billing', operation: 'charge', count: 1 }],
    removed: [],
    changed: [
      {
        service: 'checkout',
        operation: 'POST /orders',
        count: countChange(1262, 189),
        errors: countChange(1, 0),
        latencyMs: { before: { p50: 1, p95: 10, p99: 12, max: 20 }, after: { p50: 1, p95: 22, p99: 30, max: 40 }, p50Delta: 0, p95Delta: 12, p99Delta: 18 },
      },
    ],
  },
  permissions: { added: [], removed: [{ principal: 'carol', action: 'storage:Get', resource: 'storage:bucket/a' }] },
  denials: { added: [], removed: [] },
  principals: { added: [], removed: [] },
};

describe('compare view', () => {
  it('sums the comparison up in one line with one delta format', () => {
    assert.equal(diffHeadline(diff), '2 added, 1 removed, 2 changed · spans 1,262 → 190, −1,072 (−85%) · p95 up to +12 ms (checkout POST /orders)');
  });

  it('says 1 span and 1 error, and signs deltas with a minus sign', () => {
    const rows = diffChanges(diff);
    assert.equal(rows.find((row) => row.area === 'service' && row.change === 'changed')?.after, '190 spans, −1,072 (−85%); 0 errors');
    assert.equal(rows.find((row) => row.area === 'operation' && row.change === 'added')?.after, '1 span');
    assert.match(rows.find((row) => row.area === 'operation' && row.change === 'changed')?.before ?? '', /^1,262 spans, 1 error, p95 10 ms$/);
  });
});
