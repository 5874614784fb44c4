/**
 * The served result is the analysis's: apply "Serve the last post-execution
 * result" to a Hono route and a Lambda handler (the second fix extends what
 * the first created), run the handlers (through tsx, with the real Hono)
 * before any artifact exists, run the generated post-execution step on the
 * trace they wrote, then run the handlers again and compare what they serve
 * with calling the analyses directly on the same inputs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { EngineFinding } from '../findings';
import { applyChanges, fixFor, testEngine, TEST_ROOT, type TestProject } from '../testing/ruleTester';
import { SERVE_TITLE } from './serveLastResult';

const REPO = path.resolve(__dirname, '../../../..');
const TSX = path.join(REPO, 'node_modules/tsx/dist/cli.mjs');

const SERVICE: TestProject = {
  name: 'a Hono route and a Lambda handler that answer with an analysis',
  packageJson: { name: 'shop', type: 'module', dependencies: { hono: '^4.6.0' } },
  files: {
    'src/analysis/insights.ts': `export interface Ranking {
  items: { sku: string; score: number }[];
  top?: string;
  basedOn: number;
}

export function rankRecommendations(history: string[]): Ranking {
  const items = [...new Set(history)].sort().map((sku) => ({ sku, score: history.filter((seen) => seen === sku).length }));
  return { items, top: items[0]?.sku, basedOn: history.length };
}

export async function scoreRisk(records: { amount: number }[]) {
  return { ok: records.every((record) => record.amount < 1000), total: records.reduce((sum, record) => sum + record.amount, 0) };
}
`,
    'src/routes/recommendations.ts': `import { Hono } from 'hono';
import { rankRecommendations } from '../analysis/insights';

export const app = new Hono();

app.get('/recommendations', (c) => {
  const history = (c.req.query('history') ?? '').split(',');
  return c.json(rankRecommendations(history));
});
`,
    'src/handlers/audit.ts': `import { scoreRisk } from '../analysis/insights';

export const handler = async (event: { Records: { amount: number }[] }) => {
  const audit = await scoreRisk(event.Records);
  return { statusCode: audit.ok ? 200 : 207 };
};
`,
  },
};

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});

function writeOut(files: Map<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-serve-'));
  temporary.push(dir);
  for (const [file, text] of files) {
    const target = path.join(dir, path.relative(TEST_ROOT, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(REPO, 'node_modules/hono'), path.join(dir, 'node_modules/hono'), 'dir');
  return dir;
}

function runTs(dir: string, file: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, [TSX, file, ...args], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' });
}

function serveFix(project: TestProject, handlerFile: string) {
  const engine = testEngine(project);
  const finding = [...engine.checkDetailed('all').findings.values()].flat().find((candidate) => candidate.ruleId === 'no-analysis-in-execution-path' && candidate.file === path.join(TEST_ROOT, handlerFile)) as EngineFinding;
  return { engine, fix: fixFor(engine, finding, SERVE_TITLE) };
}

describe('the handler serves what the post-execution step computed', () => {
  const first = serveFix(SERVICE, 'src/routes/recommendations.ts');
  const once = applyChanges(first.engine.host.files, first.fix.changes);
  // The second fix finds the post-execution and last-results modules the first one created.
  const filesOnce = Object.fromEntries([...once].filter(([file]) => file.endsWith('.ts')).map(([file, text]) => [path.relative(TEST_ROOT, file), text]));
  const second = serveFix({ ...SERVICE, files: filesOnce, config: once.get(path.join(TEST_ROOT, 'planewise.config.json')) }, 'src/handlers/audit.ts');
  const dir = writeOut(applyChanges(second.engine.host.files, second.fix.changes));
  const traceFile = path.join(dir, 'run.trace.jsonl');
  const histories = ['b,a,c,a', 'z'];
  const records = [[{ amount: 10 }, { amount: 2000 }], [{ amount: 5 }]];
  fs.writeFileSync(
    path.join(dir, 'drive.ts'),
    `import { app } from './src/routes/recommendations';
import { handler } from './src/handlers/audit';
const served: unknown[] = [];
for (const history of ${JSON.stringify(histories)}) {
  const response = await app.request('/recommendations?history=' + history);
  served.push({ status: response.status, body: await response.json() });
}
for (const Records of ${JSON.stringify(records)}) served.push(await handler({ Records }));
console.log(JSON.stringify(served));
`,
  );
  const drive = () => JSON.parse(runTs(dir, 'drive.ts', [], { PLANEWISE_TRACE_FILE: traceFile })) as unknown[];

  it('the second fix extends the modules the first created', () => {
    assert.ok(!second.fix.changes.some((change) => change.kind === 'create' && /postExecution|lastResults/.test(change.file)), JSON.stringify(second.fix.changes.map((change) => [change.kind, change.file])));
  });

  it('before the post-execution step has run, the handlers answer 202 with where the result will appear', () => {
    assert.deepEqual(drive(), [
      { status: 202, body: { pending: 'artifacts/rank-recommendations.last-result.json' } },
      { status: 202, body: { pending: 'artifacts/rank-recommendations.last-result.json' } },
      { statusCode: 202, body: JSON.stringify({ pending: 'artifacts/score-risk.last-result.json' }) },
      { statusCode: 202, body: JSON.stringify({ pending: 'artifacts/score-risk.last-result.json' }) },
    ]);
  });

  it('after it ran, they serve what the analyses return for the last recorded inputs', async () => {
    assert.match(runTs(dir, 'src/analysis/postExecution.ts', [traceFile]), /4 moved analyses ran/);
    const artifacts = fs.readdirSync(path.join(dir, 'artifacts')).sort();
    assert.deepEqual(artifacts, ['rank-recommendations.last-result.json', 'score-risk.last-result.json'], 'written atomically: no temporary file is left');
    const artifact = JSON.parse(fs.readFileSync(path.join(dir, 'artifacts/score-risk.last-result.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(artifact.schema, 'planewise.last-result');
    assert.equal(artifact.version, '1.0');

    const { rankRecommendations, scoreRisk } = (await import(path.join(dir, 'src/analysis/insights.ts'))) as {
      rankRecommendations: (history: string[]) => unknown;
      scoreRisk: (records: { amount: number }[]) => Promise<{ ok: boolean }>;
    };
    const ranking = JSON.parse(JSON.stringify(rankRecommendations(histories.at(-1)!.split(','))));
    const audit = await scoreRisk(records.at(-1)!);
    assert.deepEqual(drive(), [
      { status: 200, body: ranking },
      { status: 200, body: ranking },
      { statusCode: audit.ok ? 200 : 207 },
      { statusCode: audit.ok ? 200 : 207 },
    ]);
  });

  it('a last result of another major version is refused, not served', () => {
    const file = path.join(dir, 'artifacts/score-risk.last-result.json');
    fs.writeFileSync(file, JSON.stringify({ schema: 'planewise.last-result', version: '2.0', analysis: 'score-risk', writtenAt: new Date().toISOString(), result: { ok: true } }));
    assert.throws(() => runTs(dir, 'drive.ts', [], { PLANEWISE_TRACE_FILE: traceFile }), /not a planewise\.last-result artifact of version 1\.x/);
  });
});
