/**
 * Reads a JSON document spread over many lines (`aws cloudtrail lookup-events`
 * output, `jq .`, `gcloud logging read --format=json`) as the records it
 * holds. The lines are scanned as they arrive and each record is handed on
 * as soon as its closing bracket is seen, so memory holds one record, not the
 * document: the elements of a top-level array, of a top-level object's
 * `Records`, `Events` or `entries` array, or else the whole top-level value.
 * Several documents may follow each other (`jq .` over JSON Lines).
 */

/** One record: bytes [start, end) of the file, starting on `line`. */
export interface DocumentRecord {
  value: unknown;
  line: number;
  offset: number;
  length: number;
}

export interface DocumentHandlers {
  record(record: DocumentRecord): void;
  /** A record that could not be used (over the bound); the document goes on. */
  invalid(line: number, offset: number, reason: string): void;
  /** A syntax error: nothing after it can be read; `atEnd` when the input ended inside the document. */
  broken(line: number, offset: number, reason: string, atEnd: boolean): void;
}

/** The bound on one record held in memory; the option that raises it is named in the issue. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** Top-level members whose array elements are the records: CloudTrail delivery files, lookup-events, the Cloud Logging API. */
const RECORD_ARRAYS = new Set(['Records', 'Events', 'entries']);

const enum Expect {
  /** A value (top level, after `[`, `,` in an array, or `:`). */
  Value,
  /** A value or `]` right after `[`. */
  ValueOrClose,
  /** A key or `}` right after `{`. */
  KeyOrClose,
  /** A key after `,` in an object. */
  Key,
  Colon,
  /** `,` or the container's closing bracket, after a value. */
  Next,
}

const enum Token {
  None,
  String,
  Number,
  Literal,
}

const OBJECT = 1;
const ARRAY = 2;
const MAX_KEY_BYTES = 16;

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
const describeByte = (byte: number) => (byte >= 0x20 && byte < 0x7f ? `"${String.fromCharCode(byte)}"` : `byte 0x${byte.toString(16).padStart(2, '0')}`);

/**
 * The incremental scanner. `line` takes one line without its line break (a
 * line break is whitespace between tokens, and invalid inside a string).
 */
export class JsonDocumentReader {
  private readonly stack: number[] = [];
  private expect = Expect.Value;
  private token = Token.None;
  /** Inside a string: after `\`, or how many `\u` hex digits remain. */
  private escape = 0;
  private literal = '';
  private literalIndex = 0;
  /** Number state: 0 after `-`, 1 after a leading 0, 2 in integer digits, 3 after `.`, 4 in fraction, 5 after `e`, 6 after its sign, 7 in exponent. */
  private numberState = 0;
  private stringIsKey = false;
  private key: number[] = [];
  private lastKey = '';
  /** Depth whose direct children are records, when records are split out of an array. */
  private recordParent: number | undefined;
  /** The record being held: where it starts, and the lines read since. */
  private held: { offset: number; line: number; oversized: boolean } | undefined;
  private pieces: { offset: number; bytes: Buffer }[] = [];
  private heldBytes = 0;
  private valueLine = 0;
  failed = false;
  /** Records handed on so far. */
  records = 0;
  /** True between the first byte of a top-level value and its end. */
  get open(): boolean {
    return this.stack.length > 0 || this.token !== Token.None || this.held !== undefined;
  }

  constructor(
    private readonly handlers: DocumentHandlers,
    private readonly maxBytes: number = DEFAULT_MAX_DOCUMENT_BYTES,
  ) {}

  /** Scans bytes [start, end) of one line, the byte at `start` being at `offset` in the file. */
  line(bytes: Buffer, start: number, end: number, line: number, offset: number): void {
    if (this.failed) return;
    const base = offset - start;
    if (this.held !== undefined && !this.held.oversized) this.hold(Buffer.from(bytes.subarray(start, end)), offset);
    for (let index = start; index <= end && !this.failed; index++) {
      // The line break after the line: whitespace, or the end of a number or literal.
      const byte = index === end ? 0x0a : bytes[index]!;
      if (this.token === Token.String) {
        index = this.stringBytes(bytes, index, end, line, base);
        continue;
      }
      if (this.token === Token.Number && this.numberByte(byte, line, base + index)) continue;
      if (this.token === Token.Literal) {
        if (byte !== this.literal.charCodeAt(this.literalIndex)) {
          this.fail(line, base + index, `${describeByte(byte)} where "${this.literal}" was expected`);
          continue;
        }
        this.literalIndex += 1;
        if (this.literalIndex === this.literal.length) {
          this.token = Token.None;
          this.valueEnded(base + index + 1, line);
        }
        continue;
      }
      if (isSpace(byte)) continue;
      this.structural(byte, bytes, index, end, line, base);
    }
    if (this.held === undefined) this.pieces = [];
  }

