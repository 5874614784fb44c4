/**
 * One open trace file inside the worker thread: reads it with analysis-core's
 * streaming reader into a TraceDigest and an EventIndex, continues from the
 * last checkpoint when the file grows, starts over when it was truncated or
 * rewritten, and answers the table's page requests by re-reading lines.
 */
import fs from 'node:fs';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import {
  POLICY_SCHEMA,
  type PolicySet,
  type ReadCheckpoint,
  type TraceEvent,
  TraceDigest,
  copyAsJsonLines,
  eventsOfRecordText,
  isTraceHeader,
  policyFormat,
  readTraceFile,
  renderPolicyFormat,
  traceFileForm,
} from '@planewise/analysis-core/trace';
import type { EventRow, EventSort, PolicyOptions, PrincipalPolicyView, Problems, Progress, RowsPage } from '../webview/messages';
import { DEFAULT_POLICY_OPTIONS, OPERATION_ROWS_PER_MESSAGE, TABLE_ROWS_SHOWN } from '../webview/messages';
import { naturalCompare } from '../webview/format';
import { EventIndex } from './eventIndex';
import { type HeaderFacts, eventRow, policyView, principalPolicyView, summaryView } from './viewModels';
import type { SessionOptions, WorkerToHost } from './workerProtocol';

/**
 * While reading, the first summary goes out quickly and later ones once a
 * second: each snapshot re-renders the view's tables, and on a large trace
 * rendering them more often took the core the reader needed.
 */
const FIRST_SNAPSHOT_MS = 250;
const SNAPSHOT_INTERVAL_MS = 1000;
/** Bytes compared at the start of the file to notice a rewrite that kept or grew its size. */
const HEAD_BYTES = 256;
/** Filter matches kept; the table says "+" past this. */
const MAX_FILTER_MATCHES = 5_000_000;
const FILTER_BLOCK_BYTES = 4 * 1024 * 1024;

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

export class TraceSession {
  private digest: TraceDigest;
  /** Counts for the lines the fast path answers, drained into `digest`'s summary and policy before either is read. */
  private readonly index = new EventIndex();
  private checkpoint: ReadCheckpoint | undefined;
  private head: Buffer = Buffer.alloc(0);
  private header: HeaderFacts = { runIds: [] };
  private cancelled = false;
  /** Invalid lines seen (issues that made the reader skip a line). */
  private invalid = 0;
  /** The last read stopped midway: the next one starts over. */
  private incomplete = false;
  private reading: Promise<void> | undefined;
  private again = false;
  private policyOptions: PolicyOptions = DEFAULT_POLICY_OPTIONS;
  /** The policy of what has been read, with the current options; dropped when either changes. */
  private policy: PolicySet | undefined;
  private filterCache: { filter: string; matches: Uint32Array; count: number; partial: boolean; indexSize: number } | undefined;
  private sortCache: { key: string; order: Uint32Array; indexSize: number } | undefined;
  private lineCache: { offset: number; events: TraceEvent[] } | undefined;
  /** Rows are read from the JSON Lines copy, not the trace itself (which is compressed or binary). */
  private copied = false;

  constructor(
    private readonly options: SessionOptions,
    private readonly emit: (message: WorkerToHost) => void,
  ) {
    this.digest = new TraceDigest(options.maxProblems);
  }

  /** The plain file rows are read from: the trace itself, or its JSON Lines copy. */
  private get plainFile(): string {
    return this.copied ? this.options.copyFile : this.options.file;
  }

  /** Reads what is new; concurrent calls coalesce into one more pass. */
  read(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        do {
          this.again = false;
          await this.readOnce();
        } while (this.again && !this.cancelled);
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }

  cancel(): void {
    this.cancelled = true;
  }

  /** Forgets everything and reads the file from the start. */
  async reload(): Promise<void> {
    await this.reading?.catch(() => undefined);
    this.reset();
    this.cancelled = false;
    await this.read();
  }

