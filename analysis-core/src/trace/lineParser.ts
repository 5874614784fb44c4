/**
 * Turns the lines of one trace file into events and issues. Knows the header
 * and version rules and tells planewise lines from the formats it imports
 * (OTLP batches, CloudTrail, Kubernetes audit logs); the byte handling lives
 * in lines.ts and reader.ts.
 */
import { type CoreEventScanner, sharedCoreScanner } from './fast/coreScanner';
import { cloudTrailLineToEvents, isCloudTrailLine } from './cloudtrail';
import type { ImportedLine } from './importedLine';
import { DEFAULT_MAX_DOCUMENT_BYTES, JsonDocumentReader, continuesOnNextLine } from './jsonDocument';
import { gkeAuditLineToEvents, isGkeAuditLine } from './gkeAudit';
import { isK8sAuditLine, k8sAuditLineToEvents } from './k8sAudit';
import { isOtlpBatch, otlpBatchToEvents } from './otlp';
import { type CoreTraceEvent, SUPPORTED_MAJOR, TRACE_SCHEMA_ID, TRACE_SCHEMA_VERSION, type TraceEvent } from './schema';
import { explainInvalidEvent, explainInvalidHeader, isTraceEvent, isTraceHeader } from './validate';

/** Where an event came from: the editor opens the raw line from this. */
export interface EventLocation {
  file: string;
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's first byte in the (decompressed) file. */
  offset: number;
  /** Length of the line in bytes, without the line break. */
  length: number;
}

export interface TraceIssue {
  file: string;
  /** 1-based line number, or record number where `unit` says so. */
  line: number;
  offset: number;
  /** error: the line was skipped; warning: read anyway; fatal: the rest of the file was not read. */
  severity: 'error' | 'warning' | 'fatal';
  reason: string;
  /** Set for a file of length-prefixed records (OTLP/protobuf, compressed records): `line` numbers records. */
  unit?: 'record';
}

/** `file:line` or `file:record N`, where an issue is. */
export function issueLocation(issue: Pick<TraceIssue, 'file' | 'line' | 'unit'>): string {
  return `${issue.file}:${issue.unit === 'record' ? 'record ' : ''}${issue.line}`;
}

/** Gets every event whole. */
export interface FullEventSink {
  fields?: 'all';
  event(event: TraceEvent, at: EventLocation): void;
  issue?(issue: TraceIssue): void;
}

/** Counts the lines its scanner answers by id, without an event object (a digest's fast path). */
export interface LineCounter {
  readonly scanner: CoreEventScanner;
  /** What the scanner numbers and counts for this counter (`scanLine`'s flags). */
  readonly pairs: number;
  /** Counts the line the scanner just answered with `kind`. */
  count(kind: number): void;
}

/** Gets events with at least their core fields: most lines then skip JSON.parse. */
export interface CoreEventSink {
  fields: 'core';
  /**
   * Where the lines the fast path answers are counted instead of being passed
   * to `event`, for a sink that only feeds a digest's accumulators (made by
   * `TraceDigest.coreSink`). The fast path then uses the counter's own scanner.
   */
  tallies?: LineCounter;
  /** Where each line the tallies counted sits, for a sink that indexes its events (the viewer's table). */
  countedAt?(offset: number, length: number, line: number): void;
  event(event: CoreTraceEvent, at: EventLocation): void;
  issue?(issue: TraceIssue): void;
}

export type TraceSink = FullEventSink | CoreEventSink;

/** What the parser knows about a file so far; plain data, so reads can resume or be split. */
export interface ParserState {
  format: 'unknown' | 'planewise' | 'otlp' | ImportedFormat;
  /** The version from the header, or the current version for a file without one. */
  version: string;
  /** The header's minor is newer than this reader's: unknown kinds are skipped, not invalid. */
  newerMinor: boolean;
  /** The input is JSON documents spread over lines (jsonDocument.ts): read front to back, never split into ranges. */
  document?: boolean;
}

