/**
 * The code the "Move analysis out of the execution path" fix writes into a
 * project: a small versioned trace emitter, and the post-execution runner
 * that reads trace files (Planewise JSON Lines or OTLP JSON, line by line) and
 * hands each moved analysis the inputs its handler recorded. Written with
 * two-space indentation, semicolons and single quotes, then restyled to match
 * the project (codeStyle.restyle).
 */
import { TRACE_SCHEMA_ID, TRACE_SCHEMA_VERSION } from '../../trace/schema';

/** Event attribute holding the analysis inputs as one JSON text, so every emitter keeps them as they were. */
export const INPUTS_ATTRIBUTE = 'planewise.inputs';
/** Event attribute holding the flag that gated the analysis in the handler. */
export const ENABLED_ATTRIBUTE = 'planewise.enabled';
export const EVENT_PREFIX = 'planewise.analysis.';
export const REGISTRY_NAME = 'movedAnalyses';
export const RUN_RECORDS_NAME = 'runMovedAnalyses';
export const RUN_FILES_NAME = 'runPostExecutionAnalyses';

export function emitterModuleText(serviceName: string): string {
  return `// @plane data
// Appends trace events to a Planewise trace file (JSON Lines, versioned header
// first), so analyses can run after execution instead of on the request path.
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';

const TRACE_FILE = process.env.PLANEWISE_TRACE_FILE ?? 'service.trace.jsonl';
const SERVICE = process.env.PLANEWISE_SERVICE ?? '${serviceName.replace(/[\\'"]/g, '')}';

export function emitTraceEvent(operation: string, attributes: Record<string, string | number | boolean>): void {
  if (!existsSync(TRACE_FILE)) {
    const header = { kind: 'header', schema: '${TRACE_SCHEMA_ID}', version: '${TRACE_SCHEMA_VERSION}', producer: { name: SERVICE } };
    appendFileSync(TRACE_FILE, JSON.stringify(header) + '\\n');
  }
  const event = { kind: 'span', ts: Date.now(), service: SERVICE, operation, traceId: randomUUID(), spanId: randomUUID(), durationMs: 0, status: 'unset', attributes };
  appendFileSync(TRACE_FILE, JSON.stringify(event) + '\\n');
}
`;
}

/** The registry of moved analyses and the function that runs them for recorded events. */
export function registryText(entries: readonly string[]): string {
  return `/** Trace event name -> the analysis moved out of the execution path, given the inputs its handler recorded. */
const ${REGISTRY_NAME}: Record<string, (inputs: never) => unknown> = {
${entries.join('\n')}
};

/** Runs the moved analyses for the events of a trace, in order; returns how many ran. */
export async function ${RUN_RECORDS_NAME}(records: Iterable<object> | AsyncIterable<object>): Promise<number> {
  let ran = 0;
  for await (const record of records) {
    const event = recordedEvent(record);
    const analysis = event === undefined ? undefined : ${REGISTRY_NAME}[event.name];
    if (event === undefined || analysis === undefined) continue;
    // A flag that gated the analysis in the handler still gates it here.
    const enabled = event.attributes['${ENABLED_ATTRIBUTE}'];
    if (enabled === false || enabled === 'false') continue;
    await analysis(decodeInputs(event.attributes['${INPUTS_ATTRIBUTE}']) as never);
    ran += 1;
  }
  return ran;
}

interface RecordedEvent {
  name: string;
  attributes: Record<string, unknown>;
}

/** A Planewise span record (operation, attributes); other records carry no moved analysis. */
function recordedEvent(record: object): RecordedEvent | undefined {
  if (!('kind' in record) || record.kind !== 'span' || !('operation' in record) || typeof record.operation !== 'string') return undefined;
  const attributes = 'attributes' in record && typeof record.attributes === 'object' && record.attributes !== null ? (record.attributes as Record<string, unknown>) : {};
  return { name: record.operation, attributes };
}

/** The handler wrote the inputs as JSON text; an emitter that encodes strings again wraps that text once more. */
function decodeInputs(value: unknown): unknown {
  let decoded: unknown = typeof value === 'string' ? JSON.parse(value) : {};
  if (typeof decoded === 'string') decoded = JSON.parse(decoded);
  return decoded;
}
`;
}

