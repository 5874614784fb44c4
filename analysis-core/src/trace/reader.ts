/**
 * The streaming trace reader. Memory stays constant whatever the file size:
 * bytes are read in fixed chunks (the next read overlaps the parse of the
 * current one), split into lines in place, and each line is decoded on its
 * own. Plain files can be read from a checkpoint, so a viewer of a file that
 * is still being written reads only what was appended.
 *
 * Besides text (JSON Lines, optionally gzipped) it reads what the OpenTelemetry
 * Collector's file exporter writes with `format: proto` or `compression: zstd`:
 * length-prefixed records (each an OTLP/protobuf message or a zstd frame of
 * one), or a whole-file zstd stream of lines or records. The form is told
 * from the first bytes, never from the name (docs/trace-format.md).
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { type LineCounts, LineParser, type ParserState, type TraceSink, initialParserState } from './lineParser';
import { LineSplitter, type SplitterPosition } from './lines';
import { RecordSplitter } from './records';
import { recordContent } from './recordContent';
import { ZstdDecoder, ZstdError, startsWithZstdFrame } from './zstd';

export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

export interface ReadCheckpoint {
  /** Byte offset just after the last complete line read. */
  offset: number;
  /** Number the next line will get. */
  line: number;
  state: ParserState;
}

export interface ReadOptions {
  /** Longer lines are reported and skipped without being held in memory. Default 4 MiB. */
  maxLineBytes?: number;
  /** A record of a JSON document spread over lines that is longer is reported and skipped. Default 256 MiB. */
  maxDocumentBytes?: number;
  /** Continue after an earlier read of the same plain file. */
  from?: ReadCheckpoint;
  /** The file may still grow: a last line without '\n' is left for the next read instead of parsed. */
  follow?: boolean;
  /** Called after each chunk with the bytes consumed so far (compressed bytes for .gz). */
  onProgress?(bytes: number): void;
}

export interface ReadResult {
  file: string;
  counts: LineCounts;
  /** Where a later `from` read continues. */
  checkpoint: ReadCheckpoint;
  /** Set when the rest of the file could not be read: unsupported version, corrupt gzip. */
  fatal?: string;
  /** The file was shorter than the checkpoint (truncated or replaced), so it was read from the start. */
  restarted: boolean;
  /** A header was read after the file's first line (concatenated traces). */
  laterHeader: boolean;
}

/** Reads a byte range of a plain file: lines that start in [start, end). */
export interface RangeOptions extends ReadOptions {
  start: number;
  end: number;
  /** Line number of the first line in the range, if known (0-relative numbering otherwise). */
  startLine: number;
  state: ParserState;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
/** Bytes that tell the forms apart: the zstd magic number is the longest. */
const HEAD_BYTES = 4;

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

/**
 * How a trace file is stored. `lines`: text, one JSON document a line.
 * `gzip`: the same, gzipped. `zstd`: a zstd stream whose content is lines or
 * records. `records`: length-prefixed records.
 */
export type TraceFileForm = 'lines' | 'gzip' | 'zstd' | 'records';

/**
 * Text starts with '{', '[', whitespace or a byte order mark, never with a
 * control byte below TAB; a 4-byte big-endian length under 144 MiB always does.
 */
export const startsWithLengthPrefix = (bytes: Uint8Array) => bytes.length > 0 && bytes[0]! < 0x09;

function formOf(head: Buffer): TraceFileForm {
  if (isGzip(head)) return 'gzip';
  if (startsWithZstdFrame(head)) return 'zstd';
  return startsWithLengthPrefix(head) ? 'records' : 'lines';
}

async function readHead(handle: fs.promises.FileHandle): Promise<Buffer> {
  const head = Buffer.alloc(HEAD_BYTES);
  const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
  return head.subarray(0, bytesRead);
}

/** The form of a trace file, from its first bytes. Only `lines` files can be split into byte ranges. */
export async function traceFileForm(file: string): Promise<TraceFileForm> {
  const handle = await fs.promises.open(file, 'r');
  try {
    return formOf(await readHead(handle));
  } finally {
    await handle.close();
  }
}

/** What the byte pumps feed: a line or record splitter. */
interface ByteSplitter {
  push(chunk: Buffer): void;
  readonly done: boolean;
}

/**
 * Splits length-prefixed records and hands each to the parser as OTLP/JSON
 * or OTLP/protobuf (recordContent.ts). Every record stands alone, so a
 * damaged one is an issue and the next is read.
 */
function makeRecordSplitter(parser: LineParser, maxRecordBytes: number, options: { startOffset: number; startRecord: number }): RecordSplitter {
  parser.unit = 'record';
  return new RecordSplitter(
    maxRecordBytes,
    (bytes, start, end, record, offset) => {
      const content = recordContent(bytes.subarray(start, end), maxRecordBytes);
      if (content.kind === 'json') parser.line(content.text, 0, content.text.length, record, offset);
      else if (content.kind === 'batch') parser.otlpRecord(content.batch, record, offset, end - start);
      else parser.invalidRecord(record, offset, content.reason);
    },
    (record, offset, reason) => parser.invalidRecord(record, offset, reason),
    options,
  );
}

/**
 * The content of a whole-file zstd stream: lines or records, told by its
 * first byte as for a plain file.
 */
class ZstdContent {
  private inner: LineSplitter | RecordSplitter | undefined;

