import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TraceDigest } from '../digest';
import { detectDrift, parseDeclaredPolicies } from './drift';
import { buildReport, renderHtml, renderMarkdown } from './report';

const hostile = '<script>alert("x")</script> | `pipe` & \'quote\'';

function digest(): TraceDigest {
  const result = new TraceDigest();
  result.add({ kind: 'span', ts: 0, service: hostile, operation: 'Get', durationMs: 3, status: 'ok' });
  result.add({ kind: 'authz', ts: 1, service: 's', principal: 'app', action: 'storage:Get', resource: hostile, decision: 'allow' });
  result.addFile({ name: 'run.trace.jsonl', lines: 3, events: 2, invalid: 1, skipped: 0, warnings: 0 });
  result.addIssue({ file: 'run.trace.jsonl', line: 3, offset: 99, severity: 'error', reason: 'not JSON: <bad>' });
  return result;
}

function model() {
  const declared = parseDeclaredPolicies('{"Statement":[{"Effect":"Allow","Action":"queue:Send","Resource":"q"}]}', 'p.json');
  assert.ok(declared.ok);
  const d = digest();
  return buildReport(d, { now: new Date(0), drift: detectDrift(declared.policies, d.policy) });
}

test('the HTML report is self-contained and escapes every value', () => {
  const html = renderHtml(model());
  assert.ok(!html.includes('<script>'), 'no script element, not even from data');
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  assert.doesNotMatch(html, /(src|href)=|@import|url\(/i, 'no remote or external assets');
  assert.match(html, /<style>/);
  for (const heading of ['Services called', 'Permissions used', 'Generated policy: app', 'Unused grants', 'Used outside the declared policy', 'Invalid input']) assert.ok(html.includes(heading), heading);
  assert.ok(html.includes('run.trace.jsonl:3'));
});

test('the Markdown report has every section and keeps tables intact', () => {
  const markdown = renderMarkdown(model());
  for (const heading of ['## Input', '## Services called', '## Operations', '## Permissions used', '## Generated policy: app', '## Drift against the declared policy', '## Invalid input']) assert.ok(markdown.includes(heading), heading);
  const tableRows = markdown.split('\n').filter((line) => line.startsWith('| '));
  const serviceRow = tableRows.find((line) => line.includes('alert'))!;
  assert.equal(serviceRow.split(/(?<!\\)\|/).length, 6, 'pipes in values are escaped: 4 cells stay 4 cells');
  assert.ok(!tableRows.some((line) => line.includes('<script>')), 'HTML in table cells is escaped');
  assert.match(markdown, /```json\n\{\n {2}"Version": "2012-10-17"/);
});