  setPolicyOptions(options: PolicyOptions): void {
    this.policyOptions = options;
    this.policy = undefined;
    this.emitPolicy();
  }

  /** One principal's document, or every principal's policy as `format` (a POLICY_FORMATS name; the planewise.policy JSON when absent), with what the format noted. */
  policyText(principal?: string, format?: string): { text: string; notes: string[] } {
    if (principal !== undefined) return { text: `${JSON.stringify(this.principalPolicy(principal).policy, null, 2)}\n`, notes: [] };
    if (format === undefined || format === 'json') return { text: `${JSON.stringify({ schema: POLICY_SCHEMA, ...this.currentPolicy() }, null, 2)}\n`, notes: [] };
    const chosen = policyFormat(format);
    if (chosen === undefined) throw new Error(`unknown policy format "${format}"`);
    const { text, notes, problems } = renderPolicyFormat(chosen, this.digest.policy, this.policyOptionArgs());
    return { text, notes: [...problems, ...notes] };
  }

  /** One principal's policy as the viewer shows it. */
  principalPolicyView(principal: string): PrincipalPolicyView {
    return principalPolicyView(this.principalPolicy(principal), this.policyOptions);
  }

  private principalPolicy(principal: string): PolicySet['principals'][number] {
    const entry = this.currentPolicy().principals.find((candidate) => candidate.principal === principal);
    if (!entry) throw new Error(`no policy for principal "${principal}"`);
    return entry;
  }

  private currentPolicy(): PolicySet {
    if (this.policy === undefined) {
      this.policy = this.digest.policy.result(this.policyOptionArgs());
    }
    return this.policy;
  }

  get eventCount(): number {
    return this.index.size;
  }

  /** One page of the events table, optionally filtered by text in the raw line (case-insensitive) and sorted by a column. */
  async rows(requestId: number, start: number, count: number, filter: string, sort?: EventSort): Promise<RowsPage> {
    const trimmed = filter.trim();
    const matches = trimmed === '' ? undefined : await this.filterMatches(trimmed);
    const total = matches ? matches.count : this.index.size;
    const order = sort ? await this.sortedOrder(trimmed, sort, matches) : undefined;
    const end = Math.min(total, start + count);
    const rows: EventRow[] = [];
    for (let position = start; position < end; position += 1) {
      const index = order ? (order[position] ?? 0) : matches ? (matches.matches[position] ?? 0) : position;
      rows.push(await this.rowAt(index));
    }
    return { requestId, filter, ...(sort ? { sort } : {}), start, total, partial: matches?.partial ?? false, rows };
  }

  /**
   * The events (all, or the filter's matches) in the order of one column:
   * natural order for text (svc-2 before svc-10), numbers for line and time,
   * file order between equal values. Kept until the file or the filter changes.
   */
  private async sortedOrder(filter: string, sort: EventSort, matches: { matches: Uint32Array; count: number } | undefined): Promise<Uint32Array> {
    const key = `${filter}\u0000${sort.column}\u0000${sort.descending}`;
    if (this.sortCache?.key === key && this.sortCache.indexSize === this.index.size) return this.sortCache.order;
    const keys: (string | number)[] = new Array(this.index.size);
    const wanted = matches ? new Set(matches.matches.subarray(0, matches.count)) : undefined;
    await this.scanLines((index, _text, events) => {
      if (wanted && !wanted.has(index)) return true;
      const event = events()[this.index.ordinal(index)];
      keys[index] = event ? sortKey(eventRow(event, this.index.line(index)), sort.column, event) : '';
      return true;
    });
    const order = matches ? Uint32Array.from(matches.matches.subarray(0, matches.count)) : Uint32Array.from({ length: this.index.size }, (_, index) => index);
    const direction = sort.descending ? -1 : 1;
    order.sort((a, b) => {
      const left = keys[a] ?? '';
      const right = keys[b] ?? '';
      const compared = typeof left === 'number' && typeof right === 'number' ? left - right : naturalCompare(String(left), String(right));
      return compared * direction || a - b;
    });
    this.sortCache = { key, order, indexSize: this.index.size };
    return order;
  }

