/**
 * Zstandard decompression (RFC 8878) with fzstd, which is plain JavaScript
 * (Node 20 has no zstd of its own). The frames are walked here, by their
 * frame and block headers, so that each frame gets a fresh decoder, a frame
 * that asks for a window over MAX_WINDOW_BYTES is refused before anything
 * that size is allocated, and damage is reported at the byte where it is.
 */
import { Decompress } from 'fzstd';

const ZSTD_MAGIC = 0xfd2fb528;
/** Skippable frames (0x184D2A50 to 0x184D2A5F, little-endian) carry no data; they are stepped over. */
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/** The zstd command's own default limit (`--memory=128MB`): a larger window is refused there too unless asked for. */
export const MAX_WINDOW_BYTES = 128 * 1024 * 1024;
const MAX_BLOCK_BYTES = 128 * 1024;
const BLOCK_HEADER_BYTES = 3;
const CHECKSUM_BYTES = 4;

export function startsWithZstdFrame(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0 === ZSTD_MAGIC;
}

/** A copy: Buffer's own `slice` returns a view. */
const copyOf = (bytes: Uint8Array, start: number, end: number): Uint8Array => Uint8Array.prototype.slice.call(bytes, start, end);

export class ZstdError extends Error {
  constructor(
    message: string,
    /** Offset in the compressed input of the frame or byte at fault. */
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Frame header size from its descriptor byte: magic, descriptor, window byte, dictionary id, content size. */
function frameHeaderBytes(descriptor: number): number {
  const singleSegment = (descriptor >> 5) & 1;
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 3]!;
  const contentSizeFlag = descriptor >> 6;
  const contentSizeBytes = contentSizeFlag === 0 ? singleSegment : [0, 2, 4, 8][contentSizeFlag]!;
  return 4 + 1 + (singleSegment ? 0 : 1) + dictionaryBytes + contentSizeBytes;
}

/** The window a frame needs, or why the frame cannot be decoded here. */
function frameWindow(header: Buffer): { window: number; checksum: boolean } | string {
  const descriptor = header[4]!;
  if (descriptor & 0x08) return 'reserved bit set in the frame header';
  const singleSegment = ((descriptor >> 5) & 1) === 1;
  const dictionaryStart = singleSegment ? 5 : 6;
  if (header.subarray(dictionaryStart, dictionaryStart + [0, 1, 2, 4][descriptor & 3]!).some((byte) => byte !== 0)) return 'the frame needs a dictionary';
  const checksum = ((descriptor >> 2) & 1) === 1;
  if (!singleSegment) {
    const windowByte = header[5]!;
    const base = 2 ** (10 + (windowByte >> 3));
    return { window: base + (base / 8) * (windowByte & 7), checksum };
  }
  // Single segment: the window is the content size, the header's last 1, 2, 4 or 8 bytes (little-endian).
  const sizeBytes = [1, 2, 4, 8][descriptor >> 6]!;
  let size = 0;
  for (let index = sizeBytes - 1; index >= 0; index--) size = size * 256 + header[header.length - sizeBytes + index]!;
  return { window: sizeBytes === 2 ? size + 256 : size, checksum };
}

type Stage = 'frameStart' | 'frameHeader' | 'blockHeader' | 'block' | 'checksum' | 'skippable';

/**
 * Decompresses a stream of zstd frames pushed in chunks of any size; every
 * decompressed block goes to `onData` (it may be reused after the call).
 * `push` and `end` throw ZstdError on damage; `onData` may throw to stop.
 */
export class ZstdDecoder {
  private stage: Stage = 'frameStart';
  private header = Buffer.alloc(18);
  private headerLength = 0;
  private headerNeed = 4;
  private remaining = 0;
  private lastBlock = false;
  private checksum = false;
  private maxBlock = MAX_BLOCK_BYTES;
  private frameStart = 0;
  private position = 0;
  private decoder: Decompress | undefined;

  constructor(
    private readonly onData: (chunk: Uint8Array) => void,
    private readonly maxWindowBytes = MAX_WINDOW_BYTES,
  ) {}

