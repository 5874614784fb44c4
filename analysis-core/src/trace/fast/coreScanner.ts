/**
 * The reader's fast path, TypeScript side: copies input into the WebAssembly
 * line scanner (analysis-core/assembly/lineScanner.ts) and turns its answers
 * into core events. The strings it hands out are interned, one decoded copy
 * per distinct value, so the accumulators' map lookups hit strings whose hash
 * is already known. A line the scanner is unsure of returns undefined and
 * goes through JSON.parse.
 */
import type { CoreTraceEvent } from '../schema';
import { LINE_SCANNER_WASM_BASE64 } from './lineScannerWasm';
import {
  GRANT_WORDS,
  RESULT_ACCESS_RECORD,
  RESULT_ACTION,
  RESULT_DECISION,
  RESULT_DENY_REASON,
  RESULT_DURATION,
  RESULT_OPERATION,
  RESULT_OPERATION_RECORD,
  RESULT_PRINCIPAL,
  RESULT_RESOURCE,
  RESULT_SERVICE,
  RESULT_STATUS,
  RESULT_TS,
  SCAN_AUTHZ,
  SCAN_SPAN,
} from './scannerLayout';

interface ScannerExports {
  memory: WebAssembly.Memory;
  resultArea(): number;
  reserveInput(length: number): number;
  scan(start: number, length: number, pairs: number): number;
  limitStrings(count: number): void;
  limitGrants(count: number): void;
  pairId(table: number, record: number, part: number): number;
  clearGrants(): void;
  listGrants(): number;
  grantsCounted(): number;
  internedCount(): number;
  internedStart(id: number): number;
  internedLength(id: number): number;
}

export { COUNT_GRANTS, GRANT_WORDS, PAIR_ACCESSES, PAIR_OPERATIONS, SCAN_AUTHZ, SCAN_SPAN } from './scannerLayout';
// The names behind RESULT_STATUS, RESULT_DECISION and RESULT_DENY_REASON, in the scanner's order.
const STATUSES = ['ok', 'error', 'unset'] as const;
const DECISIONS = ['allow', 'deny'] as const;
const DENY_REASONS = [undefined, 'explicit', 'implicit'] as const;

let compiled: WebAssembly.Module | undefined;

export interface CoreScannerOptions {
  /** Distinct strings to intern before lines with new ones go to the slow path (tests lower it). */
  maxStrings?: number;
  /** Distinct grants to count before lines with new ones go to the slow path (tests lower it). */
  maxGrants?: number;
}

export class CoreEventScanner {
  private readonly wasm: ScannerExports;
  private readonly result: number;
  private words = new Int32Array(0);
  private doubles = new Float64Array(0);
  private readonly strings: string[] = [];
  // The buffer whose bytes from `loadedFrom` on sit in the input area, and the file offset of its
  // first byte: a buffer refilled by a later read is told apart by its new offset.
  private loaded: Uint8Array | undefined;
  private loadedBase = 0;
  private loadedFrom = 0;
  private inputStart = 0;

  constructor(options: CoreScannerOptions = {}) {
    compiled ??= new WebAssembly.Module(Buffer.from(LINE_SCANNER_WASM_BASE64, 'base64'));
    const instance = new WebAssembly.Instance(compiled, {
      env: {
        abort: () => {
          throw new Error('the trace line scanner stopped');
        },
      },
    });
    this.wasm = instance.exports as unknown as ScannerExports;
    this.result = this.wasm.resultArea();
    if (options.maxStrings !== undefined) this.wasm.limitStrings(options.maxStrings);
    if (options.maxGrants !== undefined) this.wasm.limitGrants(options.maxGrants);
    this.refreshViews();
  }

  /** Distinct strings interned so far. */
  get internedStrings(): number {
    return this.strings.length;
  }

  /**
   * The core event on bytes [start, end) of `bytes`, or undefined when the
   * line needs the slow path. `base` is the file offset of `bytes[0]`.
   */
  scan(bytes: Uint8Array, base: number, start: number, end: number): CoreTraceEvent | undefined {
    const kind = this.scanLine(bytes, base, start, end, 0);
    if (kind === SCAN_SPAN) return { kind: 'span', ts: this.ts, service: this.string(this.serviceId), operation: this.string(this.word(RESULT_OPERATION)), durationMs: this.durationMs, status: this.status };
    if (kind === SCAN_AUTHZ) {
      const ts = this.ts;
      const service = this.string(this.serviceId);
      const principal = this.string(this.word(RESULT_PRINCIPAL));
      const action = this.string(this.word(RESULT_ACTION));
      const resource = this.string(this.word(RESULT_RESOURCE));
      const decision = DECISIONS[this.decision]!;
      const denyReason = DENY_REASONS[this.denyReason];
      // Two shapes, as JSON.parse gives them: denyReason is there or it is not.
      return denyReason === undefined
        ? { kind: 'authz', ts, service, principal, action, resource, decision }
        : { kind: 'authz', ts, service, principal, action, resource, decision, denyReason };
    }
    return undefined;
  }