  /** The file the text editor opens: the trace, or its JSON Lines copy. */
  get textFile(): string {
    return this.plainFile;
  }

  private reset(): void {
    this.digest = new TraceDigest(this.options.maxProblems);
    this.policy = undefined;
    this.index.clear();
    this.checkpoint = undefined;
    this.head = Buffer.alloc(0);
    this.header = { runIds: [] };
    this.filterCache = undefined;
    this.sortCache = undefined;
    this.lineCache = undefined;
    this.invalid = 0;
    this.incomplete = false;
  }

  private async readOnce(): Promise<void> {
    let size: number;
    try {
      size = (await fs.promises.stat(this.options.file)).size;
      const form = await traceFileForm(this.options.file);
      if (form !== 'lines') {
        // A copy cannot be continued: any change means a full read of a new copy.
        this.reset();
        this.copied = true;
        await this.makeCopy(form, size);
        size = (await fs.promises.stat(this.plainFile)).size;
      } else if (this.copied || this.incomplete || (this.checkpoint && (size < this.checkpoint.offset || !(await this.headUnchanged())))) {
        this.reset();
        this.copied = false;
      }
    } catch (error) {
      if (error instanceof CancelledError) return this.emitProgress('cancelled', 0, 0);
      return this.emitProgress('error', 0, 0, describe(error));
    }
    const startOffset = this.checkpoint?.offset ?? 0;
    if (this.checkpoint && startOffset === size) return this.emitProgress('done', size, size);
    let nextSnapshot = Date.now() + FIRST_SNAPSHOT_MS;
    /** How far the read got: a cancelled read says what it had read. */
    let bytesRead = startOffset;
    const sink = this.digest.coreSink({
      countedAt: (offset, length, line) => {
        this.policy = undefined;
        this.index.add(offset, length, line);
      },
      event: (_event, at) => {
        this.policy = undefined;
        this.index.add(at.offset, at.length, at.line);
      },
      issue: (issue) => {
        if (issue.severity === 'error') this.invalid += 1;
        this.digest.addIssue(issue);
      },
    });
    try {
      const readOptions: Parameters<typeof readTraceFile>[2] = {
        maxLineBytes: this.options.maxLineBytes,
        follow: this.options.live && !this.copied,
        onProgress: (bytes) => {
          bytesRead = startOffset + bytes;
          if (this.cancelled) throw new CancelledError();
          const now = Date.now();
          if (now >= nextSnapshot) {
            nextSnapshot = now + SNAPSHOT_INTERVAL_MS;
            this.emitProgress('reading', startOffset + bytes, size);
            this.emitSnapshot({ complete: false });
          }
        },
      };
      if (this.checkpoint) readOptions.from = this.checkpoint;
      if (startOffset === 0) await this.readHeader();
      const result = await readTraceFile(this.plainFile, sink, readOptions);
      this.checkpoint = result.checkpoint;
      this.filterCache = undefined;
      this.emitSnapshot({ complete: true });
      this.emitProgress('done', size, size);
    } catch (error) {
      // What was read so far stays on screen; the next read starts over.
      this.incomplete = true;
      this.emitSnapshot({ complete: true });
      if (error instanceof CancelledError) this.emitProgress('cancelled', bytesRead, size);
      else this.emitProgress('error', 0, size, describe(error));
    }
  }

  /** Writes the JSON Lines copy: gunzipped, or each record of a zstd or protobuf trace as a line (records that cannot be read become empty lines, and issues). */
  private async makeCopy(form: 'gzip' | 'zstd' | 'records', compressedSize: number): Promise<void> {
    if (form === 'gzip') return this.decompress(compressedSize);
    try {
      await copyAsJsonLines(this.options.file, this.options.copyFile, {
        maxLineBytes: this.options.maxLineBytes,
        onProgress: (read) => {
          if (this.cancelled) throw new CancelledError();
          this.emitProgress('reading', read, compressedSize);
        },
        onIssue: (issue) => {
          if (issue.severity === 'error') this.invalid += 1;
          this.digest.addIssue(issue);
        },
      });
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      throw new Error(`could not copy as JSON Lines: ${describe(error)}`);
    }
  }

