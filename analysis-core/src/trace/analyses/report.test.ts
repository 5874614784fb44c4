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
  for (const heading of ['## Input', '## Services called', '## Operations', '## Permissions used', '## Generated policy: ` app `', '## Drift against the declared policy', '## Invalid input']) assert.ok(markdown.includes(heading), heading);
  const tableRows = markdown.split('\n').filter((line) => line.startsWith('| '));
  const serviceRow = tableRows.find((line) => line.includes('alert'))!;
  assert.equal(serviceRow.split(/(?<!\\)\|/).length, 6, 'pipes in values are escaped: 4 cells stay 4 cells');
  assert.match(markdown, /```json\n\{\n {2}"Version": "2012-10-17"/);
});

/** The Markdown with every code span and fenced code block cut out: what a renderer would parse as Markdown. */
function outsideCode(markdown: string): string {
  const withoutBlocks = markdown.replace(/^(`{3,})json\n[\s\S]*?\n\1$/gm, '');
  let rest = '';
  for (let index = 0; index < withoutBlocks.length; ) {
    const run = /^`+/.exec(withoutBlocks.slice(index));
    if (run === null) {
      rest += withoutBlocks[index];
      index += 1;
      continue;
    }
    // A code span closes at the next run of exactly as many backticks (CommonMark).
    const closing = new RegExp(`(?<!\`)${run[0]}(?!\`)`, 'g');
    closing.lastIndex = index + run[0].length;
    const match = closing.exec(withoutBlocks);
    assert.ok(match !== null, `an unclosed code span at ${index}`);
    rest += ' CODE ';
    index = match.index + run[0].length;
  }
  return rest;
}

test('trace values in the Markdown report are inert: no link, image, autolink or HTML, no control characters', () => {
  const payloads = [
    '![x](https://evil.example/track.png)',
    '[click](http://evil.example)',
    '<img src=https://evil.example/i.png>',
    'https://evil.example/auto',
    'www.evil.example',
    'mail@evil.example',
    '<https://evil.example/angle>',
    '`` ` ``` `[tick](http://evil.example)`',
    '*em* _em_ ~~del~~ # heading | pipe \\| escaped',
    'evil\u001b[2J\r\n\u202e\u009b',
    '&lt;img src=x&gt; &#60;img&#62;',
  ];
  const result = new TraceDigest();
  for (const [index, payload] of payloads.entries()) {
    result.add({ kind: 'span', ts: index, service: payload, operation: payload, durationMs: 1, status: 'ok' });
    result.add({ kind: 'authz', ts: index, service: 's', principal: payload, action: `storage:${payload}`, resource: payload, decision: index % 2 === 0 ? 'allow' : 'deny', ...(index % 2 === 0 ? {} : { denyReason: 'explicit' }) });
  }
  result.addFile({ name: payloads[0]!, lines: 1, events: 1, invalid: 1, skipped: 0, warnings: 0, fatal: payloads[1]! });
  result.addIssue({ file: payloads[2]!, line: 1, offset: 0, severity: 'error', reason: `unknown kind "${payloads[3]}"` });
  const markdown = renderMarkdown(buildReport(result, { now: new Date(0), title: '[t](http://evil.example/title) <b>' }));
  assert.doesNotMatch(markdown, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, 'no raw control or bidi character');
  const parsed = outsideCode(markdown.split('\n').slice(1).join('\n'));
  assert.doesNotMatch(parsed, /evil|\]\(|<[a-z/]|https?:|www\.|@/i, 'every trace value is inside a code span or block');
  assert.match(markdown, /^# \\\[t\\\]\\\(http\\:\\\/\\\/evil\\\.example\\\/title\\\) \\<b\\>$/m, 'the title is backslash-escaped');
  const servicesTable = markdown.split('## Services called')[1]!.split('\n## ')[0]!.split('\n').filter((text) => text.startsWith('| '));
  // GFM splits a row at every pipe not preceded by a backslash, even inside a code span: 4 cells stay 4 cells.
  for (const row of servicesTable) assert.equal(row.split(/(?<!\\)\|/).length, 6, row);
});

test('the HTML report turns the same hostile values into text', () => {
  const result = new TraceDigest();
  result.add({ kind: 'authz', ts: 0, service: '<img src=x onerror=alert(1)>', principal: '"><script>alert(1)</script>', action: 'a:<a href=http://evil>', resource: "' onmouseover='x", decision: 'allow' });
  const html = renderHtml(buildReport(result, { now: new Date(0), title: '</title><script>' }));
  assert.doesNotMatch(html, /<(img|script|a)\b/i);
  assert.match(html, /&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /&#39; onmouseover=&#39;x/);
});