  /** The end of the input: a document still open is cut short. */
  finish(line: number, offset: number): void {
    if (this.failed || !this.open) return;
    const what = this.token === Token.String ? 'inside a string' : this.stack.length > 0 ? `with ${this.stack.length} bracket${this.stack.length === 1 ? '' : 's'} still open` : 'inside a value';
    this.fail(line, offset, `the JSON document that starts at line ${this.valueLine} ends ${what}`, true);
  }

  private structural(byte: number, bytes: Buffer, index: number, end: number, line: number, base: number): void {
    const offset = base + index;
    const expect = this.expect;
    if (expect === Expect.Next) {
      const top = this.stack.at(-1);
      if (byte === 0x2c && top !== undefined) this.expect = top === OBJECT ? Expect.Key : Expect.Value;
      else if ((byte === 0x7d && top === OBJECT) || (byte === 0x5d && top === ARRAY)) this.close(offset, line);
      else if (top === undefined) this.valueStarts(byte, bytes, index, end, line, base);
      else this.fail(line, offset, `${describeByte(byte)} where "," or "${top === OBJECT ? '}' : ']'}" was expected`);
      return;
    }
    if (expect === Expect.Colon) {
      if (byte === 0x3a) this.expect = Expect.Value;
      else this.fail(line, offset, `${describeByte(byte)} where ":" was expected`);
      return;
    }
    if (expect === Expect.KeyOrClose || expect === Expect.Key) {
      if (byte === 0x22) {
        this.token = Token.String;
        this.stringIsKey = true;
        this.key = [];
      } else if (byte === 0x7d && expect === Expect.KeyOrClose) this.close(offset, line);
      else this.fail(line, offset, `${describeByte(byte)} where a property name in double quotes was expected`);
      return;
    }
    if (byte === 0x5d && expect === Expect.ValueOrClose) {
      this.close(offset, line);
      return;
    }
    this.valueStarts(byte, bytes, index, end, line, base);
  }

  private valueStarts(byte: number, bytes: Buffer, index: number, end: number, line: number, base: number): void {
    const offset = base + index;
    const depth = this.stack.length;
    if (depth === 0) {
      this.valueLine = line;
      // A top-level array's elements are records; any other value is one, unless it turns out to hold a record array.
      if (byte === 0x5b) this.recordParent = 1;
      else this.startHolding(offset, line, bytes, index, end, base);
    } else if (depth === this.recordParent) {
      this.startHolding(offset, line, bytes, index, end, base);
    } else if (depth === 1 && byte === 0x5b && this.stack[0] === OBJECT && this.recordParent === undefined && RECORD_ARRAYS.has(this.lastKey)) {
      // `{"Records": [...]}`: the records are the array's elements, the object around them is dropped.
      this.held = undefined;
      this.pieces = [];
      this.heldBytes = 0;
      this.recordParent = 2;
    }
    if (byte === 0x7b || byte === 0x5b) {
      this.stack.push(byte === 0x7b ? OBJECT : ARRAY);
      this.expect = byte === 0x7b ? Expect.KeyOrClose : Expect.ValueOrClose;
    } else if (byte === 0x22) {
      this.token = Token.String;
      this.stringIsKey = false;
    } else if (byte === 0x2d || (byte >= 0x30 && byte <= 0x39)) {
      this.token = Token.Number;
      this.numberState = byte === 0x2d ? 0 : byte === 0x30 ? 1 : 2;
    } else if (byte === 0x74 || byte === 0x66 || byte === 0x6e) {
      this.token = Token.Literal;
      this.literal = byte === 0x74 ? 'true' : byte === 0x66 ? 'false' : 'null';
      this.literalIndex = 1;
    } else {
      this.fail(line, offset, `${describeByte(byte)} where a value was expected`);
    }
  }

  private close(offset: number, line: number): void {
    this.stack.pop();
    if (this.recordParent !== undefined && this.stack.length < this.recordParent) this.recordParent = undefined;
    this.valueEnded(offset + 1, line);
  }

  /** A value ended just before `offset`. */
  private valueEnded(offset: number, line: number): void {
    this.expect = Expect.Next;
    const depth = this.stack.length;
    if (this.held !== undefined && (depth === 0 || depth === this.recordParent)) this.emit(offset, line);
  }