  private async decompress(compressedSize: number): Promise<void> {
    let read = 0;
    const source = fs.createReadStream(this.options.file);
    source.on('data', (chunk) => {
      read += chunk.length;
      if (this.cancelled) source.destroy(new CancelledError());
      else this.emitProgress('reading', read, compressedSize);
    });
    try {
      await pipeline(source, createGunzip(), fs.createWriteStream(this.plainFile));
    } catch (error) {
      if (this.cancelled) throw new CancelledError();
      throw new Error(`could not decompress: ${describe(error)}`);
    }
  }

  private async headUnchanged(): Promise<boolean> {
    const now = await readBytes(this.plainFile, 0, this.head.length);
    return now.equals(this.head);
  }

  private async readHeader(): Promise<void> {
    this.head = await readBytes(this.plainFile, 0, HEAD_BYTES);
    const firstLine = await readLineAt(this.plainFile, 0, this.options.maxLineBytes);
    try {
      const value: unknown = JSON.parse(firstLine);
      if (isTraceHeader(value)) {
        this.header = {
          producer: value.producer.version ? `${value.producer.name} ${value.producer.version}` : value.producer.name,
          schemaVersion: value.version,
          runIds: value.run ? [value.run.id] : [],
        };
      }
    } catch {
      // Not a header line: the reader reports it as a problem.
    }
  }

  private async rowAt(index: number): Promise<EventRow> {
    const offset = this.index.offset(index);
    const line = this.index.line(index);
    if (this.lineCache?.offset !== offset) {
      // A record of a multi-line JSON document spans lines: its exact bytes, not the first line.
      const text = (await readBytes(this.plainFile, offset, this.index.length(index))).toString('utf8');
      this.lineCache = { offset, events: eventsOfLine(text) };
    }
    const event = this.lineCache.events[this.index.ordinal(index)];
    if (!event) {
      return { line, ts: 0, kind: 'span', service: '', name: '(the line changed on disk; reload)', principal: '', outcome: '', detail: '' };
    }
    return eventRow(event, line);
  }

  private async filterMatches(filter: string): Promise<NonNullable<TraceSession['filterCache']>> {
    if (this.filterCache?.filter === filter && this.filterCache.indexSize === this.index.size) return this.filterCache;
    const needle = filter.toLowerCase();
    let matches = new Uint32Array(1024);
    let count = 0;
    let partial = false;
    let lastOffset = -1;
    let lastMatched = false;
    await this.scanLines((index, text) => {
      const offset = this.index.offset(index);
      if (offset !== lastOffset) {
        lastMatched = text.toLowerCase().includes(needle);
        lastOffset = offset;
      }
      if (!lastMatched) return true;
      if (count === MAX_FILTER_MATCHES) {
        partial = true;
        return false;
      }
      if (count === matches.length) {
        const grown = new Uint32Array(matches.length * 2);
        grown.set(matches);
        matches = grown;
      }
      matches[count++] = index;
      return true;
    });
    this.filterCache = { filter, matches, count, partial, indexSize: this.index.size };
    return this.filterCache;
  }

