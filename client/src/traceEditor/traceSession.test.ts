import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { collectorFile, lengthPrefixed, protoBatch, recordBatches } from '../../../analysis-core/src/trace/testing/collectorFiles';
import { TraceSession } from './traceSession';
import { OPERATION_ROWS_PER_MESSAGE, TABLE_ROWS_SHOWN } from '../webview/messages';
import { MAX_SHOWN_POLICY_LINES } from './viewModels';
import type { WorkerToHost } from './workerProtocol';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-session-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const header = JSON.stringify({ kind: 'header', schema: 'planewise.trace', version: '1.0', producer: { name: 'tests', version: '2' }, run: { id: 'run-7' } });
const span = (ts: number, status = 'ok') =>
  JSON.stringify({ kind: 'span', ts, service: 'checkout', operation: 'POST /orders', traceId: 't1', spanId: `s${ts}`, durationMs: ts % 100, status });
const authz = (ts: number, decision: 'allow' | 'deny', resource = 'storage:bucket/a') =>
  JSON.stringify({ kind: 'authz', ts, service: 'checkout', principal: 'svc-checkout', action: 'storage:GetObject', resource, decision, ...(decision === 'deny' ? { denyReason: 'implicit' } : {}) });

function open(name: string, content: string | Buffer, live = true) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  const messages: WorkerToHost[] = [];
  const session = new TraceSession(
    { file, copyFile: path.join(dir, `${name}.copy`), maxLineBytes: 1 << 20, maxProblems: 10, live },
    (message) => messages.push(message),
  );
  const last = <T extends WorkerToHost['type']>(type: T) => messages.filter((message) => message.type === type).at(-1) as Extract<WorkerToHost, { type: T }>;
  return { file, session, last };
}

