/**
 * Fixes formatted with the project's own Prettier: a project on disk with
 * Prettier in its node_modules (the repository's copy, linked) and a
 * `.prettierrc` far from Prettier's defaults. Created files are exactly
 * Prettier's output, edits format only what the fix wrote, and a project
 * without a config, or with a broken one, gets the fix as the engine wrote it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import * as prettier from 'prettier';
import { createBoundaryEngine } from '../index';
import type { Fix } from '../types';
import { applyFileChanges } from './fixAll';
import { MOVE_TITLE } from './moveAnalysis';
import { formatFixChanges, ProjectPrettier } from './prettierFormat';

const PRETTIER_OPTIONS = { singleQuote: false, semi: false, printWidth: 60, trailingComma: 'all' } as const;
const repoPrettier = path.dirname(require.resolve('prettier/package.json'));

/** Not Prettier's style on purpose: the fix must leave it so. */
const HANDLER = `import { aggregateUsage } from '../analysis/usage';
import { metrics } from '../lib/metrics';

const   untouched   =   { a:1 };

export async function upload(file: string, sizes: number[], owner: string | undefined, analysisEnabled: boolean) {
  if (analysisEnabled) {
    const stats = await aggregateUsage(file, sizes, { tags: ['a "quoted" tag'], owner });
    metrics.gauge('usage', stats.total);
  }
  return { stored: file, untouched };
}
`;

const FILES: Record<string, string> = {
  'package.json': '{ "name": "uploads", "private": true }\n',
  'src/routes/uploads.ts': HANDLER,
  'src/lib/metrics.ts': 'export const metrics = { gauge(name: string, value: number): void { void name; void value; } };\n',
  'src/analysis/usage.ts': 'export async function aggregateUsage(file: string, sizes: number[], options: { tags: string[]; owner?: string }) {\n  return { file, total: sizes.length, options };\n}\n',
};

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});

function writeProject(extra: Record<string, string>, withPrettier = true): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-prettier-'));
  temporary.push(root);
  for (const [relative, text] of Object.entries({ ...FILES, ...extra })) {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), text);
  }
  if (withPrettier) {
    fs.mkdirSync(path.join(root, 'node_modules'));
    fs.symlinkSync(repoPrettier, path.join(root, 'node_modules', 'prettier'), 'dir');
  }
  return root;
}

function moveFix(root: string): Fix {
  const engine = createBoundaryEngine({ root });
  const finding = [...engine.check('all').findings.values()].flat().find((candidate) => candidate.ruleId === 'no-analysis-in-execution-path');
  assert.ok(finding, 'the handler has a finding');
  const fix = engine.fixes(finding.file, finding.range).find((candidate) => candidate.title === MOVE_TITLE);
  assert.ok(fix, 'the move fix is offered');
  return fix;
}

const readDisk = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);

function applied(fix: Fix): Map<string, string> {
  const outcome = applyFileChanges(fix.changes, readDisk);
  if ('error' in outcome) throw new Error(outcome.error);
  return outcome.texts;
}

async function format(root: string): Promise<{ fix: Fix; formatted: Fix; logs: string[]; prettierOf: ProjectPrettier }> {
  const logs: string[] = [];
  const prettierOf = new ProjectPrettier({ log: (message) => logs.push(message) });
  const fix = moveFix(root);
  return { fix, formatted: await formatFixChanges(fix, prettierOf, readDisk), logs, prettierOf };
}

