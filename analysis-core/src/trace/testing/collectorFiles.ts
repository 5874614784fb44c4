/**
 * Test fixtures: the same spans in every form the OpenTelemetry Collector's
 * file exporter writes, encoded by the official OpenTelemetry JS serializers
 * (not by the reader's own code) and compressed by the reference zstd
 * library (compiled to WebAssembly).
 */
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { compress, init } from '@bokuweb/zstd-wasm';
import { AUTHZ_ATTRIBUTES } from '../otlp';

/** What the exporter writes, by its `format` and `compression` settings (legacy: a zstd frame per record; native: one zstd stream). */
export type CollectorForm = 'json' | 'proto' | 'json+zstd' | 'proto+zstd' | 'json+native-zstd' | 'proto+native-zstd';
export const COLLECTOR_FORMS: readonly CollectorForm[] = ['json', 'proto', 'json+zstd', 'proto+zstd', 'json+native-zstd', 'proto+native-zstd'];

let zstdReady: Promise<void> | undefined;

export async function zstd(bytes: Uint8Array): Promise<Buffer> {
  await (zstdReady ??= init());
  return Buffer.from(compress(Buffer.from(bytes), 3));
}

export function lengthPrefixed(payload: Uint8Array): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(payload.length, 0);
  return Buffer.concat([prefix, payload]);
}

/** One export batch per service: spans recorded by the OpenTelemetry JS SDK, some with authorization decisions. */
export function recordBatches(batchCount: number, spansPerBatch = 6): ReadableSpan[][] {
  const batches: ReadableSpan[][] = [];
  for (let batch = 0; batch < batchCount; batch++) {
    const exporter = new InMemorySpanExporter();
    const service = `svc-${batch % 3}`;
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('planewise-test');
    const parent = tracer.startSpan('POST /orders', { attributes: { 'http.request.method': 'POST', 'http.route': '/orders/:id', 'http.response.status_code': 201 } });
    const inParent = trace.setSpan(context.active(), parent);
    for (let n = 1; n < spansPerBatch; n++) {
      const decision = (batch + n) % 4 === 0 ? 'deny' : 'allow';
      const child = tracer.startSpan(n % 2 === 0 ? 'authorize' : 'grpc call', {
        attributes:
          n % 2 === 0
            ? {
                [AUTHZ_ATTRIBUTES.principal]: `${service}-role`,
                [AUTHZ_ATTRIBUTES.action]: `storage:${['GetObject', 'PutObject', 'DeleteObject'][n % 3]}`,
                [AUTHZ_ATTRIBUTES.resource]: `storage:bucket/orders/${batch}-${n}.json`,
                [AUTHZ_ATTRIBUTES.decision]: decision,
                big: 12_345_678_901 + n,
                tags: ['a', `b${n}`],
              }
            : { 'rpc.service': 'billing.Billing', 'rpc.method': 'Charge', ratio: n / 7 },
      }, inParent);
      if (decision === 'deny') child.setStatus({ code: SpanStatusCode.ERROR, message: 'denied' });
      child.addEvent('planewise.authz', {
        [AUTHZ_ATTRIBUTES.principal]: `${service}-role`,
        [AUTHZ_ATTRIBUTES.action]: 'queue:Send',
        [AUTHZ_ATTRIBUTES.resource]: `queue:orders-${n % 2}`,
        [AUTHZ_ATTRIBUTES.decision]: 'allow',
      });
      child.end();
    }
    parent.end();
    batches.push(exporter.getFinishedSpans());
  }
  return batches;
}

export const jsonBatch = (spans: ReadableSpan[]): Uint8Array => JsonTraceSerializer.serializeRequest(spans)!;
export const protoBatch = (spans: ReadableSpan[]): Uint8Array => ProtobufTraceSerializer.serializeRequest(spans)!;

/** The bytes of one exporter file holding `batches`, as the exporter frames them in `form`. */
export async function collectorFile(batches: ReadableSpan[][], form: CollectorForm): Promise<Buffer> {
  const json = batches.map(jsonBatch);
  const proto = batches.map(protoBatch);
  const jsonLines = () => Buffer.concat(json.flatMap((bytes) => [bytes, Buffer.from('\n')]));
  const records = (payloads: Uint8Array[]) => Buffer.concat(payloads.map(lengthPrefixed));
  switch (form) {
    case 'json':
      return jsonLines();
    case 'proto':
      return records(proto);
    case 'json+zstd':
      return records(await Promise.all(json.map(zstd)));
    case 'proto+zstd':
      return records(await Promise.all(proto.map(zstd)));
    case 'json+native-zstd':
      return zstd(jsonLines());
    case 'proto+native-zstd':
      // With rotation the exporter writes one frame per write: the stream is several frames.
      return Buffer.concat(await Promise.all(proto.map((bytes) => zstd(lengthPrefixed(bytes)))));
  }
}