  /** True between frames: the input so far ends on a frame boundary. */
  get atFrameBoundary(): boolean {
    return this.stage === 'frameStart' && this.headerLength === 0;
  }

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      switch (this.stage) {
        case 'frameStart':
        case 'frameHeader':
        case 'blockHeader':
          at = this.collectHeader(chunk, at);
          break;
        case 'block':
        case 'checksum': {
          const take = Math.min(this.remaining, chunk.length - at);
          this.feed(copyOf(chunk, at, at + take));
          this.remaining -= take;
          at += take;
          if (this.remaining === 0) this.afterBody();
          break;
        }
        case 'skippable': {
          const take = Math.min(this.remaining, chunk.length - at);
          this.remaining -= take;
          at += take;
          if (this.remaining === 0) this.endFrame();
          break;
        }
      }
    }
    this.position += chunk.length;
  }

  /** Ends the input: it must end between frames. */
  end(): void {
    if (!this.atFrameBoundary) throw new ZstdError('truncated: the input ends inside a frame', this.frameStart);
  }

  private collectHeader(chunk: Uint8Array, at: number): number {
    const take = Math.min(this.headerNeed - this.headerLength, chunk.length - at);
    this.header.set(chunk.subarray(at, at + take), this.headerLength);
    this.headerLength += take;
    const next = at + take;
    if (this.headerLength < this.headerNeed) return next;
    const here = this.position + next;
    if (this.stage === 'frameStart') this.startFrame(here);
    else if (this.stage === 'frameHeader') this.frameHeaderRead();
    else this.blockHeaderRead(here);
    return next;
  }

  private startFrame(here: number): void {
    this.frameStart = here - 4;
    const magic = this.header.readUInt32LE(0);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      // The frame's size follows its magic number; the header is read as a 'frameHeader' of 8 bytes.
      this.stage = 'frameHeader';
      this.headerNeed = 8;
      return;
    }
    if (magic !== ZSTD_MAGIC) throw new ZstdError('not a zstd frame (bad magic number)', this.frameStart);
    this.stage = 'frameHeader';
    this.headerNeed = 5;
  }

  private frameHeaderRead(): void {
    const magic = this.header.readUInt32LE(0);
    if (magic !== ZSTD_MAGIC) {
      this.stage = 'skippable';
      this.remaining = this.header.readUInt32LE(4);
      this.headerLength = 0;
      if (this.remaining === 0) this.endFrame();
      return;
    }
    const full = frameHeaderBytes(this.header[4]!);
    if (this.headerNeed < full) {
      this.headerNeed = full;
      return;
    }
    const frame = frameWindow(this.header.subarray(0, full));
    if (typeof frame === 'string') throw new ZstdError(frame, this.frameStart);
    if (frame.window > this.maxWindowBytes) {
      throw new ZstdError(`the frame asks for a ${frame.window}-byte window, over the limit of ${this.maxWindowBytes}`, this.frameStart);
    }
    this.checksum = frame.checksum;
    this.maxBlock = Math.min(MAX_BLOCK_BYTES, Math.max(frame.window, 1));
    this.decoder = new Decompress((data) => {
      if (data.length > 0) this.onData(data);
    });
    this.feed(copyOf(this.header, 0, full));
    this.expectBlockHeader();
  }

  private blockHeaderRead(here: number): void {
    const header = this.header[0]! | (this.header[1]! << 8) | (this.header[2]! << 16);
    this.lastBlock = (header & 1) === 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === 3) throw new ZstdError('corrupt block (reserved block type)', here - BLOCK_HEADER_BYTES);
    if (size > this.maxBlock) throw new ZstdError(`corrupt block (${size} bytes, over the ${this.maxBlock}-byte maximum)`, here - BLOCK_HEADER_BYTES);
    this.feed(copyOf(this.header, 0, BLOCK_HEADER_BYTES));
    this.stage = 'block';
    // An RLE block is one byte repeated `size` times.
    this.remaining = type === 1 ? 1 : size;
    this.headerLength = 0;
    if (this.remaining === 0) this.afterBody();
  }

  private expectBlockHeader(): void {
    this.stage = 'blockHeader';
    this.headerLength = 0;
    this.headerNeed = BLOCK_HEADER_BYTES;
  }

  private afterBody(): void {
    if (this.stage === 'block' && !this.lastBlock) return this.expectBlockHeader();
    if (this.stage === 'block' && this.checksum) {
      this.stage = 'checksum';
      this.remaining = CHECKSUM_BYTES;
      return;
    }
    this.feed(new Uint8Array(0), true);
    this.endFrame();
  }

  private endFrame(): void {
    this.decoder = undefined;
    this.stage = 'frameStart';
    this.headerLength = 0;
    this.headerNeed = 4;
  }

  /** Hands bytes to fzstd, which may keep them until a block is whole: callers pass copies, never a reused buffer. */
  private feed(bytes: Uint8Array, final = false): void {
    try {
      this.decoder!.push(bytes, final);
    } catch (error) {
      if (error instanceof ZstdError) throw error;
      const code = (error as { code?: number }).code;
      // fzstd's codes: 0 invalid data, 1 window too large, 2 dictionaries, 3 unsupported, 5 unexpected end.
      if (typeof code === 'number') throw new ZstdError(`corrupt frame (${(error as Error).message})`, this.frameStart);
      throw error;
    }
  }
}

/** Decompresses input held whole in memory; throws ZstdError on damage and when the output would pass `maxBytes`. */
export function zstdDecompress(input: Uint8Array, maxBytes: number): Buffer {
  const parts: Uint8Array[] = [];
  let total = 0;
  const decoder = new ZstdDecoder((data) => {
    total += data.length;
    if (total > maxBytes) throw new ZstdError(`decompresses to more than ${maxBytes} bytes`, 0);
    parts.push(data.slice());
  });
  decoder.push(input);
  decoder.end();
  return Buffer.concat(parts, total);
}
