/**
 * Splits a byte stream of length-prefixed records, the framing the
 * Collector's file exporter uses for `format: proto` and for compressed
 * records: each record is a 4-byte big-endian unsigned length, then that
 * many bytes. Like LineSplitter, memory stays bounded: a record is held only
 * when it is within `maxRecordBytes`; a longer one is skipped as it streams
 * past and reported, and its length prefix is never used to allocate.
 */
import type { SplitterPosition } from './lines';

export const LENGTH_PREFIX_BYTES = 4;

/** Receives one complete record's payload: bytes [start, end) of `bytes`; `offset` is where its length prefix starts. */
export type RecordHandler = (bytes: Buffer, start: number, end: number, record: number, offset: number) => void;
/** Told about a record over the bound (it was skipped) or cut short by the end of the input. */
export type RecordProblemHandler = (record: number, offset: number, reason: string) => void;

export class RecordSplitter {
  private prefix = Buffer.alloc(LENGTH_PREFIX_BYTES);
  private prefixLength = 0;
  /** Payload bytes still expected for the current record; -1 while reading a length prefix. */
  private remaining = -1;
  private declared = 0;
  /** The current record's payload, when it is kept and spans chunks. */
  private body: Buffer | undefined;
  private bodyLength = 0;
  private skipping = false;
  private recordStart: number;
  private position: number;
  private recordNumber: number;
  /** Never stops early (a line splitter does, at the end of its range): records are not split into ranges. */
  readonly done = false;

  constructor(
    private readonly maxRecordBytes: number,
    private readonly onRecord: RecordHandler,
    private readonly onProblem: RecordProblemHandler,
    options: { startOffset?: number; startRecord?: number } = {},
  ) {
    this.position = this.recordStart = options.startOffset ?? 0;
    this.recordNumber = options.startRecord ?? 1;
  }

  get consumed(): SplitterPosition {
    return { offset: this.recordStart, line: this.recordNumber };
  }

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining === -1) {
        const take = Math.min(LENGTH_PREFIX_BYTES - this.prefixLength, chunk.length - at);
        chunk.copy(this.prefix, this.prefixLength, at, at + take);
        this.prefixLength += take;
        at += take;
        if (this.prefixLength === LENGTH_PREFIX_BYTES) this.startBody(chunk, at);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - at);
      if (!this.skipping) {
        if (this.body === undefined && take === this.remaining) {
          // The whole payload is in this chunk: no copy.
          this.remaining = 0;
          this.endRecord(chunk, at, at + take);
          at += take;
          continue;
        }
        this.body ??= Buffer.allocUnsafe(this.declared);
        chunk.copy(this.body, this.bodyLength, at, at + take);
        this.bodyLength += take;
      }
      this.remaining -= take;
      at += take;
      if (this.remaining === 0) this.endRecord(this.body, 0, this.bodyLength);
    }
    this.position += chunk.length;
  }

  /**
   * Ends the input; a record cut short is reported, not used. With
   * `holdPartial` (a file that may still grow) it is left for the next read
   * and `consumed` points at its start.
   */
  finish(holdPartial = false): SplitterPosition {
    if (holdPartial) return this.consumed;
    if (this.remaining > 0 && this.skipping) {
      // Already reported as over the bound.
      this.advance(this.position);
    } else if (this.remaining === -1 && this.prefixLength > 0) {
      this.onProblem(this.recordNumber, this.recordStart, `truncated: ${this.prefixLength} of the ${LENGTH_PREFIX_BYTES} bytes of a length prefix, then the end of the input`);
      this.advance(this.position);
    } else if (this.remaining > 0 && !this.skipping) {
      const have = this.declared - this.remaining;
      this.onProblem(this.recordNumber, this.recordStart, `truncated: the length prefix says ${this.declared} bytes, the input ends after ${have}`);
      this.advance(this.position);
    }
    return this.consumed;
  }

  private startBody(chunk: Buffer, at: number): void {
    this.declared = this.prefix.readUInt32BE(0);
    this.remaining = this.declared;
    this.skipping = this.declared > this.maxRecordBytes;
    if (this.skipping) {
      this.onProblem(this.recordNumber, this.recordStart, `record is ${this.declared} bytes, over the limit of ${this.maxRecordBytes}; skipped`);
    }
    if (this.declared === 0) this.endRecord(chunk, at, at);
  }

  private endRecord(bytes: Buffer | undefined, start: number, end: number): void {
    const recordEnd = this.recordStart + LENGTH_PREFIX_BYTES + this.declared;
    if (!this.skipping && bytes !== undefined) this.onRecord(bytes, start, end, this.recordNumber, this.recordStart);
    this.advance(recordEnd);
  }

  private advance(nextStart: number): void {
    this.recordNumber += 1;
    this.recordStart = nextStart;
    this.prefixLength = 0;
    this.remaining = -1;
    this.body = undefined;
    this.bodyLength = 0;
    this.skipping = false;
  }
}
