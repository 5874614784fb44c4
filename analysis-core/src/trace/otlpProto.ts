/**
 * OTLP/protobuf: one `ExportTraceServiceRequest` message, as the Collector's
 * file exporter writes with `format: proto`, decoded into the shape of its
 * OTLP/JSON form so `otlpBatchToEvents` reads both alike. The descriptor is
 * generated from the official .proto files (analysis-core/proto, by
 * scripts/generate-otlp-proto.mjs).
 */
import { Root, type Type } from 'protobufjs/light';
import descriptor from './otlpProtoDescriptor.json';

let requestType: Type | undefined;

function exportTraceServiceRequest(): Type {
  requestType ??= Root.fromJSON(descriptor).lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  return requestType;
}

/**
 * Options that give the OTLP/JSON mapping: enums as numbers, bytes as base64
 * (trace and span ids are rewritten to hex below, as OTLP/JSON has them),
 * absent fields left out. 64-bit integers become bigint, which
 * otlpBatchToEvents reads as it reads JSON's decimal strings: the long
 * library's own decimal conversion took a third of the decoding time.
 */
const AS_JSON_MAPPING = { longs: BigInt, enums: Number, bytes: String, defaults: false } as const;
const ID_FIELDS = ['traceId', 'spanId', 'parentSpanId'] as const;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function idsToHex(holder: Json): void {
  for (const field of ID_FIELDS) {
    const value = holder[field];
    if (typeof value === 'string') holder[field] = Buffer.from(value, 'base64').toString('hex');
  }
}

/**
 * Decodes one message; throws (with protobufjs's reason) when the bytes are
 * not a well-formed `ExportTraceServiceRequest`.
 */
export function decodeOtlpProtoBatch(bytes: Uint8Array): { resourceSpans: unknown[] } {
  const type = exportTraceServiceRequest();
  const batch = type.toObject(type.decode(bytes), AS_JSON_MAPPING);
  const resourceSpans = Array.isArray(batch.resourceSpans) ? (batch.resourceSpans as unknown[]) : [];
  for (const resource of resourceSpans) {
    for (const scope of isObject(resource) && Array.isArray(resource.scopeSpans) ? resource.scopeSpans : []) {
      for (const span of isObject(scope) && Array.isArray(scope.spans) ? scope.spans : []) {
        if (!isObject(span)) continue;
        idsToHex(span);
        for (const link of Array.isArray(span.links) ? span.links : []) if (isObject(link)) idsToHex(link);
      }
    }
  }
  return { resourceSpans };
}
