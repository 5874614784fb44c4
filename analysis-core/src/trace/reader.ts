/**
 * The streaming trace reader. Memory stays constant whatever the file size:
 * bytes are read in fixed chunks (the next read overlaps the parse of the
 * current one), split into lines in place, and each line is decoded on its
 * own. Plain files can be read from a checkpoint, so a viewer of a file that
 * is still being written reads only what was appended.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { type LineCounts, LineParser, type ParserState, type TraceSink, initialParserState } from './lineParser';
import { LineSplitter } from './lines';

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

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

async function readHead(handle: fs.promises.FileHandle): Promise<Buffer> {
  const head = Buffer.alloc(2);
  const { bytesRead } = await handle.read(head, 0, 2, 0);
  return head.subarray(0, bytesRead);
}

/** True when the file starts with the gzip magic bytes. */
export async function isGzipFile(file: string): Promise<boolean> {
  const handle = await fs.promises.open(file, 'r');
  try {
    return isGzip(await readHead(handle));
  } finally {
    await handle.close();
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
async function pumpFile(handle: fs.promises.FileHandle, splitter: LineSplitter, parser: LineParser, start: number, end: number, onProgress?: (bytes: number) => void): Promise<void> {
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

async function pumpStream(source: AsyncIterable<Buffer>, splitter: LineSplitter, parser: LineParser, onChunk?: (bytes: number) => void): Promise<void> {
  for await (const chunk of source) {
    splitter.push(chunk);
    onChunk?.(chunk.length);
    if (parser.fatal !== undefined) break;
  }
}

function result(file: string, parser: LineParser, checkpoint: ReadCheckpoint, restarted: boolean): ReadResult {
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
 * Reads one trace file (planewise JSON Lines or OTLP/JSON, optionally gzipped)
 * and hands every valid event and every issue to `sink`. Throws only when the
 * file cannot be opened or read; bad content becomes issues.
 */
export async function readTraceFile(file: string, sink: TraceSink, options: ReadOptions = {}): Promise<ReadResult> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const handle = await fs.promises.open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    if (isGzip(await readHead(handle))) {
      const parser = new LineParser(file, initialParserState(), sink);
      const splitter = makeSplitter(parser, maxLineBytes, { startOffset: 0, startLine: 1 });
      await pumpGzip(handle.createReadStream({ start: 0, highWaterMark: CHUNK_BYTES, autoClose: false }), splitter, parser, file, file, sink, options.onProgress);
      return result(file, parser, { ...splitter.finish(false), state: parser.state }, false);
    }
    const restarted = options.from !== undefined && options.from.offset > size;
    const from = restarted || options.from === undefined ? { offset: 0, line: 1, state: initialParserState() } : options.from;
    const parser = new LineParser(file, { ...from.state }, sink);
    const splitter = makeSplitter(parser, maxLineBytes, { startOffset: from.offset, startLine: from.line });
    await pumpFile(handle, splitter, parser, from.offset, size, options.onProgress);
    const end = splitter.finish(options.follow === true);
    return result(file, parser, { ...end, state: parser.state }, restarted);
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
    const parser = new LineParser(file, { ...options.state }, sink, options.start > 0);
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

/** Reads a trace from a stream (stdin); gzip is recognised by its magic bytes. */
export async function readTraceStream(stream: Readable, name: string, sink: TraceSink, options: ReadOptions = {}): Promise<ReadResult> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const parser = new LineParser(name, initialParserState(), sink);
  const splitter = makeSplitter(parser, maxLineBytes, { startOffset: 0, startLine: 1 });
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  if (first.done === true) return result(name, parser, { ...splitter.finish(false), state: parser.state }, false);
  const firstChunk = Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value);
  async function* rest(): AsyncGenerator<Buffer> {
    yield firstChunk;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
  }
  let total = 0;
  if (isGzip(firstChunk)) {
    await pumpGzip(Readable.from(rest()), splitter, parser, name, undefined, sink, options.onProgress);
  } else {
    await pumpStream(rest(), splitter, parser, (bytes) => options.onProgress?.((total += bytes)));
  }
  return result(name, parser, { ...splitter.finish(false), state: parser.state }, false);
}
