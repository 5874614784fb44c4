/**
 * Splits a byte stream into lines without ever decoding more than one line:
 * chunks are scanned for '\n' in place, and only a line cut by a chunk edge is
 * copied. A line longer than the bound is skipped as it streams past, so
 * memory stays bounded by `maxLineBytes` whatever the input.
 */

/** Receives one complete line: bytes [start, end) of `bytes`, without the '\n'. */
export type LineHandler = (bytes: Buffer, start: number, end: number, line: number, offset: number) => void;
/** Told about a line longer than the bound; its bytes were never kept. */
export type LongLineHandler = (line: number, offset: number, length: number) => void;

export interface SplitterPosition {
  /** Byte offset just after the last complete line. */
  offset: number;
  /** Number that the next line will get (1-based). */
  line: number;
}

export interface SplitterOptions {
  maxLineBytes: number;
  /** Absolute byte offset of the first pushed byte. */
  startOffset?: number;
  /** Line number of the first line. */
  startLine?: number;
  /** Drop everything up to and including the first '\n' (a range that starts mid-line). */
  skipFirstLine?: boolean;
  /** Lines starting at or after this offset are not emitted; `done` turns true. */
  stopAt?: number;
}

export class LineSplitter {
  private carry: Buffer = Buffer.alloc(0);
  private carryLength = 0;
  private discarding = false;
  private skipping: boolean;
  private lineStart: number;
  private position: number;
  private lineNumber: number;
  private readonly stopAt: number;
  done = false;

  constructor(
    private readonly options: SplitterOptions,
    private readonly onLine: LineHandler,
    private readonly onLongLine: LongLineHandler,
  ) {
    this.position = this.lineStart = options.startOffset ?? 0;
    this.lineNumber = options.startLine ?? 1;
    this.skipping = options.skipFirstLine === true;
    this.stopAt = options.stopAt ?? Number.POSITIVE_INFINITY;
  }

  get consumed(): SplitterPosition {
    return { offset: this.lineStart, line: this.lineNumber };
  }

  push(chunk: Buffer): void {
    const max = this.options.maxLineBytes;
    let position = 0;
    while (position < chunk.length && !this.done) {
      const newline = chunk.indexOf(10, position);
      if (newline === -1) {
        this.keep(chunk, position, chunk.length);
        break;
      }
      const absoluteEnd = this.position + newline;
      if (this.skipping) {
        // The partial first line of a mid-file range belongs to the previous range.
        this.skipping = false;
        this.lineStart = absoluteEnd + 1;
        position = newline + 1;
        continue;
      }
      if (this.lineStart >= this.stopAt) {
        this.done = true;
        break;
      }
      if (this.discarding) {
        this.discarding = false;
        this.onLongLine(this.lineNumber, this.lineStart, absoluteEnd - this.lineStart);
      } else if (this.carryLength > 0) {
        if (this.carryLength + (newline - position) > max) {
          this.onLongLine(this.lineNumber, this.lineStart, absoluteEnd - this.lineStart);
        } else {
          this.append(chunk, position, newline);
          this.onLine(this.carry, 0, this.carryLength, this.lineNumber, this.lineStart);
        }
        this.carryLength = 0;
      } else if (newline - position > max) {
        this.onLongLine(this.lineNumber, this.lineStart, newline - position);
      } else {
        this.onLine(chunk, position, newline, this.lineNumber, this.lineStart);
      }
      this.lineNumber += 1;
      this.lineStart = absoluteEnd + 1;
      position = newline + 1;
    }
    this.position += chunk.length;
  }

  /**
   * Ends the input. With `holdPartial` (a file that may still grow) a last line
   * without '\n' is left unread and `consumed` points at its start; otherwise
   * it is a complete line.
   */
  finish(holdPartial: boolean): SplitterPosition {
    if (this.done || holdPartial || this.skipping || this.lineStart >= this.stopAt) return this.consumed;
    if (this.discarding) {
      this.onLongLine(this.lineNumber, this.lineStart, this.position - this.lineStart);
    } else if (this.carryLength > 0) {
      this.onLine(this.carry, 0, this.carryLength, this.lineNumber, this.lineStart);
    } else {
      return this.consumed;
    }
    this.discarding = false;
    this.carryLength = 0;
    this.lineNumber += 1;
    this.lineStart = this.position;
    return this.consumed;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    if (this.discarding || this.skipping) return;
    if (this.carryLength + (to - from) > this.options.maxLineBytes) {
      this.discarding = true;
      this.carryLength = 0;
      return;
    }
    this.append(chunk, from, to);
  }

  private append(chunk: Buffer, from: number, to: number): void {
    const needed = this.carryLength + (to - from);
    if (needed > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(needed * 2, 64 * 1024), this.options.maxLineBytes + 1));
      this.carry.copy(grown, 0, 0, this.carryLength);
      this.carry = grown;
    }
    chunk.copy(this.carry, this.carryLength, from, to);
    this.carryLength = needed;
  }
}