  constructor(
    private readonly parser: LineParser,
    private readonly maxLineBytes: number,
  ) {}

  push(data: Uint8Array): void {
    const chunk = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.inner ??= startsWithLengthPrefix(chunk)
      ? makeRecordSplitter(this.parser, this.maxLineBytes, { startOffset: 0, startRecord: 1 })
      : makeSplitter(this.parser, this.maxLineBytes, { startOffset: 0, startLine: 1 });
    this.inner.push(chunk);
  }

  get consumed(): SplitterPosition {
    return this.inner?.consumed ?? { offset: 0, line: 1 };
  }

  finish(): SplitterPosition {
    return this.inner?.finish(false) ?? this.consumed;
  }
}

/**
 * Decompresses a whole-file zstd stream into `content`. Damage ends the file
 * with a fatal issue and keeps everything before it, as for gzip.
 */
async function pumpZstd(source: AsyncIterable<Buffer>, content: ZstdContent, parser: LineParser, onProgress?: (bytes: number) => void): Promise<void> {
  const decoder = new ZstdDecoder((data) => content.push(data));
  let compressed = 0;
  try {
    for await (const chunk of source) {
      decoder.push(chunk);
      compressed += chunk.length;
      onProgress?.(compressed);
      if (parser.fatal !== undefined) return;
    }
    decoder.end();
  } catch (error) {
    if (!(error instanceof ZstdError)) throw error;
    const { line, offset } = content.consumed;
    const what = parser.unit === 'record' ? 'records' : 'lines';
    parser.stop(line, offset, `zstd data is corrupt or truncated at byte ${error.offset}: ${error.message}; the ${what} before it were read`);
  }
}

function makeSplitter(parser: LineParser, maxLineBytes: number, options: { startOffset: number; startLine: number; skipFirstLine?: boolean; stopAt?: number }): LineSplitter {
  return new LineSplitter(
    { maxLineBytes, ...options },
    (bytes, start, end, line, offset) => parser.line(bytes, start, end, line, offset),
    (line, offset, length) => parser.longLine(line, offset, length, maxLineBytes),
  );
}

/** Reads plain bytes [start, end) with a prefetching read loop. */
async function pumpFile(handle: fs.promises.FileHandle, splitter: ByteSplitter, parser: LineParser, start: number, end: number, onProgress?: (bytes: number) => void): Promise<void> {
  const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  let position = start;
  let turn = 0;
  const readAt = (at: number) => handle.read(buffers[turn % 2]!, 0, Math.min(CHUNK_BYTES, Math.max(0, end - at)), at);
  let pending = position < end ? readAt(position) : undefined;
  while (pending !== undefined) {
    const { bytesRead, buffer } = await pending;
    if (bytesRead === 0) break;
    position += bytesRead;
    turn += 1;
    pending = position < end ? readAt(position) : undefined;
    splitter.push(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
    onProgress?.(position - start);
    if (splitter.done || parser.fatal !== undefined) break;
  }
  if (pending !== undefined) await pending;
}

async function pumpStream(source: AsyncIterable<Buffer>, splitter: ByteSplitter, parser: LineParser, onChunk?: (bytes: number) => void): Promise<void> {
  for await (const chunk of source) {
    splitter.push(chunk);
    onChunk?.(chunk.length);
    if (parser.fatal !== undefined) break;
  }
}

function newParser(file: string, state: ParserState, sink: TraceSink, options: ReadOptions, quietHeaderless = false): LineParser {
  const parser = new LineParser(file, state, sink, quietHeaderless);
  if (options.maxDocumentBytes !== undefined) parser.maxDocumentBytes = options.maxDocumentBytes;
  return parser;
}

function result(file: string, parser: LineParser, checkpoint: ReadCheckpoint, restarted: boolean): ReadResult {
  parser.finish();
  const read: ReadResult = { file, counts: parser.counts, checkpoint, restarted, laterHeader: parser.laterHeader };
  if (parser.fatal !== undefined) read.fatal = parser.fatal;
  return read;
}

const zlibError = (error: unknown) => (error as NodeJS.ErrnoException).code?.startsWith('Z_') === true;

/** Writes `bytes` to the gunzip and waits until their output has been handed on; resolves with the error, if any. */
function inflate(gunzip: zlib.Gunzip, bytes: Buffer): Promise<Error | undefined> {
  return new Promise((resolve) => {
    // A failed write may report through 'error' alone.
    const failed = (error: Error) => resolve(error);
    gunzip.once('error', failed);
    gunzip.write(bytes, (error) => {
      gunzip.off('error', failed);
      resolve(error ?? undefined);
    });
  });
}

/**
 * After a gzip error: zlib drops the output of the write that failed, so the
 * file is inflated again up to where the first pass stopped, then one byte at
 * a time, and every byte of output past `delivered` goes to `push`. Returns
 * the offset of the compressed byte zlib refused (the file size if none).
 */
async function recoverGzipTail(file: string, stoppedAt: number, delivered: number, push: (chunk: Buffer) => void): Promise<number> {
  const gunzip = zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
  let decoded = 0;
  gunzip.on('data', (chunk: Buffer) => {
    const fresh = decoded + chunk.length - delivered;
    decoded += chunk.length;
    if (fresh > 0) push(fresh === chunk.length ? chunk : chunk.subarray(chunk.length - fresh));
  });
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let position = 0;
    for (;;) {
      const stepBytes = position < stoppedAt ? Math.min(CHUNK_BYTES, stoppedAt - position) : 1;
      const { bytesRead } = await handle.read(buffer, 0, stepBytes, position);
      if (bytesRead === 0) break;
      if ((await inflate(gunzip, Buffer.from(buffer.subarray(0, bytesRead)))) !== undefined) break;
      position += bytesRead;
    }
    gunzip.destroy();
    return position;
  } finally {
    await handle.close();
  }
}

/**
 * Gunzips `source` into the splitter. Damage ends the file with an issue
 * instead of a throw, and keeps every line before it: data after the last
 * gzip member (which `gzip -t` accepts) is a warning, a truncated or corrupt
 * stream is fatal. `file` set means it can be read again to recover the lines
 * zlib held back when it failed; stdin cannot.
 */
async function pumpGzip(source: Readable, splitter: LineSplitter, parser: LineParser, name: string, file: string | undefined, sink: TraceSink, onProgress?: (bytes: number) => void): Promise<void> {
  const gunzip = zlib.createGunzip();
  let compressed = 0;
  let delivered = 0;
  source.on('data', (chunk: Buffer) => {
    compressed += chunk.length;
  });
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  try {
    await pumpStream(gunzip, splitter, parser, (bytes) => {
      delivered += bytes;
      onProgress?.(compressed);
    });
  } catch (error) {
    if (!zlibError(error)) throw error;
    const stoppedAt = gunzip.bytesWritten;
    const trailing = (error as Error).message === 'incorrect header check' && stoppedAt > 0;
    let refusedAt = stoppedAt;
    if (file !== undefined) refusedAt = await recoverGzipTail(file, stoppedAt, delivered, (chunk) => splitter.push(chunk));
    const size = file !== undefined ? (await fs.promises.stat(file)).size : compressed;
    // zlib takes the first byte after a member as the start of another and refuses the second: the data starts one byte earlier.
    const good = Math.max(0, refusedAt - 1);
    const { line, offset } = splitter.consumed;
    if (trailing) {
      // Like `gzip -t`: every member was whole; what follows them is not gzip and is left unread.
      const count = file !== undefined ? ` (${size - good} bytes)` : '';
      parser.reportAfterEnd('warning', line, offset, `trailing data after the gzip stream${count}, ignored`);
    } else {
      parser.fatal = `gzip data is corrupt or truncated: ${(error as Error).message}; the lines before it were read`;
      sink.issue?.({ file: name, line, offset, severity: 'fatal', reason: parser.fatal });
    }
  } finally {
    source.destroy();
  }
}

/**
 * Reads one trace file (planewise JSON Lines or OTLP/JSON, optionally gzipped;
 * OTLP/protobuf or OTLP/JSON records, optionally zstd-compressed) and hands
 * every valid event and every issue to `sink`. Throws only when the file
 * cannot be opened or read; bad content becomes issues.
 */
export async function readTraceFile(file: string, sink: TraceSink, options: ReadOptions = {}): Promise<ReadResult> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const handle = await fs.promises.open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const form = formOf(await readHead(handle));
    if (form === 'gzip' || form === 'zstd') {
      const parser = newParser(file, initialParserState(), sink, options);
      const stream = handle.createReadStream({ start: 0, highWaterMark: CHUNK_BYTES, autoClose: false });
      if (form === 'zstd') {
        const content = new ZstdContent(parser, maxLineBytes);
        try {
          await pumpZstd(stream, content, parser, options.onProgress);
        } finally {
          stream.destroy();
        }
        return result(file, parser, { ...content.finish(), state: parser.state }, false);
      }
      const splitter = makeSplitter(parser, maxLineBytes, { startOffset: 0, startLine: 1 });
      await pumpGzip(stream, splitter, parser, file, file, sink, options.onProgress);
      return result(file, parser, { ...splitter.finish(false), state: parser.state }, false);
    }
    const restarted = options.from !== undefined && options.from.offset > size;
    const from = restarted || options.from === undefined ? { offset: 0, line: 1, state: initialParserState() } : options.from;
    const parser = newParser(file, { ...from.state }, sink, options);
    const follow = options.follow === true;
    if (form === 'records') {
      const splitter = makeRecordSplitter(parser, maxLineBytes, { startOffset: from.offset, startRecord: from.line });
      await pumpFile(handle, splitter, parser, from.offset, size, options.onProgress);
      return result(file, parser, { ...splitter.finish(follow), state: parser.state }, restarted);
    }
    const splitter = makeSplitter(parser, maxLineBytes, { startOffset: from.offset, startLine: from.line });
    await pumpFile(handle, splitter, parser, from.offset, size, options.onProgress);
    return result(file, parser, { ...splitter.finish(follow), state: parser.state }, restarted);
  } finally {
    await handle.close();
  }
}

