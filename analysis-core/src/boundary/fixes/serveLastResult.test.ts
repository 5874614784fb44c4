/**
 * When "Serve the last post-execution result" is offered, what it writes into
 * the handler, and why it is disabled otherwise (the finding's message says
 * it too, with how to restructure).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ts } from '../compiler';
import type { EngineFinding } from '../findings';
import { applyChanges, testEngine, TEST_ROOT, typeErrors, type TestProject } from '../testing/ruleTester';
import type { Fix } from '../types';
import { analysisDeclaration, judgeResult } from './jsonResult';
import { SERVE_TITLE } from './serveLastResult';

const ANALYSIS = `export interface Forecast {
  month: string;
  revenue: number;
  breakdown: Record<string, number[]>;
}

export function forecastRevenue(months: number): Forecast {
  return { month: 'next', revenue: months * 2, breakdown: {} };
}

export function forecastDate(months: number): Date {
  return new Date(months);
}

export function rankRecommendations(history: string[]) {
  return [...history].sort();
}

export async function scoreRisk(amount: number) {
  return { ok: amount < 1000 };
}
`;

function serveFix(handler: string, file = 'src/routes/api.ts'): { fix: Fix | undefined; finding: EngineFinding; files: Map<string, string> } {
  const project: TestProject = { name: 'serve', files: { 'src/analysis/forecast.ts': ANALYSIS, [file]: handler } };
  const engine = testEngine(project);
  const finding = [...engine.checkDetailed('all').findings.values()].flat().find((candidate) => candidate.ruleId === 'no-analysis-in-execution-path') as EngineFinding;
  assert.ok(finding, 'the call is reported');
  return { fix: engine.fixes(finding.file, finding.range).find((candidate) => candidate.title === SERVE_TITLE), finding, files: engine.host.files };
}

describe('serve the last post-execution result', () => {
  it('in an Express handler: reads the last result where the call was, and answers 202 while there is none', () => {
    const { fix, files } = serveFix(`import express from 'express';
import { forecastRevenue } from '../analysis/forecast';

export const router = express.Router();

router.get('/forecast', (req, res) => {
  const months = Number(req.query.months);
  const forecast = forecastRevenue(months);
  res.json({ forecast });
});
`);
    assert.ok(fix !== undefined && fix.disabled === undefined, JSON.stringify(fix?.disabled));
    assert.equal(fix.isPreferred, undefined, 'never applied by fix-all: the handler then answers with an earlier result');
    const handler = applyChanges(files, fix.changes).get(path.join(TEST_ROOT, 'src/routes/api.ts'));
    assert.equal(
      handler,
      `import express from 'express';
import type { forecastRevenue } from '../analysis/forecast';
import { emitTraceEvent } from '../tracing/emitTraceEvent';
import { lastResultFile, readLastResult } from '../artifacts/lastResults';

export const router = express.Router();

router.get('/forecast', (req, res) => {
  const months = Number(req.query.months);
  // Runs after execution, from this event (../analysis/postExecution.ts); its last result is served here
  emitTraceEvent('planewise.last-result.forecastRevenue', { 'planewise.inputs': JSON.stringify({ months }) });
  const forecast = readLastResult<Awaited<ReturnType<typeof forecastRevenue>>>('forecast-revenue');
  if (forecast === undefined) {
    res.status(202).json({ pending: lastResultFile('forecast-revenue') });
    return;
  }
  res.json({ forecast });
});
`,
    );
  });

  it('keeps a `let` result typed inside closures: a new constant holds the last result', () => {
    const { fix, files } = serveFix("import { Hono } from 'hono';\nimport { rankRecommendations } from '../analysis/forecast';\nexport const app = new Hono();\napp.get('/r', (c) => {\n  const history = ['b', 'a'];\n  let ranked = rankRecommendations(history);\n  return c.json(history.map(() => ranked.length));\n});\n");
    assert.ok(fix !== undefined && fix.disabled === undefined, JSON.stringify(fix?.disabled));
    const after = applyChanges(files, fix.changes);
    assert.match(after.get(path.join(TEST_ROOT, 'src/routes/api.ts'))!, /let ranked = lastRankRecommendations;/);
    assert.deepEqual(typeErrors(after, [...after.keys()].filter((file) => file.endsWith('.ts')), ['hono']), []);
  });

  for (const [name, handler, reason] of [
    [
      'a result JSON does not give back as it was',
      "import { Hono } from 'hono';\nimport { forecastDate } from '../analysis/forecast';\nexport const app = new Hono();\napp.get('/next', (c) => {\n  return c.json({ at: forecastDate(3) });\n});\n",
      'the result of `forecastDate` may not read back from a JSON artifact as it was: `Date` does not survive JSON',
    ],
    [
      'a call on only some paths',
      "import { Hono } from 'hono';\nimport { rankRecommendations } from '../analysis/forecast';\nexport const app = new Hono();\napp.get('/r', (c) => {\n  const history = ['a'];\n  return c.json(history.length > 0 ? rankRecommendations(history) : []);\n});\n",
      '`rankRecommendations` is not called on every path through its statement: it runs in one branch of a `?:`',
    ],
    [
      'a promise used without await',
      "import { Hono } from 'hono';\nimport { scoreRisk } from '../analysis/forecast';\nexport const app = new Hono();\napp.get('/r', async (c) => {\n  const pending = scoreRisk(5);\n  return c.json(await pending);\n});\n",
      '`scoreRisk` returns a promise that is used without `await`',
    ],
    [
      'a Lambda handler that does not answer HTTP',
      "import { rankRecommendations } from '../analysis/forecast';\nexport const handler = async (event: { Records: string[] }) => {\n  const ranked = rankRecommendations(event.Records);\n  return { batchItemFailures: ranked.map((itemIdentifier) => ({ itemIdentifier })) };\n};\n",
      'no 202 answer can be written for this function (it is not a Hono, Express or Fastify route handler, or an AWS Lambda handler answering HTTP)',
    ],
  ] as const) {
    it(`is disabled for ${name}, with the reason in the menu and under the message`, () => {
      const { fix, finding } = serveFix(handler);
      assert.deepEqual(fix?.disabled, { reason: `unavailable: ${reason}` });
      assert.deepEqual(fix.changes, []);
      const note = finding.related.map((information) => information.message).find((message) => message.startsWith('The fix cannot move it as it is: ')) ?? '';
      assert.ok(note.includes(`nor can its last result be served here: ${reason}.`), note);
      assert.match(note, /To move it, keep the response independent of the analysis/);
    });
  }

  it('is not offered when the call can simply move', () => {
    const { fix } = serveFix("import { Hono } from 'hono';\nimport { rankRecommendations } from '../analysis/forecast';\nexport const app = new Hono();\napp.get('/r', (c) => {\n  rankRecommendations(['a']);\n  return c.text('ok');\n});\n");
    assert.equal(fix, undefined);
  });
});

describe('whether a result reads back from JSON as its type says', () => {
  const judge = (code: string, name = 'analyse') => {
    const source = ts.createSourceFile('/analysis.ts', code, ts.ScriptTarget.ES2022, true);
    return judgeResult(source, analysisDeclaration(source, name)[0]!).verdict;
  };
  const cases: [string, string, true | string][] = [
    ['plain data in an interface of the module', 'interface R { a: string; b?: number[]; c: Record<string, { d: boolean | null }> }\nexport function analyse(): R { return null as never; }', true],
    ['a method in the interface', 'interface R { a: string; total(): number }\nexport function analyse(): R { return null as never; }', '`total(): number` is a method, which JSON drops'],
    ['a Map', 'export function analyse(): Map<string, number> { return new Map(); }', '`Map` does not survive JSON'],
    ['a class instance', 'class Report { n = 1 }\nexport function analyse(): Report { return new Report(); }', '`Report` is a class, and JSON gives back a plain object without its methods'],
    ['a type of another module', "import type { Report } from './report';\nexport function analyse(): Report { return null as never; }", '`Report` is not declared in the analysis\'s module, so its shape is not known here'],
    ['an unannotated object of comparisons, joins and lengths', 'export async function analyse(names: string[], limit: number) { return { ok: names.length < limit, all: names.join(","), n: names.length }; }', true],
    ['an unannotated sort of a typed parameter', 'export const analyse = (history: string[]) => [...history].sort();', true],
    ['an unannotated call of something else', 'export function analyse(x: string[]) { return summarise(x); }', 'cannot tell from the code what `summarise(…)` returns'],
    ['a generic function', 'export function analyse<T>(x: T[]): T[] { return x; }', 'it is generic, so its result type depends on each call'],
  ];
  for (const [name, code, expected] of cases) {
    it(name, () => {
      assert.deepEqual(judge(code), expected === true ? { json: true } : { json: false, reason: expected });
    });
  }
});
