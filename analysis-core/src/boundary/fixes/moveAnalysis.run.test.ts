/**
 * The moved code runs: apply the fix to a small service, run the handler
 * (through tsx), read the trace it wrote, run the generated post-execution
 * step over it, and compare what the analysis computed with calling the
 * analysis directly on the same inputs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { applyChanges, fixFor, testEngine, TEST_ROOT, type TestProject } from '../testing/ruleTester';
import type { EngineFinding } from '../findings';
import { MOVE_TITLE } from './moveAnalysis';

const TSX = path.resolve(__dirname, '../../../../node_modules/tsx/dist/cli.mjs');

/** The analysis appends what it computed to $ANALYSIS_OUT, so a run can be compared with a direct call. */
const analysis = `import { appendFileSync } from 'node:fs';

export interface Usage {
  file: string;
  total: number;
  tags: string[];
  owner?: string;
}

export async function aggregateUsage(file: string, sizes: number[], options: { tags: string[]; owner?: string }): Promise<Usage> {
  const usage: Usage = { file, total: sizes.reduce((sum, size) => sum + size, 0), tags: options.tags, owner: options.owner };
  if (process.env.ANALYSIS_OUT) appendFileSync(process.env.ANALYSIS_OUT, JSON.stringify(usage) + '\\n');
  return usage;
}
`;

const SERVICE: TestProject = {
  name: 'a Hono-style service with no emitter and no config',
  files: {
    'src/routes/uploads.ts': `import { aggregateUsage } from '../analysis/usage';
import { metrics } from '../lib/metrics';

export async function upload(file: string, sizes: number[], owner: string | undefined, analysisEnabled: boolean) {
  if (analysisEnabled) {
    const stats = await aggregateUsage(file, sizes, { tags: ['a "quoted" tag', '{not json'], owner });
    metrics.gauge('usage', stats.total);
  }
  return { stored: file };
}
`,
    'src/lib/metrics.ts': "export const metrics = { gauge(name: string, value: number): void { void name; void value; } };\n",
    'src/analysis/usage.ts': analysis,
  },
};

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});

function writeOut(files: Map<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-move-'));
  temporary.push(dir);
  for (const [file, text] of files) {
    const target = path.join(dir, path.relative(TEST_ROOT, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  return dir;
}

function runTs(dir: string, file: string, args: string[], env: Record<string, string>): string {
  return execFileSync(process.execPath, [TSX, file, ...args], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' });
}

describe('the moved analysis runs after execution with the values the handler passed', () => {
  const engine = testEngine(SERVICE);
  const finding = [...engine.checkDetailed('all').findings.values()].flat().find((candidate) => candidate.ruleId === 'no-analysis-in-execution-path') as EngineFinding;
  const fix = fixFor(engine, finding, MOVE_TITLE);
  const dir = writeOut(applyChanges(engine.host.files, fix.changes));
  const traceFile = path.join(dir, 'run.trace.jsonl');
  const calls: [string, number[], string | undefined][] = [
    ['/tmp/uploads/a.bin', [1, 2, 3], 'ana'],
    ['{"looks":"like json"}', [], undefined],
  ];
  fs.writeFileSync(
    path.join(dir, 'drive.ts'),
    `import { upload } from './src/routes/uploads';\nconst calls = ${JSON.stringify(calls)};\nfor (const [file, sizes, owner] of calls) void upload(file, sizes, owner ?? undefined, true);\nvoid upload('analysis off', [9], undefined, false);\n`,
  );

  it('the handler writes a versioned trace holding the inputs, and runs no analysis', () => {
    const analysisOut = path.join(dir, 'in-handler.jsonl');
    runTs(dir, 'drive.ts', [], { PLANEWISE_TRACE_FILE: traceFile, ANALYSIS_OUT: analysisOut });
    assert.equal(fs.existsSync(analysisOut), false, 'the analysis did not run in the handler');
    const lines = fs.readFileSync(traceFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { kind: string; schema?: string });
    assert.equal(lines[0]!.kind, 'header');
    assert.equal(lines[0]!.schema, 'planewise.trace');
    // The flag is recorded with the event: the post-execution step still honours it.
    assert.equal(lines.length, 2 + calls.length);
  });

  it('the post-execution step computes what a direct call computes', async () => {
    const fromTrace = path.join(dir, 'post.jsonl');
    const output = runTs(dir, 'src/analysis/postExecution.ts', [traceFile], { ANALYSIS_OUT: fromTrace });
    assert.match(output, /2 moved analyses ran/);
    const direct = path.join(dir, 'direct.jsonl');
    process.env.ANALYSIS_OUT = direct;
    const { aggregateUsage } = (await import(path.join(dir, 'src/analysis/usage.ts'))) as { aggregateUsage: (file: string, sizes: number[], options: { tags: string[]; owner?: string }) => Promise<unknown> };
    for (const [file, sizes, owner] of calls) await aggregateUsage(file, sizes, { tags: ['a "quoted" tag', '{not json'], owner });
    delete process.env.ANALYSIS_OUT;
    assert.equal(fs.readFileSync(fromTrace, 'utf8'), fs.readFileSync(direct, 'utf8'));
  });

  it('reads the same events from an OTLP JSON file', () => {
    const records = fs.readFileSync(traceFile, 'utf8').trim().split('\n').slice(1).map((line) => JSON.parse(line) as { operation: string; attributes: Record<string, string> });
    const events = records.map((record) => ({ name: record.operation, attributes: Object.entries(record.attributes).map(([key, value]) => ({ key, value: { stringValue: value } })) }));
    const otlpFile = path.join(dir, 'run.otlp.json');
    fs.writeFileSync(otlpFile, `${JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'POST /uploads', events }] }] }] })}\n`);
    const fromOtlp = path.join(dir, 'otlp.jsonl');
    runTs(dir, 'src/analysis/postExecution.ts', [otlpFile], { ANALYSIS_OUT: fromOtlp });
    assert.equal(fs.readFileSync(fromOtlp, 'utf8'), fs.readFileSync(path.join(dir, 'post.jsonl'), 'utf8'));
  });
});