  /**
   * Scans one line without building an event: SCAN_SPAN or SCAN_AUTHZ, after
   * which the getters below read its values, or 0 for the slow path. `pairs`
   * (PAIR_* flags) says which pair records to number.
   */
  scanLine(bytes: Uint8Array, base: number, start: number, end: number, pairs: number): number {
    if (bytes !== this.loaded || base !== this.loadedBase || start < this.loadedFrom) this.load(bytes, base, start);
    const kind = this.wasm.scan(this.inputStart + start - this.loadedFrom, end - start, pairs);
    // A pair table that grew may have grown the memory, which detaches the old views.
    if (this.words.length === 0) this.refreshViews();
    return kind;
  }

  get ts(): number {
    return this.doubles[(this.result + RESULT_TS) >> 3]!;
  }

  get durationMs(): number {
    return this.doubles[(this.result + RESULT_DURATION) >> 3]!;
  }

  /** The service's string id (see `string`). */
  get serviceId(): number {
    return this.word(RESULT_SERVICE);
  }

  get status(): 'ok' | 'error' | 'unset' {
    return STATUSES[this.word(RESULT_STATUS)]!;
  }

  /** 0 allow, 1 deny. */
  get decision(): number {
    return this.word(RESULT_DECISION);
  }

  /** 0 none, 1 explicit, 2 implicit. */
  get denyReason(): number {
    return this.word(RESULT_DENY_REASON);
  }

  /** The line's (service, operation) record, when PAIR_OPERATIONS was asked for. */
  get operationRecord(): number {
    return this.word(RESULT_OPERATION_RECORD);
  }

  /** The line's (principal, action) record, when PAIR_ACCESSES was asked for. */
  get accessRecord(): number {
    return this.word(RESULT_ACCESS_RECORD);
  }

  /** The string id in place `part` (0 first) of a pair record of `table` (one PAIR_* flag). */
  pairId(table: number, record: number, part: number): number {
    return this.wasm.pairId(table, record, part);
  }

  /**
   * The grants counted since the last clear (see COUNT_GRANTS), GRANT_WORDS
   * each, in no particular order: a view of the scanner's memory, valid until
   * the next scan or clear.
   */
  grants(): Uint32Array {
    const at = this.wasm.listGrants();
    return new Uint32Array(this.wasm.memory.buffer, at, this.wasm.grantsCounted() * GRANT_WORDS);
  }

  /** Starts counting grants over. */
  clearGrants(): void {
    this.wasm.clearGrants();
  }

  /** Every string interned so far, indexed by id. */
  allStrings(): readonly string[] {
    this.decodeNewStrings();
    return this.strings;
  }

  /** The interned string with this id. */
  string(id: number): string {
    if (id >= this.strings.length) this.decodeNewStrings();
    return this.strings[id]!;
  }

  private word(offset: number): number {
    return this.words[(this.result + offset) >> 2]!;
  }

  /** Copies bytes [from, end of buffer) in: the lines after this one usually come from the same buffer. */
  private load(bytes: Uint8Array, base: number, from: number): void {
    this.inputStart = this.wasm.reserveInput(bytes.length - from);
    if (this.words.buffer !== this.wasm.memory.buffer) this.refreshViews();
    new Uint8Array(this.wasm.memory.buffer, this.inputStart, bytes.length - from).set(bytes.subarray(from));
    this.loaded = bytes;
    this.loadedBase = base;
    this.loadedFrom = from;
  }

  private decodeNewStrings(): void {
    const memory = Buffer.from(this.wasm.memory.buffer);
    for (let id = this.strings.length, count = this.wasm.internedCount(); id < count; id++) {
      const start = this.wasm.internedStart(id);
      this.strings.push(memory.toString('utf8', start, start + this.wasm.internedLength(id)));
    }
  }

  private refreshViews(): void {
    this.words = new Int32Array(this.wasm.memory.buffer);
    this.doubles = new Float64Array(this.wasm.memory.buffer);
  }
}

let shared: CoreEventScanner | null | undefined;

/** This thread's scanner, or undefined where WebAssembly is unavailable (then every line takes the slow path). */
export function sharedCoreScanner(): CoreEventScanner | undefined {
  if (shared === undefined) {
    try {
      shared = new CoreEventScanner();
    } catch {
      shared = null;
    }
  }
  return shared ?? undefined;
}
