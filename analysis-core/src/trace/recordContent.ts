/**
 * What one length-prefixed record of a Collector file holds: a zstd frame is
 * decompressed first (within the same bound as the record), then the payload
 * is OTLP/JSON text or an OTLP/protobuf `ExportTraceServiceRequest`. Shared by
 * the reader and by the JSON Lines copy the trace viewer shows.
 */
import { decodeOtlpProtoBatch } from './otlpProto';
import { ZstdError, startsWithZstdFrame, zstdDecompress } from './zstd';

export type RecordContent = { kind: 'json'; text: Buffer } | { kind: 'batch'; batch: { resourceSpans: unknown[] } } | { kind: 'invalid'; reason: string };

/** The first non-blank byte is '{': JSON text. A protobuf message starts with a field tag, never '{' (field 15, a deprecated group). */
function isJsonText(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return byte === 0x7b;
  }
  return false;
}

export function recordContent(payload: Buffer, maxBytes: number): RecordContent {
  let bytes = payload;
  if (startsWithZstdFrame(bytes)) {
    try {
      bytes = zstdDecompress(bytes, maxBytes);
    } catch (error) {
      if (!(error instanceof ZstdError)) throw error;
      return { kind: 'invalid', reason: `zstd: ${error.message}` };
    }
  }
  if (isJsonText(bytes)) return { kind: 'json', text: bytes };
  try {
    return { kind: 'batch', batch: decodeOtlpProtoBatch(bytes) };
  } catch (error) {
    return { kind: 'invalid', reason: `not an OTLP/protobuf ExportTraceServiceRequest: ${(error as Error).message}` };
  }
}
