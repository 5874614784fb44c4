/**
 * A JSON Lines copy of a trace that is not text (length-prefixed records,
 * zstd), for a viewer that shows each event's raw line and reads rows back by
 * byte offset. Each record becomes one line, in order, so line N of the copy
 * is record N of the file: OTLP/JSON records as they are, OTLP/protobuf
 * records as their OTLP/JSON form, and a record that cannot be decoded as an
 * empty line, reported through `onIssue`. A zstd stream of lines is copied
 * decompressed.
 */
import fs from 'node:fs';
import type { TraceIssue } from './lineParser';
import { recordContent } from './recordContent';
import { RecordSplitter } from './records';
import { DEFAULT_MAX_LINE_BYTES, startsWithLengthPrefix, traceFileForm } from './reader';
import { ZstdDecoder, ZstdError } from './zstd';

export interface JsonLinesCopyOptions {
  maxLineBytes?: number;
  /** Compressed bytes read so far; may throw to stop the copy. */
  onProgress?(bytes: number): void;
  /** Records left empty in the copy, and damage that ended it; `line` is the copy's line. */
  onIssue?(issue: TraceIssue): void;
}

const NEWLINE = Buffer.from('\n');
/** Protobuf's 64-bit integers are decoded as bigint; OTLP/JSON writes them as decimal strings. */
const asJsonInt64 = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);
const CHUNK_BYTES = 1024 * 1024;

/** Writes the copy of `file` to `output` (replaced). The file must not be plain text (`traceFileForm` other than `lines`, `gzip`). */
export async function copyAsJsonLines(file: string, output: string, options: JsonLinesCopyOptions = {}): Promise<void> {
  const maxBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const form = await traceFileForm(file);
  if (form !== 'records' && form !== 'zstd') throw new Error(`${file}: a ${form} trace is read in place, not copied`);
  const pending: Buffer[] = [];
  const issue = (line: number, offset: number, severity: TraceIssue['severity'], reason: string) => options.onIssue?.({ file, line, offset, severity, reason });
  let lines = 0;
  const records = new RecordSplitter(
    maxBytes,
    (bytes, start, end, record, offset) => {
      const content = recordContent(bytes.subarray(start, end), maxBytes);
      lines = record;
      if (content.kind === 'invalid') issue(record, offset, 'error', content.reason);
      // JSON whitespace may hold line breaks; inside a string they would be invalid JSON anyway.
      else if (content.kind === 'json') pending.push(Buffer.from(content.text.toString('utf8').replace(/[\r\n]+/g, ' ')));
      else pending.push(Buffer.from(JSON.stringify(content.batch, asJsonInt64)));
      pending.push(NEWLINE);
    },
    (record, offset, reason) => {
      lines = record;
      issue(record, offset, 'error', reason);
      pending.push(NEWLINE);
    },
  );
  let inner: 'lines' | 'records' | undefined = form === 'records' ? 'records' : undefined;
  const decoder = new ZstdDecoder((data) => {
    inner ??= startsWithLengthPrefix(data) ? 'records' : 'lines';
    if (inner === 'records') records.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    else pending.push(Buffer.from(data));
  });
  const out = await fs.promises.open(output, 'w');
  try {
    let read = 0;
    try {
      for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
        if (form === 'zstd') decoder.push(chunk);
        else records.push(chunk);
        read += chunk.length;
        if (pending.length > 0) await out.writev(pending.splice(0));
        options.onProgress?.(read);
      }
      if (form === 'zstd') decoder.end();
      if (inner === 'records') records.finish();
    } catch (error) {
      if (!(error instanceof ZstdError)) throw error;
      const what = inner === 'records' ? `the first ${lines} records` : 'what came before it';
      issue(lines + 1, 0, 'fatal', `zstd data is corrupt or truncated at byte ${error.offset}: ${error.message}; ${what} were copied`);
    }
    if (pending.length > 0) await out.writev(pending.splice(0));
  } finally {
    await out.close();
  }
}