export interface LineCounts {
  /** Non-blank lines seen. */
  lines: number;
  events: number;
  /** Lines skipped as invalid. */
  invalid: number;
  /**
   * Skipped on purpose: lines of an unknown kind written by a newer minor
   * version, and imported records that are no authorization decision (a
   * CloudTrail Insight record, a Kubernetes request's first stage).
   */
  skipped: number;
  warnings: number;
}

/** Other logs read as authorization decisions, each detected by its first line. */
const IMPORTERS = {
  cloudtrail: { detect: isCloudTrailLine, convert: cloudTrailLineToEvents },
  'k8s-audit': { detect: isK8sAuditLine, convert: k8sAuditLineToEvents },
  'gke-audit': { detect: isGkeAuditLine, convert: gkeAuditLineToEvents },
} as const satisfies Record<string, { detect(value: unknown): boolean; convert(value: unknown): ImportedLine }>;
type ImportedFormat = keyof typeof IMPORTERS;

const isImportedFormat = (format: ParserState['format']): format is ImportedFormat => Object.hasOwn(IMPORTERS, format);

export const initialParserState = (): ParserState => ({ format: 'unknown', version: TRACE_SCHEMA_VERSION, newerMinor: false });
export const emptyCounts = (): LineCounts => ({ lines: 0, events: 0, invalid: 0, skipped: 0, warnings: 0 });

const CURRENT_MINOR = Number(TRACE_SCHEMA_VERSION.split('.')[1]);

function isBlank(bytes: Buffer, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const byte = bytes[index];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}

export class LineParser {
  readonly counts: LineCounts = emptyCounts();
  fatal: string | undefined;
  /** A header that is not the first line of the file (concatenated traces): a read split into ranges cannot know its effect on later ranges. */
  laterHeader = false;
  /** What the numbers handed in count: the reader sets `record` for a file of length-prefixed records. */
  unit: 'line' | 'record' = 'line';
  /** The bound on one record of a multi-line JSON document. */
  maxDocumentBytes = DEFAULT_MAX_DOCUMENT_BYTES;
  private document: JsonDocumentReader | undefined;
  /** A first line read as the start of a document, kept until the next line shows it is not one. */
  private opening: { line: number; offset: number; error: string } | undefined;
  private last = { line: 1, offset: 0 };
  /** The fast path, for a sink that takes core events. */
  private readonly fast: { scanner: CoreEventScanner; sink: CoreEventSink } | undefined;

  constructor(
    readonly file: string,
    readonly state: ParserState,
    private readonly sink: TraceSink,
    /** Suppress the missing-header warning (a range that does not start the file). */
    private readonly quietHeaderless = false,
  ) {
    if (sink.fields === 'core') {
      const scanner = sink.tallies?.scanner ?? sharedCoreScanner();
      if (scanner !== undefined) this.fast = { scanner, sink };
    }
  }

