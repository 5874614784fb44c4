import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SummaryView, appendOperations, parseFromWebview, parseToWebview } from './messages';

describe('webview messages', () => {
  it('accepts well-formed messages from the webview', () => {
    assert.deepEqual(parseFromWebview({ type: 'openLine', line: 12 }), { ok: true, message: { type: 'openLine', line: 12 } });
    assert.equal(parseFromWebview({ type: 'requestRows', requestId: 1, start: 0, count: 200, filter: 'deny' }).ok, true);
    assert.equal(parseFromWebview({ type: 'setPolicyOptions', options: { wildcardThreshold: null } }).ok, true);
    assert.equal(parseFromWebview({ type: 'showPrincipal', principal: 'svc-orders' }).ok, true);
  });

  it('rejects unknown types, wrong shapes and out-of-range values with a reason', () => {
    for (const bad of [
      null,
      'ready',
      { type: 'runShell', command: 'rm -rf /' },
      { type: 'openLine', line: '3' },
      { type: 'openLine', line: 0 },
      { type: 'requestRows', requestId: 1, start: 0, count: 1_000_000, filter: '' },
      { type: 'requestRows', requestId: 1, start: -5, count: 10, filter: '' },
      { type: 'setPolicyOptions', options: { wildcardThreshold: 0.5 } },
      { type: 'copyPolicy', principal: 'x'.repeat(5_000) },
      { type: 'showPrincipal' },
      { type: 'showPrincipal', principal: 'x'.repeat(5_000) },
    ]) {
      const parsed = parseFromWebview(bad);
      assert.equal(parsed.ok, false, JSON.stringify(bad)?.slice(0, 80));
      if (!parsed.ok) assert.match(parsed.error, /^rejected message/);
    }
  });

  it('validates what the extension sends before the webview renders it', () => {
    assert.equal(parseToWebview({ type: 'notice', level: 'info', message: '<img src=x onerror=alert(1)>' }).ok, true);
    assert.equal(parseToWebview({ type: 'notice', level: 'alert', message: 'x' }).ok, false);
    assert.equal(parseToWebview({ type: 'summary', summary: { events: 1 }, problems: { total: 0, items: [] } }).ok, false);
    const detail = { principal: 'svc-a', options: { wildcardThreshold: null }, json: '{}', omittedLines: 0, denied: [], deniedTotal: 0 };
    assert.equal(parseToWebview({ type: 'principalPolicy', detail }).ok, true);
    assert.equal(parseToWebview({ type: 'principalPolicy', detail: { ...detail, omittedLines: -1 } }).ok, false);
    const row = { service: 's', operation: 'o', count: 1, errors: 0, p50Ms: 1, p95Ms: 1, p99Ms: 1, maxMs: 1 };
    assert.equal(parseToWebview({ type: 'operations', start: 200, rows: [row] }).ok, true);
    assert.equal(parseToWebview({ type: 'operations', start: -1, rows: [row] }).ok, false);
    assert.equal(parseToWebview({ type: 'operations', start: 200, rows: [{ ...row, count: 'many' }] }).ok, false);
  });

  it('appends operations rows only to the summary they continue', () => {
    const row = { service: 's', operation: 'o', count: 1, errors: 0, p50Ms: 1, p95Ms: 1, p99Ms: 1, maxMs: 1 };
    const summary = { operations: [row, row] } as SummaryView;
    assert.equal(appendOperations(summary, { type: 'operations', start: 2, rows: [row] }), true);
    assert.equal(summary.operations.length, 3);
    assert.equal(appendOperations(summary, { type: 'operations', start: 2, rows: [row] }), false, 'rows for a replaced summary');
    assert.equal(summary.operations.length, 3);
    assert.equal(appendOperations(undefined, { type: 'operations', start: 0, rows: [row] }), false);
  });
});