  /** Consumes string bytes from `index`; returns the index of the last byte consumed. */
  private stringBytes(bytes: Buffer, index: number, end: number, line: number, base: number): number {
    for (; index < end; index++) {
      const byte = bytes[index]!;
      if (this.escape > 0) {
        if (this.escape === 1) {
          if (byte === 0x75) this.escape = 6;
          else if ('"\\/bfnrt'.includes(String.fromCharCode(byte))) this.escape = 0;
          else {
            this.fail(line, base + index, `${describeByte(byte)} is not a valid escape`);
            return index;
          }
        } else {
          if (!/[0-9a-fA-F]/.test(String.fromCharCode(byte))) {
            this.fail(line, base + index, `${describeByte(byte)} where a hex digit of a \\u escape was expected`);
            return index;
          }
          this.escape = this.escape === 3 ? 0 : this.escape - 1;
        }
        continue;
      }
      if (byte === 0x22) {
        this.token = Token.None;
        if (this.stringIsKey) {
          this.lastKey = Buffer.from(this.key).toString('utf8');
          this.expect = Expect.Colon;
        } else {
          this.valueEnded(base + index + 1, line);
        }
        return index;
      }
      if (byte === 0x5c) this.escape = 1;
      else if (byte < 0x20) {
        this.fail(line, base + index, `control character ${describeByte(byte)} inside a string`);
        return index;
      } else if (this.stringIsKey && this.key.length <= MAX_KEY_BYTES) this.key.push(byte);
    }
    this.fail(line, base + end, 'a line break inside a string');
    return end;
  }

  /** Feeds one byte to the number in progress; false when the number ended before it (the byte is then read as structure). */
  private numberByte(byte: number, line: number, offset: number): boolean {
    const digit = byte >= 0x30 && byte <= 0x39;
    const state = this.numberState;
    if (digit) {
      if (state === 1) this.fail(line, offset, 'a number with a leading zero');
      else this.numberState = state === 0 ? (byte === 0x30 ? 1 : 2) : state === 3 ? 4 : state === 5 || state === 6 ? 7 : state;
      return true;
    }
    const next = byte === 0x2e && (state === 1 || state === 2) ? 3 : (byte === 0x65 || byte === 0x45) && (state === 1 || state === 2 || state === 4) ? 5 : (byte === 0x2b || byte === 0x2d) && state === 5 ? 6 : undefined;
    if (next !== undefined) {
      this.numberState = next;
      return true;
    }
    if (state === 0 || state === 3 || state === 5 || state === 6) {
      this.fail(line, offset, `${describeByte(byte)} inside a number`);
      return true;
    }
    this.token = Token.None;
    this.valueEnded(offset, line);
    return false;
  }

  private startHolding(offset: number, line: number, bytes: Buffer, index: number, end: number, base: number): void {
    this.held = { offset, line, oversized: false };
    this.pieces = [];
    this.heldBytes = 0;
    this.hold(Buffer.from(bytes.subarray(index, end)), base + index);
  }

  private hold(bytes: Buffer, offset: number): void {
    if (this.held === undefined || this.held.oversized) return;
    this.heldBytes += bytes.length + 1;
    if (this.heldBytes > this.maxBytes) {
      this.held.oversized = true;
      this.pieces = [];
      return;
    }
    this.pieces.push({ offset, bytes });
  }

  private emit(endOffset: number, endLine: number): void {
    const held = this.held!;
    this.held = undefined;
    const length = endOffset - held.offset;
    if (held.oversized) {
      this.handlers.invalid(held.line, held.offset, `the JSON value from line ${held.line} to ${endLine} is over the limit of ${this.maxBytes} bytes (--max-document-bytes); skipped`);
      this.pieces = [];
      return;
    }
    const parts: Buffer[] = [];
    for (const piece of this.pieces) {
      const from = Math.max(0, held.offset - piece.offset);
      const to = Math.min(piece.bytes.length, endOffset - piece.offset);
      if (to > from) parts.push(piece.bytes.subarray(from, to), NEWLINE);
    }
    this.pieces = [];
    this.heldBytes = 0;
    this.records += 1;
    let value: unknown;
    try {
      value = JSON.parse(Buffer.concat(parts).toString('utf8'));
    } catch (error) {
      // The scan accepted it; JSON.parse is the authority all the same.
      this.handlers.invalid(held.line, held.offset, `not JSON: ${(error as Error).message}`);
      return;
    }
    this.handlers.record({ value, line: held.line, offset: held.offset, length });
  }

  private fail(line: number, offset: number, reason: string, atEnd = false): void {
    this.failed = true;
    this.held = undefined;
    this.pieces = [];
    this.handlers.broken(line, offset, reason, atEnd);
  }
}

const NEWLINE = Buffer.from('\n');

/** True when `text` (one line) is the start of a JSON document that goes on past the line: valid so far, not complete. */
export function continuesOnNextLine(text: string): boolean {
  const probe = new JsonDocumentReader({ record: () => undefined, invalid: () => undefined, broken: () => undefined }, 0);
  const bytes = Buffer.from(text);
  probe.line(bytes, 0, bytes.length, 1, 0);
  return !probe.failed && probe.open;
}