/** A streaming reader of Planewise and OTLP JSON trace files, and the entry point over files. */
export function fileRunnerText(moduleBase: string): string {
  return `/** Reads a trace file line by line: Planewise records, or OTLP JSON batches (their span events). */
async function* traceRecords(traceFile: string): AsyncGenerator<object> {
  const input = traceFile.endsWith('.gz') ? createReadStream(traceFile).pipe(createGunzip()) : createReadStream(traceFile);
  let lineNumber = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      console.error(\`\${traceFile}:\${lineNumber}: not a JSON record; skipped\`);
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null) continue;
    if ('resourceSpans' in parsed) yield* otlpSpanEvents(parsed as OtlpBatch);
    else yield parsed;
  }
}

type OtlpValue = { stringValue?: string; boolValue?: boolean; intValue?: number | string; doubleValue?: number };
type OtlpBatch = { resourceSpans?: { scopeSpans?: { spans?: { events?: { name?: string; attributes?: { key: string; value?: OtlpValue }[] }[] }[] }[] }[] };

/** The events of an OTLP JSON batch, shaped as Planewise span records. */
function* otlpSpanEvents(batch: OtlpBatch): Generator<object> {
  for (const resource of batch.resourceSpans ?? []) {
    for (const scope of resource.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        for (const event of span.events ?? []) {
          const attributes: Record<string, unknown> = {};
          for (const { key, value } of event.attributes ?? []) attributes[key] = value?.stringValue ?? value?.boolValue ?? value?.doubleValue ?? value?.intValue;
          yield { kind: 'span', operation: event.name, attributes };
        }
      }
    }
  }
}

/** Runs the moved analyses over trace files, after execution; returns how many ran. */
export async function ${RUN_FILES_NAME}(traceFiles: readonly string[]): Promise<number> {
  let ran = 0;
  for (const traceFile of traceFiles) ran += await ${RUN_RECORDS_NAME}(traceRecords(traceFile));
  return ran;
}

// node --import tsx <this file> traces/*.trace.jsonl
if (process.argv[1] !== undefined && basename(process.argv[1]).startsWith('${moduleBase}.')) {
  ${RUN_FILES_NAME}(process.argv.slice(2)).then(
    (ran) => console.log(\`\${ran} moved analyses ran\`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
`;
}

export const FILE_RUNNER_IMPORTS = [
  "import { createReadStream } from 'node:fs';",
  "import { basename } from 'node:path';",
  "import { createInterface } from 'node:readline';",
  "import { createGunzip } from 'node:zlib';",
];

export function createdPostExecutionText(imports: readonly string[], declarations: readonly string[], entries: readonly string[], moduleBase: string): string {
  return `// @plane intelligence
// Runs analyses after execution, from the trace files the service writes, so
// they never run on a request path.
${[...FILE_RUNNER_IMPORTS, ...imports].join('\n')}
${declarations.length > 0 ? `\n${declarations.join('\n')}\n` : ''}
${registryText(entries)}
${fileRunnerText(moduleBase)}`;
}

export const SERVED_EVENT_PREFIX = 'planewise.last-result.';
export const READ_LAST_RESULT_NAME = 'readLastResult';
export const WRITE_LAST_RESULT_NAME = 'writeLastResult';
export const LAST_RESULT_FILE_NAME = 'lastResultFile';
export const LAST_RESULT_SCHEMA = 'planewise.last-result';

/**
 * The module both sides of "Serve the last post-execution result" share: the
 * post-execution step writes an analysis's result as a versioned JSON
 * artifact, atomically, and the handler reads the last one.
 */
export function lastResultsModuleText(artifactsDir: string): string {
  return `// The last result of each analysis that runs after execution, as a versioned
// JSON artifact: the post-execution step writes it, request handlers read it.
// Files are the only interface between the two.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ARTIFACTS_DIR = process.env.PLANEWISE_ARTIFACTS_DIR ?? '${artifactsDir.replace(/[\\'"]/g, '')}';
const SCHEMA = '${LAST_RESULT_SCHEMA}';
const VERSION = '1.0';

interface LastResultArtifact {
  schema: string;
  version: string;
  analysis: string;
  writtenAt: string;
  result: unknown;
}

/** Where the last result of an analysis is written. */
export function ${LAST_RESULT_FILE_NAME}(analysis: string): string {
  return join(ARTIFACTS_DIR, \`\${analysis}.last-result.json\`);
}

/** Writes an analysis's result; a reader sees the previous file or this one, never half of it. */
export function ${WRITE_LAST_RESULT_NAME}(analysis: string, result: unknown): void {
  const file = ${LAST_RESULT_FILE_NAME}(analysis);
  mkdirSync(dirname(file), { recursive: true });
  const artifact: LastResultArtifact = { schema: SCHEMA, version: VERSION, analysis, writtenAt: new Date().toISOString(), result };
  const temporary = \`\${file}.\${process.pid}.tmp\`;
  writeFileSync(temporary, JSON.stringify(artifact) + '\\n');
  renameSync(temporary, file);
}

const lastRead = new Map<string, { modifiedMs: number; result: unknown }>();

/** The last result written for an analysis, or undefined while none has been written. */
export function ${READ_LAST_RESULT_NAME}<Result>(analysis: string): Result | undefined {
  const file = ${LAST_RESULT_FILE_NAME}(analysis);
  let modifiedMs: number;
  try {
    modifiedMs = statSync(file).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const cached = lastRead.get(file);
  if (cached !== undefined && cached.modifiedMs === modifiedMs) return cached.result as Result;
  const artifact = JSON.parse(readFileSync(file, 'utf8')) as Partial<LastResultArtifact>;
  if (artifact.schema !== SCHEMA || typeof artifact.version !== 'string' || artifact.version.split('.')[0] !== VERSION.split('.')[0]) {
    throw new Error(\`\${file}: not a \${SCHEMA} artifact of version \${VERSION.split('.')[0]}.x\`);
  }
  lastRead.set(file, { modifiedMs, result: artifact.result });
  return artifact.result as Result;
}
`;
}
