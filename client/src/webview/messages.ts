/**
 * Every message between the trace viewer's webview and the extension, as zod
 * schemas (zod/mini keeps the webview bundle small). Each side validates what
 * it receives: the extension trusts no webview input, the webview trusts no
 * payload shape it did not expect.
 */
import * as z from 'zod/mini';

const count = z.number().check(z.int(), z.minimum(0));
const text = z.string();
const shortText = z.string().check(z.maxLength(2_000));

export const progressSchema = z.object({
  phase: z.enum(['reading', 'done', 'cancelled', 'error']),
  bytesRead: count,
  totalBytes: count,
  /** Set when phase is "error" or "cancelled". */
  message: z.optional(text),
  /** The file is watched; appended lines are read as they arrive. */
  live: z.boolean(),
});

export const fileInfoSchema = z.object({
  name: text,
  path: text,
  compressed: z.boolean(),
});

/**
 * Rows a table shows until the user asks for all, and all that a summary
 * message carries of the operations table: a big trace has thousands of
 * operations. The rest follow a finished read in `operations` messages of
 * OPERATION_ROWS_PER_MESSAGE, each small enough to relay in a few ms.
 */
export const TABLE_ROWS_SHOWN = 200;
export const OPERATION_ROWS_PER_MESSAGE = 200;

export const operationRowSchema = z.object({
  service: text,
  operation: text,
  count,
  errors: count,
  p50Ms: z.number(),
  p95Ms: z.number(),
  p99Ms: z.number(),
  maxMs: z.number(),
});

export const principalRowSchema = z.object({ principal: text, allow: count, deny: count, actions: count });
export const actionRowSchema = z.object({ action: text, allow: count, explicitDeny: count, implicitDeny: count });

export const summarySchema = z.object({
  producer: z.optional(text),
  schemaVersion: z.optional(text),
  runIds: z.array(text),
  events: count,
  spans: count,
  authz: count,
  invalidLines: count,
  window: z.optional(z.object({ startMs: z.number(), endMs: z.number() })),
  /** The first TABLE_ROWS_SHOWN operations; once the file is read, `operations` messages bring the rest. */
  operations: z.array(operationRowSchema),
  operationsTotal: count,
  spanErrors: count,
  denied: count,
  principals: z.array(principalRowSchema),
  actions: z.array(actionRowSchema),
});

export const problemSchema = z.object({ line: count, reason: text, severity: z.enum(['error', 'warning', 'fatal']) });
export const problemsSchema = z.object({ total: count, items: z.array(problemSchema) });

export const policyOptionsSchema = z.object({
  /** Generalize more than N sibling resources under one prefix to `prefix*`; null: never. */
  wildcardThreshold: z.nullable(z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000))),
});

/** The policy tab's overview: one line per principal. Documents are sent one principal at a time, on request. */
export const policyViewSchema = z.object({
  options: policyOptionsSchema,
  principals: z.array(
    z.object({
      principal: text,
      statements: count,
      actions: count,
      resources: count,
      /** Denied action -> resource pairs, never granted. */
      deniedPairs: count,
    }),
  ),
});

export const deniedRowSchema = z.object({ action: text, resource: text, count, reason: z.enum(['explicit', 'implicit']) });

/** One principal's policy, as shown: a document of any size is cut for display, never for Copy or Save. */
export const principalPolicySchema = z.object({
  principal: text,
  options: policyOptionsSchema,
  /** The principal's policy document, pretty-printed (cut at a line break when `omittedLines` > 0). */
  json: text,
  omittedLines: count,
  /** The first denied pairs; `deniedTotal` counts them all. */
  denied: z.array(deniedRowSchema),
  deniedTotal: count,
});

export const eventRowSchema = z.object({
  line: count,
  ts: z.number(),
  kind: z.enum(['span', 'authz']),
  service: text,
  /** The span's operation or the authz action. */
  name: text,
  principal: text,
  /** ok / error / unset for spans, allow / deny for authz. */
  outcome: text,
  /** Duration for spans, resource for authz. */
  detail: text,
});

/** The events table's columns, in order; each can sort the table. */
export const EVENT_COLUMNS = ['line', 'time', 'kind', 'service', 'name', 'principal', 'outcome', 'detail'] as const;
export const eventSortSchema = z.object({ column: z.enum(EVENT_COLUMNS), descending: z.boolean() });

export const rowsPageSchema = z.object({
  requestId: count,
  filter: text,
  /** The order the rows are in; absent: file order. */
  sort: z.optional(eventSortSchema),
  start: count,
  /** Rows matching the filter (all events without one). */
  total: count,
  /** More matches may exist: the filter scan was capped or is still running. */
  partial: z.boolean(),
  rows: z.array(eventRowSchema),
});