describe("formatting fixes with the project's Prettier", () => {
  it('formats the created files whole and only the lines the fix wrote in the handler', async () => {
    const root = writeProject({ '.prettierrc': JSON.stringify(PRETTIER_OPTIONS) });
    const { fix, formatted, logs } = await format(root);
    assert.deepEqual(logs, []);
    const created = formatted.changes.filter((change) => change.kind === 'create');
    assert.deepEqual(created.map((change) => path.relative(root, change.file)).sort(), ['planewise.config.json', 'src/analysis/postExecution.ts', 'src/tracing/emitTraceEvent.ts']);
    for (const change of created) {
      const unformatted = fix.changes.find((candidate) => candidate.file === change.file && candidate.kind === 'create');
      assert.ok(unformatted?.kind === 'create');
      assert.equal(change.text, await prettier.format(unformatted.text, { ...PRETTIER_OPTIONS, filepath: change.file }), path.relative(root, change.file));
    }
    const handler = applied(formatted).get(path.join(root, 'src/routes/uploads.ts'));
    assert.equal(
      handler,
      `import { emitTraceEvent } from "../tracing/emitTraceEvent"

const   untouched   =   { a:1 };

export async function upload(file: string, sizes: number[], owner: string | undefined, analysisEnabled: boolean) {
  // Runs after execution, from this event: ../analysis/postExecution.ts
  emitTraceEvent("planewise.analysis.aggregateUsage", {
    "planewise.inputs": JSON.stringify({
      file,
      sizes,
      options: { tags: ['a "quoted" tag'], owner },
    }),
    "planewise.enabled": Boolean(analysisEnabled),
  })
  return { stored: file, untouched };
}
`,
    );
  });

  it('reads the config from the "prettier" key of package.json', async () => {
    const root = writeProject({ 'package.json': JSON.stringify({ name: 'uploads', private: true, prettier: PRETTIER_OPTIONS }) });
    const { formatted } = await format(root);
    assert.match(applied(formatted).get(path.join(root, 'src/routes/uploads.ts'))!, /^import \{ emitTraceEvent \} from "\.\.\/tracing\/emitTraceEvent"\n/);
  });

  it('leaves the fix as it is without a Prettier config', async () => {
    const { fix, formatted, logs } = await format(writeProject({}));
    assert.equal(formatted, fix);
    assert.deepEqual(logs, []);
  });

  it('leaves the fix as it is when Prettier is not installed, config or not', async () => {
    const { fix, formatted } = await format(writeProject({ '.prettierrc': JSON.stringify(PRETTIER_OPTIONS) }, false));
    assert.equal(formatted, fix);
  });

  it('leaves files .prettierignore lists as they are', async () => {
    const root = writeProject({ '.prettierrc': JSON.stringify(PRETTIER_OPTIONS), '.prettierignore': 'src/routes/\n' });
    const { fix, formatted } = await format(root);
    const handler = path.join(root, 'src/routes/uploads.ts');
    assert.deepEqual(formatted.changes.find((change) => change.file === handler), fix.changes.find((change) => change.file === handler));
    assert.notDeepEqual(formatted.changes, fix.changes);
  });

  it('falls back to the unformatted fix on a broken config, and says so once per project', async () => {
    const root = writeProject({ '.prettierrc': '{ "semi": false,, }' });
    const { fix, formatted, logs, prettierOf } = await format(root);
    assert.deepEqual(formatted.changes, fix.changes);
    assert.equal(logs.length, 1);
    assert.match(logs[0]!, /^Prettier: could not read the Prettier config for .*; fixes in .* are written unformatted \(YAML Error in .*\.prettierrc/);
    await formatFixChanges(fix, prettierOf, readDisk);
    assert.equal(logs.length, 1);
  });

  it('falls back when the file the fix edits does not parse', async () => {
    const root = writeProject({ '.prettierrc': JSON.stringify(PRETTIER_OPTIONS) });
    const fix = moveFix(root);
    const handler = path.join(root, 'src/routes/uploads.ts');
    // The engine tolerates a syntax error elsewhere; Prettier does not.
    const broken = HANDLER.replace('const   untouched   =   { a:1 };', 'const   untouched   =   { a:1 ;');
    const logs: string[] = [];
    const formatted = await formatFixChanges(fix, new ProjectPrettier({ log: (message) => logs.push(message) }), (file) => (file === handler ? broken : readDisk(file)));
    assert.deepEqual(formatted.changes.find((change) => change.file === handler), fix.changes.find((change) => change.file === handler));
    assert.match(logs.join('\n'), /could not format the fix for .*uploads\.ts/);
  });
});
