/**
 * The trace artifact contract: `planewise.trace`, JSON Lines.
 *
 * Line 1 is a header naming the schema and version; every other line is one
 * self-contained event with a `kind` discriminator. Readers follow the
 * CloudTrail rule: the same major version is read, a newer minor is read with
 * unknown fields ignored, another major is refused with the supported range.
 */
import { z } from 'zod';

export const TRACE_SCHEMA_ID = 'planewise.trace';
export const TRACE_SCHEMA_VERSION = '1.0';
export const SUPPORTED_MAJOR = 1;

/** Epoch milliseconds (fractions allowed): cheap to compare and aggregate in bulk. */
const timestamp = z.number().finite().nonnegative().describe('Time of the event in milliseconds since the Unix epoch (UTC).');
const nonEmpty = z.string().min(1);
const attributeValue = z.union([z.string(), z.number(), z.boolean()]);

export const headerSchema = z.object({
  kind: z.literal('header'),
  schema: z.literal(TRACE_SCHEMA_ID),
  version: z.string().regex(/^\d+\.\d+$/, 'version must be "major.minor"'),
  producer: z.object({
    name: nonEmpty.describe('The program that wrote the trace.'),
    version: z.string().optional(),
  }),
  run: z
    .object({
      id: nonEmpty.describe('Identifies the run; traces from many runs merge by run id.'),
      startedAt: timestamp.optional(),
      labels: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

export const spanEventSchema = z.object({
  kind: z.literal('span'),
  ts: timestamp.describe('Start of the span.'),
  service: nonEmpty,
  operation: nonEmpty,
  traceId: nonEmpty,
  spanId: nonEmpty,
  parentSpanId: nonEmpty.optional(),
  durationMs: z.number().finite().nonnegative(),
  status: z.enum(['ok', 'error', 'unset']),
  attributes: z.record(z.string(), attributeValue).optional(),
});

export const authzEventSchema = z
  .object({
    kind: z.literal('authz'),
    ts: timestamp,
    service: nonEmpty.describe('The service that asked for the decision.'),
    principal: nonEmpty,
    action: nonEmpty.describe('Service-qualified action, e.g. "storage:GetObject".'),
    resource: nonEmpty.describe('The resource acted on, e.g. "storage:bucket/reports/q1.csv".'),
    decision: z.enum(['allow', 'deny']),
    denyReason: z
      .enum(['explicit', 'implicit'])
      .optional()
      .describe('For a deny: "explicit" when a Deny statement matched, "implicit" when nothing allowed it.'),
    matchedStatements: z.array(z.string()).optional(),
    traceId: nonEmpty.optional(),
    spanId: nonEmpty.optional(),
  })
  .refine((event) => event.decision === 'allow' || event.denyReason !== undefined, {
    message: 'a deny decision needs denyReason "explicit" or "implicit"',
    path: ['denyReason'],
  });

export const traceEventSchema = z.discriminatedUnion('kind', [spanEventSchema, authzEventSchema]);

export type TraceHeader = z.infer<typeof headerSchema>;
export type SpanEvent = z.infer<typeof spanEventSchema>;
export type AuthzEvent = z.infer<typeof authzEventSchema>;
export type TraceEvent = z.infer<typeof traceEventSchema>;
export type TraceEventKind = TraceEvent['kind'];

/**
 * The fields the analyses read. A sink that asks for core events may get just
 * these: ids, attributes and matched statements are for display, and leaving
 * them unread lets most lines skip JSON.parse (see fast/coreScanner.ts).
 */
export type CoreSpanEvent = Pick<SpanEvent, 'kind' | 'ts' | 'service' | 'operation' | 'durationMs' | 'status'>;
export type CoreAuthzEvent = Pick<AuthzEvent, 'kind' | 'ts' | 'service' | 'principal' | 'action' | 'resource' | 'decision' | 'denyReason'>;
export type CoreTraceEvent = CoreSpanEvent | CoreAuthzEvent;