describe('trace session', () => {
  it('sends the first operations with the summary and the rest after the read, in small messages', async () => {
    const spans = Array.from({ length: 1234 }, (_, n) => JSON.stringify({ kind: 'span', ts: n, service: 'svc', operation: `op${String(n).padStart(4, '0')}`, traceId: 't', spanId: `s${n}`, durationMs: 1, status: 'ok' }));
    const messages: WorkerToHost[] = [];
    const file = path.join(dir, 'many-operations.trace.jsonl');
    fs.writeFileSync(file, `${[header, ...spans].join('\n')}\n`);
    await new TraceSession({ file, copyFile: path.join(dir, 'unused.copy'), maxLineBytes: 1 << 20, maxProblems: 10, live: false }, (message) => messages.push(message)).read();
    const snapshot = messages.filter((message) => message.type === 'snapshot').at(-1)!;
    assert.equal(snapshot.summary.operations.length, TABLE_ROWS_SHOWN);
    assert.equal(snapshot.summary.operationsTotal, 1234);
    const more = messages.filter((message) => message.type === 'operations');
    assert.ok(more.every((message) => message.rows.length <= OPERATION_ROWS_PER_MESSAGE));
    const rows = [...snapshot.summary.operations];
    for (const message of more) {
      assert.equal(message.start, rows.length);
      rows.push(...message.rows);
    }
    assert.deepEqual(rows.map((row) => row.operation), spans.map((_, n) => `op${String(n).padStart(4, '0')}`));
  });

  it('summarizes, lists problems and pages rows of a file', async () => {
    const { session, last } = open('a.trace.jsonl', [header, span(1000), 'not json', authz(1001, 'allow'), authz(1002, 'deny', 'storage:bucket/<img src=x onerror=alert(1)>'), ''].join('\n'));
    await session.read();
    const snapshot = last('snapshot');
    assert.equal(snapshot.summary.events, 3);
    assert.equal(snapshot.summary.producer, 'tests 2');
    assert.deepEqual(snapshot.summary.runIds, ['run-7']);
    assert.equal(snapshot.summary.invalidLines, 1);
    assert.equal(snapshot.problems.items[0]?.line, 3);
    assert.deepEqual(snapshot.summary.actions, [{ action: 'storage:GetObject', allow: 1, explicitDeny: 0, implicitDeny: 1 }]);
    assert.equal(last('progress').progress.phase, 'done');

    const page = await session.rows(1, 0, 10, '');
    assert.deepEqual(page.rows.map((row) => [row.line, row.kind, row.outcome]), [[2, 'span', 'ok'], [4, 'authz', 'allow'], [5, 'authz', 'deny']]);
    assert.ok(page.rows[2]?.detail.includes('<img src=x onerror=alert(1)>'), 'values reach the view verbatim; the webview renders them as text');

    const filtered = await session.rows(2, 0, 10, 'DENY');
    assert.equal(filtered.total, 1);
    assert.equal(filtered.rows[0]?.line, 5);

    const policy = JSON.parse(session.policyText().text) as { schema: string; principals: { principal: string }[] };
    // Copy All and Save write what `planewise policy --format json` writes, schema first.
    assert.equal(Object.keys(policy)[0], 'schema');
    assert.equal(policy.schema, 'planewise.policy/1');
    assert.deepEqual(policy.principals.map((entry) => entry.principal), ['svc-checkout']);
    assert.match(session.policyText('svc-checkout').text, /storage:bucket\/a/);

    // The policy message is an overview; a principal's document and denials come on request.
    assert.deepEqual(last('policy').policy.principals, [{ principal: 'svc-checkout', statements: 1, actions: 1, resources: 2, deniedPairs: 1 }]);
    const detail = session.principalPolicyView('svc-checkout');
    assert.deepEqual(JSON.parse(detail.json), JSON.parse(session.policyText('svc-checkout').text));
    assert.equal(detail.omittedLines, 0);
    assert.deepEqual(detail.denied, [{ action: 'storage:GetObject', resource: 'storage:bucket/<img src=x onerror=alert(1)>', count: 1, reason: 'implicit' }]);
    assert.throws(() => session.principalPolicyView('svc-nobody'), /no policy for principal "svc-nobody"/);
  });

  it('shows the start of a very large principal policy and copies all of it', async () => {
    const resources = Array.from({ length: MAX_SHOWN_POLICY_LINES + 50 }, (_, index) => authz(2000 + index, 'allow', `storage:bucket/key-${index}`));
    const { session } = open('large-policy.trace.jsonl', [header, ...resources, ''].join('\n'));
    await session.read();
    const detail = session.principalPolicyView('svc-checkout');
    const whole = session.policyText('svc-checkout').text.trimEnd().split('\n');
    assert.equal(detail.json.split('\n').length, MAX_SHOWN_POLICY_LINES);
    assert.equal(detail.omittedLines, whole.length - MAX_SHOWN_POLICY_LINES);
    assert.deepEqual(detail.json.split('\n'), whole.slice(0, MAX_SHOWN_POLICY_LINES));
  });

  it('reads only appended lines, holds a partial last line, and starts over after a rewrite', async () => {
    const { file, session, last } = open('live.trace.jsonl', `${header}\n${span(1)}\n`);
    await session.read();
    assert.equal(last('snapshot').summary.events, 1);

    fs.appendFileSync(file, `${span(2)}\n${span(3).slice(0, 20)}`);
    await session.read();
    assert.equal(last('snapshot').summary.events, 2, 'the unfinished line waits');
    fs.appendFileSync(file, `${span(3).slice(20)}\n`);
    await session.read();
    assert.equal(last('snapshot').summary.events, 3);
    assert.equal(session.eventCount, 3);

    fs.writeFileSync(file, `${header}\n${authz(9, 'allow')}\n`);
    await session.read();
    const snapshot = last('snapshot');
    assert.equal(snapshot.summary.events, 1, 'a truncated file is read again from the start');
    assert.equal(snapshot.summary.spans, 0);
  });

  it('reads a gzipped trace through a decompressed copy', async () => {
    const { session, last } = open('z.trace.jsonl.gz', gzipSync(`${header}\n${span(5, 'error')}\n${authz(6, 'allow')}\n`));
    await session.read();
    assert.equal(last('snapshot').summary.events, 2);
    const page = await session.rows(1, 0, 5, '');
    assert.deepEqual(page.rows.map((row) => row.outcome), ['error', 'allow']);
    assert.ok(fs.readFileSync(session.textFile, 'utf8').startsWith(header));
  });

  it('reads OpenTelemetry protobuf and zstd records through a JSON Lines copy, one line per record, a damaged record an empty line', async () => {
    const batches = recordBatches(4);
    const records = batches.map((spans) => lengthPrefixed(protoBatch(spans)));
    const damaged = Buffer.from(records[2]!);
    damaged[4] = 0x0f;
    const reference = open('reference.otlp.json', await collectorFile(batches, 'json'), false);
    await reference.session.read();
    const expected = await reference.session.rows(1, 0, 1000, '');
    for (const form of ['proto', 'proto+zstd', 'proto+native-zstd'] as const) {
      const { session, last } = open(`traces-${form}.otlp.pb`, await collectorFile(batches, form));
      await session.read();
      assert.equal(last('progress').progress.phase, 'done', form);
      const rows = await session.rows(1, 0, 1000, '');
      assert.deepEqual(rows.rows, expected.rows, form);
      assert.deepEqual(last('snapshot').summary, (reference.last('snapshot')).summary, form);
      const copy = fs.readFileSync(session.textFile, 'utf8').split('\n');
      assert.equal(copy.length, 5);
      assert.ok(copy.slice(0, 4).every((line) => (JSON.parse(line) as { resourceSpans: unknown[] }).resourceSpans.length === 1));
    }
    const { session, last } = open('damaged.otlp.pb', Buffer.concat([records[0]!, records[1]!, damaged, records[3]!]));
    await session.read();
    const problems = last('snapshot').problems;
    assert.deepEqual(problems.items.map((item) => [item.line, item.severity]), [[3, 'error']]);
    assert.match(problems.items[0]!.reason, /^not an OTLP\/protobuf ExportTraceServiceRequest/);
    assert.equal(fs.readFileSync(session.textFile, 'utf8').split('\n')[2], '');
    assert.deepEqual([...new Set((await session.rows(1, 0, 1000, '')).rows.map((row) => row.line))], [1, 2, 4]);
  });

  it('stops when cancelled and keeps what it read', async () => {
    const lines = [header];
    for (let index = 0; index < 40_000; index += 1) lines.push(span(index));
    const { session, last } = open('big.trace.jsonl', `${lines.join('\n')}\n`);
    const reading = session.read();
    session.cancel();
    await reading;
    const progress = last('progress').progress;
    assert.equal(progress.phase, 'cancelled');
    assert.ok(last('snapshot').summary.events < 40_000);
    // It says how much was read, never "0 B" next to the events it counted.
    assert.ok(progress.bytesRead < progress.totalBytes);
    assert.ok(last('snapshot').summary.events === 0 || progress.bytesRead > 0, `${progress.bytesRead} B for ${last('snapshot').summary.events} events`);
    await session.reload();
    assert.equal(last('snapshot').summary.events, 40_000);
  });

  it('sorts the events by a column in natural order, within a filter too', async () => {
    const spanOf = (ts: number, service: string) => JSON.stringify({ kind: 'span', ts, service, operation: 'op', traceId: 't', spanId: `s${ts}`, durationMs: 1, status: 'ok' });
    const { session } = open('sorted.trace.jsonl', [header, spanOf(3, 'svc-10'), spanOf(1, 'svc-2'), spanOf(2, 'svc-1'), authz(4, 'deny'), ''].join('\n'));
    await session.read();
    const byService = await session.rows(1, 0, 10, '', { column: 'service', descending: false });
    assert.deepEqual(byService.rows.map((row) => row.service), ['checkout', 'svc-1', 'svc-2', 'svc-10']);
    assert.deepEqual(byService.sort, { column: 'service', descending: false });
    const byTimeDescending = await session.rows(2, 0, 10, 'svc', { column: 'time', descending: true });
    assert.deepEqual(byTimeDescending.rows.map((row) => row.ts), [4, 3, 2, 1]);
    const filtered = await session.rows(3, 1, 10, 'svc-1', { column: 'service', descending: true });
    assert.deepEqual(filtered.rows.map((row) => row.service), ['svc-1']);
    assert.equal(filtered.total, 2);
  });
});
