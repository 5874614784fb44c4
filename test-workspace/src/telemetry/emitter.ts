import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { TRACE_SCHEMA, TRACE_SCHEMA_VERSION, type AttributeValue, type Attributes, type TraceHeader, type TraceRecord } from '../contracts/trace-record';
import { systemClock, type Clock } from './clock';
import { randomIds, type IdGenerator } from './ids';

export const PRODUCER = { name: 'depot', version: '0.4.2' };

export interface TraceRun {
  id: string;
  startedAt?: number;
  labels?: Record<string, string>;
}

/** One trace file: the versioned header first, then one self-contained record per line. */
export class TraceWriter {
  constructor(
    readonly path: string,
    run: TraceRun,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    const header: TraceHeader = { kind: 'header', schema: TRACE_SCHEMA, version: TRACE_SCHEMA_VERSION, producer: PRODUCER, run };
    writeFileSync(path, JSON.stringify(header) + '\n');
  }

  write(record: TraceRecord): void {
    appendFileSync(this.path, JSON.stringify(record) + '\n');
  }
}

export interface SpanContext {
  traceId: string;
  spanId: string;
}

export interface LicenseInfo {
  tier: 'community' | 'enterprise';
  licensee?: string;
}

export interface TelemetryOptions {
  writer?: TraceWriter;
  clock?: Clock;
  ids?: IdGenerator;
  license?: LicenseInfo;
}

export interface Telemetry {
  writer: TraceWriter | undefined;
  clock: Clock;
  ids: IdGenerator;
  license: LicenseInfo;
}

let telemetry: Telemetry = { writer: undefined, clock: systemClock, ids: randomIds(), license: { tier: 'community' } };
const currentSpan = new AsyncLocalStorage<SpanContext>();

export function configureTelemetry(options: TelemetryOptions): Telemetry {
  telemetry = {
    writer: options.writer,
    clock: options.clock ?? systemClock,
    ids: options.ids ?? randomIds(),
    license: options.license ?? { tier: 'community' },
  };
  return telemetry;
}

export function activeTelemetry(): Telemetry {
  return telemetry;
}

export function activeSpanContext(): SpanContext | undefined {
  return currentSpan.getStore();
}

export function runInSpan<T>(context: SpanContext, work: () => T): T {
  return currentSpan.run(context, work);
}

/** Tracing is best effort: without a trace file configured, records are dropped. */
export function writeTraceRecord(record: TraceRecord): void {
  telemetry.writer?.write(record);
}

function isAttributeValue(value: unknown): value is AttributeValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * Records a point-in-time event under the current span, e.g. inputs the
 * analyses should see later, read from the trace file after the run.
 * Values other than strings, numbers and booleans are stored as JSON text.
 */
export function emitTraceEvent(name: string, inputs: Record<string, unknown> = {}): void {
  const parent = activeSpanContext();
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(inputs)) {
    if (value !== undefined) attributes[key] = isAttributeValue(value) ? value : JSON.stringify(value);
  }
  writeTraceRecord({
    kind: 'span',
    ts: telemetry.clock.now(),
    service: 'depot-events',
    operation: name,
    traceId: parent?.traceId ?? telemetry.ids.traceId(),
    spanId: telemetry.ids.spanId(),
    ...(parent ? { parentSpanId: parent.spanId } : {}),
    durationMs: 0,
    status: 'ok',
    attributes,
  });
}
