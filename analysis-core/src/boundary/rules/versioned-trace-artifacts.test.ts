import { runRuleTests } from '../testing/ruleTester';
import { versionedTraceArtifacts } from './versioned-trace-artifacts';

const writer = (header: string) => `import { appendFileSync } from 'node:fs';

const TRACE_FILE = process.env.TRACE_FILE ?? 'orders.trace.jsonl';

export function start(): void {
  const header = ${header};
  appendFileSync(TRACE_FILE, JSON.stringify(header) + '\\n');
}

export function record(operation: string): void {
  appendFileSync(TRACE_FILE, JSON.stringify({ kind: 'span', operation }) + '\\n');
}
`;

runRuleTests(versionedTraceArtifacts, {
  valid: [
    { name: 'a writer with a versioned header', files: { 'src/tracing/writer.ts': writer("{ kind: 'header', schema: 'planewise.trace', version: '1.0', producer: { name: 'orders' } }") } },
    { name: 'files that are not traces', files: { 'src/storage/log.ts': "import fs from 'node:fs';\nexport const w = (s: string) => fs.appendFileSync('orders.jsonl', s);\n" } },
    {
      name: 'custom trace file patterns',
      files: { 'src/storage/log.ts': "import fs from 'node:fs';\nexport const w = (s: string) => fs.appendFileSync('orders.trace.jsonl', s);\n" },
      config: { trace: { filePatterns: ['*.events.ndjson'] } },
    },
  ],
  invalid: [
    {
      name: 'a header without the version, fixed by adding it',
      files: { 'src/tracing/writer.ts': writer("{ kind: 'header', schema: 'planewise.trace', producer: { name: 'orders' } }") },
      errors: [{ messageId: 'headerMissingFields', line: 6, message: '"version"' }],
      fix: {
        title: 'Add the trace version to the header',
        typeCheck: true,
        output: { 'src/tracing/writer.ts': writer("{ kind: 'header', schema: 'planewise.trace', producer: { name: 'orders' }, version: '1.0' }") },
      },
    },
    {
      name: 'trace records without any header; a stream to a template path',
      files: {
        'src/tracing/raw.ts': "import { appendFileSync } from 'node:fs';\nexport const w = (s: string) => appendFileSync('out/run.trace.jsonl', s);\n",
        'src/tracing/stream.ts': "import fs from 'node:fs';\nexport const open = (dir: string) => fs.createWriteStream(`${dir}/run.trace.jsonl`);\n",
      },
      errors: [
        { messageId: 'noHeader', line: 2, file: 'src/tracing/raw.ts' },
        { messageId: 'noHeader', line: 2, file: 'src/tracing/stream.ts' },
      ],
    },
    {
      name: 'the configured emitter must write a header; versions are major.minor',
      files: {
        'src/telemetry/emit.ts': 'export function emit(name: string): string {\n  return name;\n}\n',
        'src/tracing/writer.ts': writer("{ kind: 'header', schema: 'planewise.trace', version: 'v1' }"),
      },
      config: { trace: { emitter: { module: 'src/telemetry/emit.ts', export: 'emit' } } },
      errors: [
        { messageId: 'noHeader', line: 1, file: 'src/telemetry/emit.ts' },
        { messageId: 'badVersion', line: 6, file: 'src/tracing/writer.ts' },
      ],
    },
  ],
});
