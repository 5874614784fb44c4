/**
 * The trace artifact contract (`planewise.trace`, JSON Lines), shared by the
 * service that writes traces and the analyses that read them. It is the only
 * thing both sides know about each other.
 */

export const TRACE_SCHEMA = 'planewise.trace';
export const TRACE_SCHEMA_VERSION = '1.0';

export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;

export interface TraceHeader {
  kind: 'header';
  schema: typeof TRACE_SCHEMA;
  version: string;
  producer: { name: string; version?: string };
  run?: { id: string; startedAt?: number; labels?: Record<string, string> };
}

export interface SpanRecord {
  kind: 'span';
  ts: number;
  service: string;
  operation: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  durationMs: number;
  status: 'ok' | 'error' | 'unset';
  attributes?: Attributes;
}

export interface AuthzRecord {
  kind: 'authz';
  ts: number;
  service: string;
  principal: string;
  action: string;
  resource: string;
  decision: 'allow' | 'deny';
  denyReason?: 'explicit' | 'implicit';
  matchedStatements?: string[];
  traceId?: string;
  spanId?: string;
}

export type TraceRecord = SpanRecord | AuthzRecord;

export class TraceFormatError extends Error {
  constructor(
    readonly lineNumber: number,
    message: string,
  ) {
    super(`line ${lineNumber}: ${message}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(record: Record<string, unknown>, field: string, lineNumber: number): void {
  if (typeof record[field] !== 'string' || record[field] === '') {
    throw new TraceFormatError(lineNumber, `"${field}" must be a non-empty string`);
  }
}

function requireNumber(record: Record<string, unknown>, field: string, lineNumber: number): void {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TraceFormatError(lineNumber, `"${field}" must be a non-negative number`);
  }
}

/** Checks the header line: same major version only, as the contract requires. */
export function parseTraceHeader(line: string): TraceHeader {
  const value: unknown = JSON.parse(line);
  if (!isObject(value) || value.kind !== 'header' || value.schema !== TRACE_SCHEMA) {
    throw new TraceFormatError(1, `the first line must be a "${TRACE_SCHEMA}" header`);
  }
  const major = String(value.version).split('.')[0];
  if (major !== TRACE_SCHEMA_VERSION.split('.')[0]) {
    throw new TraceFormatError(1, `unsupported trace version ${String(value.version)} (this reader supports ${TRACE_SCHEMA_VERSION.split('.')[0]}.x)`);
  }
  return value as unknown as TraceHeader;
}

/** Parses one event line; unknown fields are kept, missing or mistyped ones are an error. */
export function parseTraceRecord(line: string, lineNumber: number): TraceRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new TraceFormatError(lineNumber, 'not valid JSON');
  }
  if (!isObject(value)) throw new TraceFormatError(lineNumber, 'an event must be a JSON object');
  requireNumber(value, 'ts', lineNumber);
  requireString(value, 'service', lineNumber);
  if (value.kind === 'span') {
    for (const field of ['operation', 'traceId', 'spanId']) requireString(value, field, lineNumber);
    requireNumber(value, 'durationMs', lineNumber);
    if (!['ok', 'error', 'unset'].includes(String(value.status))) {
      throw new TraceFormatError(lineNumber, '"status" must be "ok", "error" or "unset"');
    }
    return value as unknown as SpanRecord;
  }
  if (value.kind === 'authz') {
    for (const field of ['principal', 'action', 'resource']) requireString(value, field, lineNumber);
    if (value.decision !== 'allow' && value.decision !== 'deny') {
      throw new TraceFormatError(lineNumber, '"decision" must be "allow" or "deny"');
    }
    if (value.decision === 'deny' && value.denyReason !== 'explicit' && value.denyReason !== 'implicit') {
      throw new TraceFormatError(lineNumber, 'a deny needs "denyReason" "explicit" or "implicit"');
    }
    return value as unknown as AuthzRecord;
  }
  throw new TraceFormatError(lineNumber, `unknown event kind ${JSON.stringify(value.kind)}`);
}