/** Reads the lines of a plain file that start inside [start, end): one shard of a parallel read. */
export async function readTraceRange(file: string, sink: TraceSink, options: RangeOptions): Promise<ReadResult> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const handle = await fs.promises.open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const parser = newParser(file, { ...options.state }, sink, options, options.start > 0);
    // Start one byte early: if that byte is '\n' the range starts on a line boundary.
    const readFrom = options.start > 0 ? options.start - 1 : 0;
    const splitter = makeSplitter(parser, maxLineBytes, { startOffset: readFrom, startLine: options.startLine, skipFirstLine: options.start > 0, stopAt: options.end });
    await pumpFile(handle, splitter, parser, readFrom, size, options.onProgress);
    const end = splitter.finish(options.follow === true);
    return result(file, parser, { ...end, state: parser.state }, false);
  } finally {
    await handle.close();
  }
}

/** Reads a trace from a stream (stdin); its form is recognised from its first bytes as for a file. */
export async function readTraceStream(stream: Readable, name: string, sink: TraceSink, options: ReadOptions = {}): Promise<ReadResult> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const parser = newParser(name, initialParserState(), sink, options);
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // A pipe may deliver fewer bytes than the form needs at first.
  const firstChunks: Buffer[] = [];
  let firstLength = 0;
  let ended = false;
  while (firstLength < HEAD_BYTES && !ended) {
    const next = await iterator.next();
    if (next.done === true) ended = true;
    else {
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      firstChunks.push(chunk);
      firstLength += chunk.length;
    }
  }
  const firstChunk = Buffer.concat(firstChunks, firstLength);
  async function* rest(): AsyncGenerator<Buffer> {
    if (firstChunk.length > 0) yield firstChunk;
    if (ended) return;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
  }
  let total = 0;
  const countBytes = (bytes: number) => options.onProgress?.((total += bytes));
  const form = formOf(firstChunk);
  if (form === 'zstd') {
    const content = new ZstdContent(parser, maxLineBytes);
    await pumpZstd(rest(), content, parser, options.onProgress);
    return result(name, parser, { ...content.finish(), state: parser.state }, false);
  }
  if (form === 'records') {
    const splitter = makeRecordSplitter(parser, maxLineBytes, { startOffset: 0, startRecord: 1 });
    await pumpStream(rest(), splitter, parser, countBytes);
    return result(name, parser, { ...splitter.finish(false), state: parser.state }, false);
  }
  const splitter = makeSplitter(parser, maxLineBytes, { startOffset: 0, startLine: 1 });
  if (form === 'gzip') await pumpGzip(Readable.from(rest()), splitter, parser, name, undefined, sink, options.onProgress);
  else await pumpStream(rest(), splitter, parser, countBytes);
  return result(name, parser, { ...splitter.finish(false), state: parser.state }, false);
}