export const diffChangeSchema = z.object({
  change: z.enum(['added', 'removed', 'changed']),
  area: text,
  key: text,
  before: z.optional(text),
  after: z.optional(text),
});

export const compareViewSchema = z.object({
  state: z.enum(['running', 'done', 'cancelled', 'error']),
  otherName: text,
  message: z.optional(text),
  /** The comparison in one line: counts of added, removed and changed, spans and latency. */
  headline: z.optional(text),
  changes: z.array(diffChangeSchema),
});

export const toWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('file'), file: fileInfoSchema }),
  z.object({ type: z.literal('progress'), progress: progressSchema }),
  z.object({ type: z.literal('summary'), summary: summarySchema, problems: problemsSchema }),
  /** More rows of the last summary's operations table, from row `start`. */
  z.object({ type: z.literal('operations'), start: count, rows: z.array(operationRowSchema) }),
  z.object({ type: z.literal('policy'), policy: policyViewSchema }),
  z.object({ type: z.literal('principalPolicy'), detail: principalPolicySchema }),
  z.object({ type: z.literal('rows'), page: rowsPageSchema }),
  z.object({ type: z.literal('compare'), compare: compareViewSchema }),
  z.object({ type: z.literal('notice'), level: z.enum(['info', 'error']), message: text }),
]);

export const VIEWS = ['summary', 'policy', 'events', 'problems', 'compare'] as const;

export const fromWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('cancel') }),
  z.object({ type: z.literal('reload') }),
  z.object({
    type: z.literal('requestRows'),
    requestId: count,
    start: count,
    count: z.number().check(z.int(), z.minimum(1), z.maximum(1_000)),
    filter: shortText,
    sort: z.optional(eventSortSchema),
  }),
  z.object({ type: z.literal('openLine'), line: z.number().check(z.int(), z.minimum(1)) }),
  z.object({ type: z.literal('setPolicyOptions'), options: policyOptionsSchema }),
  z.object({ type: z.literal('showPrincipal'), principal: shortText }),
  z.object({ type: z.literal('copyPolicy'), principal: z.optional(shortText) }),
  z.object({ type: z.literal('savePolicy') }),
  z.object({ type: z.literal('pickCompare') }),
  z.object({ type: z.literal('cancelCompare') }),
  z.object({ type: z.literal('openAsText') }),
  z.object({ type: z.literal('viewChanged'), view: z.enum(VIEWS) }),
]);

export type Progress = z.infer<typeof progressSchema>;
export type FileInfo = z.infer<typeof fileInfoSchema>;
export type SummaryView = z.infer<typeof summarySchema>;
export type OperationRow = z.infer<typeof operationRowSchema>;
export type Problems = z.infer<typeof problemsSchema>;
export type PolicyOptions = z.infer<typeof policyOptionsSchema>;
export type PolicyView = z.infer<typeof policyViewSchema>;
export type PrincipalPolicyView = z.infer<typeof principalPolicySchema>;
export type EventRow = z.infer<typeof eventRowSchema>;
export type RowsPage = z.infer<typeof rowsPageSchema>;
export type EventSort = z.infer<typeof eventSortSchema>;
export type EventColumn = (typeof EVENT_COLUMNS)[number];
export type DiffChange = z.infer<typeof diffChangeSchema>;
export type CompareView = z.infer<typeof compareViewSchema>;
export type ToWebview = z.infer<typeof toWebviewSchema>;

/** Adds an `operations` message's rows to the summary they continue; rows meant for a summary that a newer one replaced are dropped. */
export function appendOperations(summary: SummaryView | undefined, message: Extract<ToWebview, { type: 'operations' }>): boolean {
  if (summary?.operations.length !== message.start) return false;
  summary.operations.push(...message.rows);
  return true;
}
export type FromWebview = z.infer<typeof fromWebviewSchema>;
export type ViewName = (typeof VIEWS)[number];

export const DEFAULT_POLICY_OPTIONS: PolicyOptions = { wildcardThreshold: null };

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodMiniType<T>, value: unknown): Parsed<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, message: result.data };
  const kind = typeof value === 'object' && value !== null && 'type' in value ? String((value as { type: unknown }).type) : typeof value;
  return { ok: false, error: `rejected message (${kind.slice(0, 40)}): ${z.prettifyError(result.error)}` };
}

/** Validates a message the webview sent (run in the extension). */
export const parseFromWebview = (value: unknown): Parsed<FromWebview> => parseWith(fromWebviewSchema, value);
/** Validates a message the extension sent (run in the webview). */
export const parseToWebview = (value: unknown): Parsed<ToWebview> => parseWith(toWebviewSchema, value);
