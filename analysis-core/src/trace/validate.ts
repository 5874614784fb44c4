/**
 * The hot-path validator: accepts exactly what the zod schemas in schema.ts
 * accept (a property test holds the two together), without zod's per-call
 * allocation. zod runs only after a line failed, to word the reason.
 */
import type { z } from 'zod';
import { type AuthzEvent, type SpanEvent, type TraceEvent, type TraceHeader, headerSchema, traceEventSchema } from './schema';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isOptionalNonEmpty(value: unknown): boolean {
  return value === undefined || isNonEmpty(value);
}

function isTimestamp(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isRecordOf(value: unknown, check: (item: unknown) => boolean): boolean {
  if (!isObject(value)) return false;
  for (const key in value) {
    if (Object.hasOwn(value, key) && !check(value[key])) return false;
  }
  return true;
}

function isAttributeValue(value: unknown): boolean {
  const type = typeof value;
  return type === 'string' || type === 'boolean' || (type === 'number' && Number.isFinite(value as number));
}

const isString = (value: unknown): boolean => typeof value === 'string';

export function isSpanEvent(value: Json): value is SpanEvent & Json {
  return (
    value.kind === 'span' &&
    isTimestamp(value.ts) &&
    isNonEmpty(value.service) &&
    isNonEmpty(value.operation) &&
    isNonEmpty(value.traceId) &&
    isNonEmpty(value.spanId) &&
    isOptionalNonEmpty(value.parentSpanId) &&
    isTimestamp(value.durationMs) &&
    (value.status === 'ok' || value.status === 'error' || value.status === 'unset') &&
    (value.attributes === undefined || isRecordOf(value.attributes, isAttributeValue))
  );
}

export function isAuthzEvent(value: Json): value is AuthzEvent & Json {
  const { decision, denyReason, matchedStatements } = value;
  return (
    value.kind === 'authz' &&
    isTimestamp(value.ts) &&
    isNonEmpty(value.service) &&
    isNonEmpty(value.principal) &&
    isNonEmpty(value.action) &&
    isNonEmpty(value.resource) &&
    (decision === 'allow' || decision === 'deny') &&
    (denyReason === undefined || denyReason === 'explicit' || denyReason === 'implicit') &&
    (decision === 'allow' || denyReason !== undefined) &&
    (matchedStatements === undefined || (Array.isArray(matchedStatements) && matchedStatements.every(isString))) &&
    isOptionalNonEmpty(value.traceId) &&
    isOptionalNonEmpty(value.spanId)
  );
}

/** True when `value` is a span or authz event that `traceEventSchema` accepts. */
export function isTraceEvent(value: unknown): value is TraceEvent {
  if (!isObject(value)) return false;
  if (value.kind === 'span') return isSpanEvent(value);
  if (value.kind === 'authz') return isAuthzEvent(value);
  return false;
}

const VERSION_PATTERN = /^\d+\.\d+$/;

/** True when `value` is a header that `headerSchema` accepts. */
export function isTraceHeader(value: unknown): value is TraceHeader {
  if (!isObject(value) || value.kind !== 'header' || value.schema !== 'planewise.trace') return false;
  if (typeof value.version !== 'string' || !VERSION_PATTERN.test(value.version)) return false;
  const { producer, run } = value;
  if (!isObject(producer) || !isNonEmpty(producer.name) || !(producer.version === undefined || typeof producer.version === 'string')) return false;
  if (run === undefined) return true;
  return (
    isObject(run) &&
    isNonEmpty(run.id) &&
    (run.startedAt === undefined || isTimestamp(run.startedAt)) &&
    (run.labels === undefined || isRecordOf(run.labels, isString))
  );
}

/**
 * Plain words with the bad value, e.g. `decision is 5; expected "allow" or
 * "deny"`, instead of the schema library's wording.
 */
function describeIssues(error: z.ZodError, value: unknown): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => describeIssue(issue, value))
    .join('; ');
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  const field = issue.path.map(String).join('.');
  const actual = issue.path.reduce<unknown>((at, key) => (isObject(at) ? at[key as string] : undefined), value);
  if (!field) return issue.message;
  if (actual === undefined) return `missing field "${field}"`;
  const shown = describeValue(actual);
  switch (issue.code) {
    case 'invalid_value':
      return `${field} is ${shown}; expected ${alternatives(issue.values.map((allowed) => JSON.stringify(allowed)))}`;
    case 'invalid_type':
      return `${field} is ${shown}; expected ${issue.expected === 'number' ? 'a number' : issue.expected === 'string' ? 'text' : `a${/^[aeiou]/.test(issue.expected) ? 'n' : ''} ${issue.expected}`}`;
    case 'too_small':
      return issue.origin === 'string' ? `${field} is empty` : `${field} is ${shown}; expected ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`;
    default:
      return `${field} is ${shown}: ${issue.message}`;
  }
}

/** A value as a reader sees it in a message: JSON, cut when long. */
function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

const alternatives = (values: string[]): string => (values.length <= 1 ? (values[0] ?? 'nothing') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`);

/** Why a parsed line is not a valid event, in words (runs zod: for failed lines only). */
export function explainInvalidEvent(value: unknown): string {
  if (!isObject(value)) return `expected a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`;
  if (value.kind === undefined) return 'missing field "kind"';
  if (value.kind !== 'span' && value.kind !== 'authz') return `unknown kind ${JSON.stringify(value.kind)}`;
  const result = traceEventSchema.safeParse(value);
  return result.success ? 'invalid event' : describeIssues(result.error, value);
}

/** Why a `kind: "header"` line is not a valid header. */
export function explainInvalidHeader(value: unknown): string {
  const result = headerSchema.safeParse(value);
  return result.success ? 'invalid header' : `invalid header: ${describeIssues(result.error, value)}`;
}