  /** Handles bytes [start, end) of one line (no '\n'), at `offset` in the file. */
  line(bytes: Buffer, start: number, end: number, line: number, offset: number): void {
    if (this.fatal !== undefined) return;
    const length = end - start;
    const base = offset - start;
    const [lineStart, lineEnd] = [start, end];
    if (offset === 0 && end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) start += 3;
    if (end > start && bytes[end - 1] === 0x0d) end -= 1;
    if (isBlank(bytes, start, end)) return;
    this.counts.lines += 1;
    this.last = { line, offset: base + end };
    if (this.document !== undefined || this.state.document === true) {
      if (this.opening !== undefined && this.isJsonLinesAfterAll(bytes, start, end)) {
        this.counts.lines -= 1;
        this.line(bytes, lineStart, lineEnd, line, offset);
      } else {
        this.documentReader().line(bytes, start, end, line, base + start);
      }
      return;
    }
    if (this.fast !== undefined && this.state.format === 'planewise') {
      const { scanner, sink } = this.fast;
      if (sink.tallies !== undefined) {
        const kind = scanner.scanLine(bytes, base, start, end, sink.tallies.pairs);
        if (kind !== 0) {
          this.counts.events += 1;
          sink.tallies.count(kind);
          sink.countedAt?.(offset, length, line);
          return;
        }
      } else {
        const event = scanner.scan(bytes, base, start, end);
        if (event !== undefined) {
          this.counts.events += 1;
          sink.event(event, { file: this.file, line, offset, length });
          return;
        }
      }
    }
    let value: unknown;
    const text = bytes.toString('utf8', start, end);
    try {
      value = JSON.parse(text);
    } catch (error) {
      // `aws cloudtrail lookup-events`, `jq .` and `gcloud logging read --format=json` print indented JSON: one document over many lines.
      if (this.state.format === 'unknown' && !this.quietHeaderless && this.counts.lines === 1 && continuesOnNextLine(text)) {
        this.state.document = true;
        if (!/^[[{]\s*$/.test(text)) this.opening = { line, offset, error: (error as Error).message };
        this.documentReader().line(bytes, start, end, line, base + start);
        return;
      }
      this.invalid(line, offset, `not JSON: ${(error as Error).message}`);
      return;
    }
    this.record(value, line, offset, length);
  }

  /**
   * The second line of what looked like a document, when the first line was
   * more than a bracket: a line that is JSON on its own makes the input JSON
   * Lines with a broken first line, which is then reported as such.
   */
  private isJsonLinesAfterAll(bytes: Buffer, start: number, end: number): boolean {
    const opening = this.opening!;
    this.opening = undefined;
    if ((this.document?.records ?? 0) > 0) return false;
    try {
      const value: unknown = JSON.parse(bytes.toString('utf8', start, end));
      if (typeof value !== 'object' || value === null) return false;
    } catch {
      return false;
    }
    this.document = undefined;
    delete this.state.document;
    this.invalid(opening.line, opening.offset, `not JSON: ${opening.error}`);
    return true;
  }

  private documentReader(): JsonDocumentReader {
    this.document ??= new JsonDocumentReader(
      {
        record: (record) => this.record(record.value, record.line, record.offset, record.length),
        invalid: (line, offset, reason) => this.invalid(line, offset, reason),
        broken: (line, offset, reason, atEnd) => this.stop(line, offset, atEnd ? `not JSON: ${reason}` : `not JSON: ${reason}; the rest of the document was not read`),
      },
      this.maxDocumentBytes,
    );
    return this.document;
  }

  /** The end of the input: a JSON document still open there is reported. */
  finish(): void {
    if (this.fatal === undefined) this.document?.finish(this.last.line, this.last.offset);
  }

  /** One parsed JSON value: a line, or one record of a multi-line document at `offset`, `length` bytes long. */
  record(value: unknown, line: number, offset: number, length: number): void {
    if (this.fatal !== undefined) return;
    if (this.state.format === 'unknown') this.detectFormat(value, line, offset);
    if (this.state.format === 'otlp') {
      this.otlpLine(value, line, offset, length);
      return;
    }
    if (isImportedFormat(this.state.format)) {
      this.importedLine(IMPORTERS[this.state.format].convert(value), line, offset, length);
      return;
    }
    if (isTraceEvent(value)) {
      this.counts.events += 1;
      this.sink.event(value, { file: this.file, line, offset, length });
      return;
    }
    const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
    if (kind === 'header') {
      this.header(value, line, offset);
    } else if (this.state.newerMinor && typeof kind === 'string' && kind !== 'span' && kind !== 'authz') {
      this.counts.skipped += 1;
    } else {
      this.invalid(line, offset, explainInvalidEvent(value));
    }
  }

  private detectFormat(value: unknown, line: number, offset: number): void {
    if (isOtlpBatch(value)) {
      this.state.format = 'otlp';
      return;
    }
    for (const [format, importer] of Object.entries(IMPORTERS)) {
      if (importer.detect(value)) {
        this.state.format = format as ImportedFormat;
        return;
      }
    }
    this.state.format = 'planewise';
    const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
    if (kind !== 'header' && !this.quietHeaderless) {
      this.report('warning', line, offset, `no header line; read as ${TRACE_SCHEMA_ID} ${TRACE_SCHEMA_VERSION}`);
    }
  }

  /** A header: the first line, or one that starts a concatenated file. */
  private header(value: unknown, line: number, offset: number): void {
    if (!isTraceHeader(value)) {
      this.invalid(line, offset, explainInvalidHeader(value));
      return;
    }
    if (this.quietHeaderless || this.counts.lines > 1) this.laterHeader = true;
    const [major, minor] = value.version.split('.').map(Number);
    if (major !== SUPPORTED_MAJOR) {
      this.fatal = `${TRACE_SCHEMA_ID} version ${value.version} is not supported; this reader supports version ${SUPPORTED_MAJOR}.x (it implements ${TRACE_SCHEMA_VERSION})`;
      this.report('fatal', line, offset, this.fatal);
      return;
    }
    this.state.version = value.version;
    this.state.newerMinor = (minor ?? 0) > CURRENT_MINOR;
  }

  /** One length-prefixed record's OTLP batch, decoded from protobuf. */
  otlpRecord(batch: { resourceSpans: unknown[] }, record: number, offset: number, length: number): void {
    if (this.fatal !== undefined) return;
    this.counts.lines += 1;
    if (this.state.format === 'unknown') this.state.format = 'otlp';
    this.otlpLine(batch, record, offset, length);
  }

  /** A record that could not be used at all (cut short, over the bound, not decompressible). */
  invalidRecord(record: number, offset: number, reason: string): void {
    if (this.fatal !== undefined) return;
    this.counts.lines += 1;
    this.invalid(record, offset, reason);
  }

  private otlpLine(value: unknown, line: number, offset: number, length: number): void {
    const { events, problems } = otlpBatchToEvents(value);
    if (!isOtlpBatch(value)) {
      this.invalid(line, offset, problems[0] ?? 'not an OTLP batch');
      return;
    }
    for (const problem of problems) this.report('warning', line, offset, problem);
    const at: EventLocation = { file: this.file, line, offset, length };
    for (const event of events) {
      this.counts.events += 1;
      this.sink.event(event, at);
    }
  }

  /** A line with nothing usable in it is invalid; otherwise its problems are warnings and the rest is used. */
  private importedLine(imported: ImportedLine, line: number, offset: number, length: number): void {
    if (imported.events.length === 0 && imported.skipped === 0 && imported.problems.length > 0) {
      const more = imported.problems.length - 1;
      this.invalid(line, offset, more > 0 ? `${imported.problems[0]} (and ${more} more)` : imported.problems[0]!);
      return;
    }
    for (const problem of imported.problems) this.report('warning', line, offset, problem);
    this.counts.skipped += imported.skipped;
    const at: EventLocation = { file: this.file, line, offset, length };
    for (const event of imported.events) {
      this.counts.events += 1;
      this.sink.event(event, at);
    }
  }

  longLine(line: number, offset: number, length: number, maxLineBytes: number): void {
    if (this.fatal !== undefined) return;
    this.counts.lines += 1;
    this.invalid(line, offset, `line is ${length} bytes, over the limit of ${maxLineBytes}`);
  }

  private invalid(line: number, offset: number, reason: string): void {
    this.counts.invalid += 1;
    this.report('error', line, offset, reason);
  }

  /** An issue about the file after its last line (e.g. trailing bytes in a .gz). */
  reportAfterEnd(severity: 'warning', line: number, offset: number, reason: string): void {
    this.report(severity, line, offset, reason);
  }

  private report(severity: TraceIssue['severity'], line: number, offset: number, reason: string): void {
    if (severity === 'warning') this.counts.warnings += 1;
    this.sink.issue?.(this.unit === 'record' ? { file: this.file, line, offset, severity, reason, unit: 'record' } : { file: this.file, line, offset, severity, reason });
  }

  /** The rest of the file cannot be read (corrupt compressed data): recorded as the fatal issue. */
  stop(line: number, offset: number, reason: string): void {
    this.fatal = reason;
    this.report('fatal', line, offset, reason);
  }
}

/**
 * The events one line holds, or one record of a multi-line document, as the
 * reader makes them in whatever format the text is (a viewer reading a row
 * back by its location); none for text that is not JSON.
 */
export function eventsOfRecordText(text: string): TraceEvent[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  const events: TraceEvent[] = [];
  new LineParser('', initialParserState(), { event: (event) => events.push(event) }, true).record(value, 1, 0, text.length);
  return events;
}