  /**
   * Visits every indexed event with the text of its line, reading the file in
   * large blocks; `events()` parses the line once for all the events it holds.
   * The visitor returns false to stop.
   */
  private async scanLines(visit: (index: number, text: string, events: () => TraceEvent[]) => boolean): Promise<void> {
    const handle = await fs.promises.open(this.plainFile, 'r');
    try {
      let block = Buffer.alloc(0);
      let blockStart = 0;
      let lastOffset = -1;
      let text = '';
      let parsed: TraceEvent[] | undefined;
      const events = (): TraceEvent[] => (parsed ??= eventsOfLine(text));
      for (let index = 0; index < this.index.size; index += 1) {
        if (this.cancelled) break;
        const offset = this.index.offset(index);
        const length = this.index.length(index);
        if (offset !== lastOffset) {
          if (offset < blockStart || offset + length > blockStart + block.length) {
            blockStart = offset;
            block = Buffer.alloc(Math.max(FILTER_BLOCK_BYTES, length));
            const { bytesRead } = await handle.read(block, 0, block.length, offset);
            block = block.subarray(0, bytesRead);
          }
          text = block.toString('utf8', offset - blockStart, offset - blockStart + length);
          parsed = undefined;
          lastOffset = offset;
        }
        if (visit(index, text, events) === false) break;
      }
    } finally {
      await handle.close();
    }
  }

  private policyOptionArgs(): { wildcardThreshold?: number } {
    return this.policyOptions.wildcardThreshold === null ? {} : { wildcardThreshold: this.policyOptions.wildcardThreshold };
  }

  /**
   * Snapshots taken while reading leave the policy out: a least-privilege
   * policy from part of a run grants too little, and rebuilding it every
   * snapshot cost more than the read itself (16 s instead of 2 s for 100 MB).
   * A snapshot carries the operations rows the view shows before "Show all";
   * after a finished read the rest follow in messages of a few hundred rows,
   * so no message the extension host relays holds a whole big table.
   */
  private emitSnapshot(options: { complete: boolean }): void {
    const problems: Problems = {
      total: this.digest.issueTotal,
      items: this.digest.issues.map((issue) => ({ line: issue.line, reason: issue.reason, severity: issue.severity })),
    };
    const summary = summaryView(this.digest.summary.result(), this.header, this.invalid);
    const operations = summary.operations;
    this.emit({ type: 'snapshot', summary: { ...summary, operations: operations.slice(0, TABLE_ROWS_SHOWN) }, problems, eventCount: this.index.size });
    if (!options.complete) return;
    for (let start = TABLE_ROWS_SHOWN; start < operations.length; start += OPERATION_ROWS_PER_MESSAGE) {
      this.emit({ type: 'operations', start, rows: operations.slice(start, start + OPERATION_ROWS_PER_MESSAGE) });
    }
    this.emitPolicy();
  }

  /** The overview only: each principal's document goes out when the viewer asks for it, so no message is ever the size of the whole policy. */
  private emitPolicy(): void {
    this.emit({ type: 'policy', policy: policyView(this.currentPolicy(), this.policyOptions) });
  }

  private emitProgress(phase: Progress['phase'], bytesRead: number, totalBytes: number, message?: string): void {
    const progress: Progress = { phase, bytesRead, totalBytes, live: this.options.live };
    if (message !== undefined) progress.message = message;
    this.emit({ type: 'progress', progress });
  }
}

/** What a column sorts by: numbers for the line, the time and a span's duration, else the cell's text. */
function sortKey(row: EventRow, column: EventSort['column'], event: TraceEvent): string | number {
  switch (column) {
    case 'line':
      return row.line;
    case 'time':
      return row.ts;
    case 'detail':
      return event.kind === 'span' ? event.durationMs : row.detail;
    default:
      return row[column];
  }
}

/** The events one line (or one record of a multi-line document) holds: one for a planewise line, many for an OTLP batch or a CloudTrail delivery file. */
export function eventsOfLine(text: string): TraceEvent[] {
  return eventsOfRecordText(text);
}

async function readBytes(file: string, offset: number, length: number): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Up to `maxBytes` from `offset`, cut at the first line break. */
async function readLineAt(file: string, offset: number, maxBytes: number): Promise<string> {
  const bytes = await readBytes(file, offset, maxBytes);
  const newline = bytes.indexOf(10);
  return bytes.toString('utf8', 0, newline === -1 ? bytes.length : newline);
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
