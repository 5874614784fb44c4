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

/** Gunzips `source` into the splitter; corrupt data ends the file with a fatal issue instead of a throw. */
async function pumpGzip(source: Readable, splitter: LineSplitter, parser: LineParser, file: string, sink: TraceSink, onProgress?: (bytes: number) => void): Promise<void> {
  const gunzip = zlib.createGunzip();
  let compressed = 0;
  source.on('data', (chunk: Buffer) => {
    compressed += chunk.length;
  });
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  try {
    await pumpStream(gunzip, splitter, parser, () => onProgress?.(compressed));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code?.startsWith('Z_') !== true) throw error;
    parser.fatal = `gzip data is corrupt or truncated: ${(error as Error).message}`;
    const { line, offset } = splitter.consumed;
    sink.issue?.({ file, line, offset, severity: 'fatal', reason: parser.fatal });
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
      await pumpGzip(handle.createReadStream({ start: 0, highWaterMark: CHUNK_BYTES, autoClose: false }), splitter, parser, file, sink, options.onProgress);
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
    await pumpGzip(Readable.from(rest()), splitter, parser, name, sink, options.onProgress);
  } else {
    await pumpStream(rest(), splitter, parser, (bytes) => options.onProgress?.((total += bytes)));
  }
  return result(name, parser, { ...splitter.finish(false), state: parser.state }, false);
}
