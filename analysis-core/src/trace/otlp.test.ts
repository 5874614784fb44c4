import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { EventLocation, TraceIssue } from './lineParser';
import { AUTHZ_ATTRIBUTES, otlpBatchToEvents } from './otlp';
import { readTraceFile } from './reader';
import type { AuthzEvent, SpanEvent, TraceEvent } from './schema';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-otlp-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Real SDK output: spans recorded by the OpenTelemetry JS SDK, serialized by its OTLP/JSON serializer. */
function recordBatch(service: string, record: (tracer: ReturnType<BasicTracerProvider['getTracer']>) => void): string {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  record(provider.getTracer('planewise-test'));
  const bytes = JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans());
  assert.ok(bytes !== undefined);
  return new TextDecoder().decode(bytes);
}

const ordersBatch = () =>
  recordBatch('orders', (tracer) => {
    const parent = tracer.startSpan('POST /orders', { attributes: { 'http.request.method': 'POST', 'http.route': '/orders/:id', 'http.response.status_code': 201, tags: ['a', 'b'] } });
    const inParent = trace.setSpan(context.active(), parent);
    const rpc = tracer.startSpan('grpc call', { attributes: { 'rpc.service': 'billing.Billing', 'rpc.method': 'Charge' } }, inParent);
    rpc.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    rpc.end();
    const check = tracer.startSpan('authorize', {
      attributes: {
        [AUTHZ_ATTRIBUTES.principal]: 'svc-orders',
        [AUTHZ_ATTRIBUTES.action]: 'storage:PutObject',
        [AUTHZ_ATTRIBUTES.resource]: 'storage:bucket/orders/1.json',
        [AUTHZ_ATTRIBUTES.decision]: 'allow',
        [AUTHZ_ATTRIBUTES.matchedStatements]: ['AllowOrders'],
      },
    }, inParent);
    check.addEvent('planewise.authz', {
      [AUTHZ_ATTRIBUTES.principal]: 'svc-orders',
      [AUTHZ_ATTRIBUTES.action]: 'storage:DeleteObject',
      [AUTHZ_ATTRIBUTES.resource]: 'storage:bucket/orders/1.json',
      [AUTHZ_ATTRIBUTES.decision]: 'deny',
      [AUTHZ_ATTRIBUTES.denyReason]: 'explicit',
    });
    check.end();
    parent.setStatus({ code: SpanStatusCode.OK });
    parent.end();
  });

test('spans from the OpenTelemetry SDK map to span events by the documented conventions', () => {
  const { events, problems } = otlpBatchToEvents(JSON.parse(ordersBatch()));
  assert.deepEqual(problems, []);
  const spans = events.filter((e): e is SpanEvent => e.kind === 'span');
  assert.deepEqual(spans.map((s) => s.operation).sort(), ['POST /orders/:id', 'authorize', 'billing.Billing/Charge']);
  for (const s of spans) {
    assert.equal(s.service, 'orders');
    assert.match(s.traceId, /^[0-9a-f]{32}$/);
    assert.match(s.spanId, /^[0-9a-f]{16}$/);
    assert.ok(s.durationMs >= 0 && s.ts > 1.6e12);
  }
  const byOp = new Map(spans.map((s) => [s.operation, s]));
  assert.equal(byOp.get('billing.Billing/Charge')!.status, 'error');
  assert.equal(byOp.get('POST /orders/:id')!.status, 'ok');
  assert.equal(byOp.get('authorize')!.status, 'unset');
  assert.equal(byOp.get('billing.Billing/Charge')!.parentSpanId, byOp.get('POST /orders/:id')!.spanId);
  assert.equal(byOp.get('POST /orders/:id')!.attributes!.tags, '["a","b"]');
  assert.equal(byOp.get('POST /orders/:id')!.attributes!['http.response.status_code'], 201);
});

test('planewise.authz.* attributes on spans and span events become authorization decisions', () => {
  const { events } = otlpBatchToEvents(JSON.parse(ordersBatch()));
  const decisions = events.filter((e): e is AuthzEvent => e.kind === 'authz');
  assert.equal(decisions.length, 2);
  const allowed = decisions.find((d) => d.decision === 'allow')!;
  assert.deepEqual([allowed.principal, allowed.action, allowed.resource, allowed.matchedStatements], ['svc-orders', 'storage:PutObject', 'storage:bucket/orders/1.json', ['AllowOrders']]);
  const denied = decisions.find((d) => d.decision === 'deny')!;
  assert.equal(denied.denyReason, 'explicit');
  assert.equal(denied.action, 'storage:DeleteObject');
});

test('int64 as numbers or strings, typed values and incomplete authz attributes', () => {
  const batch = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: 'ab',
                spanId: 'cd',
                name: 'n',
                startTimeUnixNano: 1_700_000_000_000_000_000,
                endTimeUnixNano: 1_700_000_000_500_000_000,
                attributes: [
                  { key: 'count', value: { intValue: '9' } },
                  { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } } },
                  { key: AUTHZ_ATTRIBUTES.principal, value: { stringValue: 'p' } },
                ],
                status: { code: 2 },
              },
            ],
          },
        ],
      },
    ],
  };
  const { events, problems } = otlpBatchToEvents(batch);
  assert.equal(events.length, 1);
  const span = events[0] as SpanEvent;
  assert.equal(span.durationMs, 500);
  assert.equal(span.status, 'error');
  assert.deepEqual(span.attributes, { count: 9, map: '{"k":true}' });
  assert.match(problems[0]!, /without planewise\.authz\.action, planewise\.authz\.resource/);
});

test('the reader detects OTLP files by content, one batch per line', async () => {
  const file = path.join(dir, 'collector.json');
  fs.writeFileSync(file, `${ordersBatch()}\n${ordersBatch()}\n{"resourceSpans":"nope"}\n`);
  const events: { event: TraceEvent; at: EventLocation }[] = [];
  const issues: TraceIssue[] = [];
  const read = await readTraceFile(file, { event: (event, at) => events.push({ event, at }), issue: (issue) => issues.push(issue) });
  assert.equal(read.checkpoint.state.format, 'otlp');
  assert.equal(events.length, 10);
  assert.deepEqual([...new Set(events.map((e) => e.at.line))], [1, 2]);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.line, 3);
  assert.match(issues[0]!.reason, /not an OTLP batch/);
});
