import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CONFIG_FILE_NAME } from './config';
import { createBoundaryEngine } from './index';
import { OPEN_RULE_DOCS_COMMAND } from './fixes/common';
import { applyChanges, TEST_ROOT, testEngine } from './testing/ruleTester';
import type { Finding } from './types';

const at = (file: string) => path.join(TEST_ROOT, file);
const report = 'export function generateReport() {}\n';
const handler = "import { generateReport } from '../analysis/report';\nexport function create() {\n  generateReport();\n}\n";
const summary = (findings: Finding[]) => findings.map((finding) => `${path.relative(TEST_ROOT, finding.file)}:${finding.range.start.line + 1} ${finding.ruleId} ${finding.severity}`).sort();
const all = (engine: ReturnType<typeof testEngine>) => [...engine.check('all').findings.values()].flat();

describe('config problems are findings on planewise.config.json, and checks go on', () => {
  it('bad JSON gives line:column and the folder-name defaults keep checking', () => {
    const engine = testEngine({ name: 'bad json', files: { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report }, config: '{\n  "planes": {\n    "data": ["src/**"],\n  }\n  oops\n}' });
    const result = engine.check('all');
    assert.ok(result.configFindings.length > 0);
    assert.match(result.configFindings[0]!.message, /not valid JSON at \d+:\d+/);
    assert.equal(result.configFindings[0]!.file, at(CONFIG_FILE_NAME));
    assert.ok(summary([...result.findings.values()].flat()).includes('src/handlers/orders.ts:3 no-analysis-in-execution-path error'));
  });

  it('unknown keys, bad severities, bad options and unknown rules are reported where they are written; the rest applies', () => {
    const config = {
      planes: { data: ['src/handlers/**'], intelligence: ['src/analysis/**'], exotic: ['x/**'] },
      colour: 'blue',
      rules: { 'no-product-import-in-platform': 'fatal', 'no-license-gate-in-platform': ['warn', { tierValues: 'gold' }], 'no-such-rule': 'off' },
    };
    const engine = testEngine({ name: 'bad keys', files: { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report }, config });
    const result = engine.check('all');
    const messages = result.configFindings.map((finding) => `${finding.range.start.line + 1}: ${finding.message}`);
    assert.ok(messages.some((message) => /^\d+: Unknown key "exotic" in "planes"/.test(message)), messages.join('\n'));
    assert.ok(messages.some((message) => message.includes('Unknown key "colour"')));
    assert.ok(messages.some((message) => message.includes('Invalid severity "fatal"')));
    assert.ok(messages.some((message) => message.includes('Invalid options for rule "no-license-gate-in-platform"')));
    assert.ok(messages.some((message) => message.includes('Unknown rule "no-such-rule"')));
    const colour = result.configFindings.find((finding) => finding.message.includes('"colour"'))!;
    assert.equal(colour.range.start.line, JSON.stringify(config, null, 2).split('\n').findIndex((line) => line.includes('"colour"')), 'reported on the key');
    // The planes section minus its unknown key still applies.
    assert.equal(engine.planeOf(at('src/handlers/orders.ts')).source, 'config');
    // The invalid severity does not turn the rule off: it keeps its default (error), and names the import in the call's finding.
    const call = [...result.findings.values()].flat().find((finding) => finding.ruleId === 'no-analysis-in-execution-path');
    assert.ok(call?.related.some((related) => related.message.startsWith('Imported here: Imports intelligence-plane module')));
  });

  it('a glob that matches no file and files in two planes', () => {
    const config = { planes: { data: ['src/**', 'legacy/**'], intelligence: ['src/analysis/**'] } };
    const engine = testEngine({ name: 'globs', files: { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report }, config });
    const messages = engine.check('all').configFindings.map((finding) => `${finding.severity} ${finding.message}`);
    assert.ok(messages.some((message) => message.startsWith('warn The data-plane glob "legacy/**" matches no file')), messages.join('\n'));
    assert.ok(messages.some((message) => message.startsWith('error 1 file(s) are in both the data and intelligence planes (src/analysis/report.ts)')), messages.join('\n'));
    // Checked as data-plane code meanwhile.
    assert.equal(engine.planeOf(at('src/analysis/report.ts')).plane, 'data');
  });

  it('a valid config has no findings, and the config is found in a parent folder', () => {
    const engine = testEngine({ name: 'ok', files: { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report }, config: { planes: { data: ['src/handlers/**'], intelligence: ['src/analysis/**'] } } });
    assert.deepEqual(engine.check('all').configFindings, []);
    assert.equal(engine.configFile, at(CONFIG_FILE_NAME));
  });
});

describe('suppressions', () => {
  const suppressed = (comment: string) => `import { generateReport } from '../analysis/report';\nexport function create() {\n  ${comment}\n  generateReport();\n}\n`;
  const files = (text: string) => ({ 'src/handlers/orders.ts': text, 'src/analysis/report.ts': report });

  it('a suppression with a reason suppresses its rule on the next line only', () => {
    const engine = testEngine({ name: 's', files: files(suppressed('// planewise-ignore-next-line no-analysis-in-execution-path -- runs after the response is flushed')) });
    // The import of the analysis is part of the call's finding, so it goes with it.
    assert.deepEqual(summary(all(engine)), []);
    const later = testEngine({ name: 's', files: files(`${suppressed('// planewise-ignore-next-line no-analysis-in-execution-path -- runs after the response is flushed')}export function again() {\n  generateReport();\n}\n`) });
    assert.deepEqual(summary(all(later)), ['src/handlers/orders.ts:7 no-analysis-in-execution-path error']);
  });

  it('without a reason it suppresses nothing and is reported', () => {
    const engine = testEngine({ name: 's', files: files(suppressed('// planewise-ignore-next-line no-analysis-in-execution-path')) });
    assert.deepEqual(summary(all(engine)), [
      'src/handlers/orders.ts:3 suppression error',
      'src/handlers/orders.ts:4 no-analysis-in-execution-path error',
    ]);
  });

  it("the suppress fix's reason placeholder, left as it was, is no reason", () => {
    const engine = testEngine({ name: 's', files: files(suppressed('// planewise-ignore-next-line no-analysis-in-execution-path -- reason')) });
    assert.ok(summary(all(engine)).includes('src/handlers/orders.ts:3 suppression error'));
    const written = testEngine({ name: 's', files: files(suppressed('// planewise-ignore-next-line no-analysis-in-execution-path -- reason: runs after the flush')) });
    assert.ok(!summary(all(written)).includes('src/handlers/orders.ts:3 suppression error'));
  });

  it('the directive inside a string or a block comment is not a suppression', () => {
    const text = "/**\n * // planewise-ignore-next-line no-such-rule\n */\nexport const directive = '// planewise-ignore-next-line no-such-rule';\n";
    assert.deepEqual(summary(all(testEngine({ name: 's', files: { 'src/lib/text.ts': text } }))), []);
  });

  it('one that suppresses nothing, or names an unknown rule, is reported', () => {
    const unused = testEngine({ name: 's', files: files(suppressed('// planewise-ignore-next-line no-license-gate-in-platform -- old')) });
    assert.ok(summary(all(unused)).includes('src/handlers/orders.ts:3 suppression warn'));
    const unknown = testEngine({ name: 's', files: files(suppressed('// planewise-ignore-next-line no-such-rule -- why')) });
    assert.ok(summary(all(unknown)).includes('src/handlers/orders.ts:3 suppression error'));
  });
});

describe('incremental updates', () => {
  it('updateFile re-checks with the new text; affectedBy follows importers transitively', () => {
    const engine = testEngine({
      name: 'inc',
      files: {
        'src/handlers/orders.ts': "import { helper } from '../lib/helper';\nexport function create() {\n  helper();\n}\n",
        'src/lib/helper.ts': "import { deeper } from './deeper';\nexport function helper() {\n  deeper();\n}\n",
        'src/lib/deeper.ts': 'export function deeper() {}\n',
        'src/analysis/report.ts': report,
        'src/other.ts': 'export const unrelated = 1;\n',
      },
    });
    assert.deepEqual(summary(all(engine)), []);
    assert.deepEqual(engine.affectedBy([at('src/lib/deeper.ts')]).map((file) => path.relative(TEST_ROOT, file)), ['src/handlers/orders.ts', 'src/lib/deeper.ts', 'src/lib/helper.ts']);
    engine.updateFile(at('src/lib/deeper.ts'), "import { generateReport } from '../analysis/report';\nexport function deeper() {\n  generateReport();\n}\n");
    const result = engine.check(engine.affectedBy([at('src/lib/deeper.ts')]));
    assert.deepEqual(summary([...result.findings.values()].flat()), ['src/handlers/orders.ts:3 no-analysis-in-execution-path error']);
    assert.equal(result.filesChecked, 3);
    engine.removeFile(at('src/lib/deeper.ts'));
    assert.deepEqual(summary(all(engine)), []);
  });

  it('a file that registers handlers affects the files it registers, before and after the change', () => {
    const engine = testEngine({
      name: 'entries',
      files: {
        'src/app.ts': "import { list } from './lib/orders';\nrouter.get('/orders', list);\ndeclare const router: { get(path: string, fn: () => void): void };\n",
        'src/lib/orders.ts': "import { generateReport } from '../analysis/report';\nexport function list() {\n  generateReport();\n}\n",
        'src/lib/other.ts': "export function other() {}\n",
        'src/analysis/report.ts': report,
      },
    });
    assert.deepEqual(summary(all(engine)), ['src/lib/orders.ts:3 no-analysis-in-execution-path error']);
    engine.updateFile(at('src/app.ts'), "import { other } from './lib/other';\nrouter.get('/orders', other);\ndeclare const router: { get(path: string, fn: () => void): void };\n");
    const affected = engine.affectedBy([at('src/app.ts')]).map((file) => path.relative(TEST_ROOT, file));
    assert.deepEqual(affected, ['src/app.ts', 'src/lib/orders.ts', 'src/lib/other.ts']);
    assert.deepEqual(summary([...engine.check(affected.map(at)).findings.values()].flat()), []);
  });

  it('a new file, rule overrides, and a changed config', () => {
    const engine = testEngine({ name: 'inc2', files: { 'src/analysis/report.ts': report } });
    engine.updateFile(at('src/handlers/new.ts'), handler);
    assert.deepEqual(summary(all(engine)), ['src/handlers/new.ts:3 no-analysis-in-execution-path error']);
    engine.setRuleOverrides({ 'no-product-import-in-platform': 'off', 'no-analysis-in-execution-path': 'warn' });
    assert.deepEqual(summary(all(engine)), ['src/handlers/new.ts:3 no-analysis-in-execution-path warn']);
    engine.host.files.set(at(CONFIG_FILE_NAME), JSON.stringify({ planes: { intelligence: ['src/**'] } }));
    engine.updateFile(at(CONFIG_FILE_NAME));
    assert.equal(engine.configFile, at(CONFIG_FILE_NAME));
    assert.deepEqual(summary(all(engine)), []);
  });

  it('cancellation stops early with a partial result', () => {
    const engine = testEngine({ name: 'cancel', files: { 'a.ts': '', 'b.ts': '', 'c.ts': '' } });
    let calls = 0;
    const result = engine.check('all', () => ++calls > 1);
    assert.equal(result.cancelled, true);
    assert.equal(result.filesChecked, 1);
  });

  it('syntax errors, cycles and unresolved modules do not break the check', () => {
    const engine = testEngine({
      name: 'robust',
      files: {
        'src/handlers/broken.ts': "import { x } from './missing';\nexport function f( {\n  x(;\n",
        'src/lib/a.ts': "import { b } from './b';\nexport function a() { b(); }\n",
        'src/lib/b.ts': "import { a } from './a';\nexport function b() { a(); }\n",
        'src/handlers/cycle.ts': "import { a } from '../lib/a';\nexport const h = () => a();\n",
        // Too large: listed, not analysed, and reported as not checked.
        'src/handlers/generated.ts': `import { generateReport } from '../analysis/report';\ngenerateReport();\n// ${'x'.repeat(2_000_000)}\n`,
        'src/analysis/report.ts': report,
      },
    });
    const result = engine.check('all');
    assert.equal(result.filesChecked, 6);
    assert.deepEqual(result.findings.get(at('src/handlers/generated.ts'))?.map((finding) => `${finding.ruleId} ${finding.severity}`), ['not-checked warn']);
  });
});

describe('code actions', () => {
  it('every finding offers a suppression and its docs; without a config, one to create it from the detected planes', () => {
    const engine = testEngine({ name: 'fixes', files: { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report, 'src/auth/check.ts': 'export const ok = true;\n' } });
    const finding = all(engine).find((candidate) => candidate.ruleId === 'no-analysis-in-execution-path')!;
    const fixes = engine.fixes(finding.file, finding.range);
    const titles = fixes.map((fix) => fix.title);
    assert.deepEqual(titles, [
      'Move analysis out of the execution path',
      'Suppress no-analysis-in-execution-path on this line (write the reason after --)',
      'Declare this file intelligence-plane code (// @plane intelligence)',
      'Open documentation for no-analysis-in-execution-path',
      'Create planewise.config.json from the detected planes',
    ]);
    const docs = fixes.find((fix) => fix.command !== undefined)!;
    assert.deepEqual(docs.changes, []);
    assert.deepEqual(docs.command, { title: 'Open documentation for no-analysis-in-execution-path', id: OPEN_RULE_DOCS_COMMAND, arguments: ['no-analysis-in-execution-path', 'docs/rules/no-analysis-in-execution-path.md'] });

    const suppress = applyChanges(engine.host.files, fixes[1]!.changes).get(at('src/handlers/orders.ts'))!;
    assert.equal(suppress.split('\n')[2], '  // planewise-ignore-next-line no-analysis-in-execution-path -- ');

    const created = fixes.find((fix) => fix.title.startsWith('Create'))!.changes[0]!;
    assert.equal(created.kind, 'create');
    assert.equal(created.file, at(CONFIG_FILE_NAME));
    const config = JSON.parse(created.kind === 'create' ? created.text : '{}');
    assert.deepEqual(config.planes, { data: ['src/handlers/**'], control: ['src/auth/**'], intelligence: ['src/analysis/**'] });
  });

  it('the created config keeps handler files data plane, and names the folders it gave no plane with the request handlers there', () => {
    const engine = testEngine({
      name: 'create-config',
      files: {
        'src/analysis/report.ts': report,
        'src/analysis/routes.ts': "import { Hono } from 'hono';\nexport const app = new Hono();\napp.get('/r', (c) => c.text('ok'));\n",
        'src/lambda/refunds.ts': "import { generateReport } from '../analysis/report';\nexport const handler = async (event: { body: string }) => {\n  generateReport();\n  return { statusCode: 200, body: event.body };\n};\n",
        'src/raw/bytes.ts': 'export const size = 1;\n',
        'server.ts': 'export const port = 8080;\n',
      },
    });
    const finding = all(engine).find((candidate) => candidate.ruleId === 'no-analysis-in-execution-path')!;
    assert.ok(finding, 'a Lambda handler is an entry point, though its folder names no plane');
    const create = engine.fixes(finding.file, finding.range).find((fix) => fix.title.startsWith('Create'))!;
    const created = create.changes[0]!;
    const config = JSON.parse(created.kind === 'create' ? created.text : '{}');
    assert.deepEqual(config.planes, { data: ['src/analysis/routes.ts'], control: [], intelligence: ['src/analysis/**'] });
    assert.equal(create.detail, 'Request handlers put in the data plane: src/analysis/routes.ts. No plane for: server.ts, src/lambda/ (request handlers: refunds.ts), src/raw/; add those that hold platform code to "planes".');
    // With the config written, the handler's finding stays.
    const configured = testEngine({ name: 'create-config', files: { ...Object.fromEntries([...engine.host.files].filter(([file]) => file.endsWith('.ts')).map(([file, text]) => [path.relative(TEST_ROOT, file), text])), [CONFIG_FILE_NAME]: created.kind === 'create' ? created.text : '' } });
    assert.ok(all(configured).some((candidate) => candidate.ruleId === 'no-analysis-in-execution-path' && candidate.file === finding.file));
    assert.deepEqual(all(configured).filter((candidate) => candidate.ruleId === 'config').map((candidate) => candidate.message), []);
    assert.equal(configured.planeOf(at('src/analysis/routes.ts')).plane, 'data', 'the file named in data wins over its folder glob');
  });

  it('the move fix is disabled, with the reason, where moving would change behaviour or could not compile', () => {
    const cases = {
      'the result is used': ["import { generateReport } from '../analysis/report';\nexport function create() {\n  return generateReport();\n}\n", 'unavailable: the result of `generateReport` is returned on line 3, and that use is part of the response'],
      'a local function that is not exported': ["/** @plane intelligence */\nfunction trend() {}\nexport function create() {\n  trend();\n}\n", 'unavailable: `trend` is not exported from this module'],
    };
    for (const [name, [text, reason]] of Object.entries(cases)) {
      const engine = testEngine({ name, files: { 'src/handlers/orders.ts': text, 'src/analysis/report.ts': report } });
      const finding = all(engine).find((candidate) => candidate.ruleId === 'no-analysis-in-execution-path')!;
      assert.ok(finding, name);
      const fixes = engine.fixes(finding.file, finding.range);
      const move = fixes.find((fix) => fix.title.startsWith('Move'));
      assert.deepEqual(move?.disabled, { reason }, name);
      assert.deepEqual(move.changes, [], name);
      assert.ok(fixes.some((fix) => fix.title.startsWith('Suppress')), name);
    }
  });

  it('the created config keeps the same planes: the same findings come back', () => {
    const files = { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report };
    const engine = testEngine({ name: 'create', files });
    const before = summary(all(engine));
    const finding = all(engine)[0]!;
    const create = engine.fixes(finding.file, finding.range).find((fix) => fix.title.startsWith('Create'))!;
    const config = JSON.parse((create.changes[0] as { text: string }).text);
    const withConfig = testEngine({ name: 'create', files, config });
    assert.deepEqual(withConfig.check('all').configFindings, []);
    assert.deepEqual(summary(all(withConfig)), before);
    assert.equal(withConfig.planeOf(at('src/handlers/orders.ts')).source, 'config');
  });
});

describe('on disk', () => {
  it('finds the config in a parent folder, skips node_modules and does not follow symlinked folders', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-engine-'));
    try {
      const app = path.join(dir, 'app');
      const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      };
      write(CONFIG_FILE_NAME, JSON.stringify({ planes: { data: ['app/src/handlers/**'], intelligence: ['app/src/analysis/**'] } }));
      write('app/src/handlers/orders.ts', handler);
      write('app/src/analysis/report.ts', report);
      write('app/node_modules/pkg/index.ts', handler);
      fs.symlinkSync(path.join(app, 'src'), path.join(app, 'src', 'handlers', 'loop'));
      const engine = createBoundaryEngine({ root: app });
      assert.equal(engine.configFile, path.join(dir, CONFIG_FILE_NAME));
      const result = engine.check('all');
      assert.equal(result.filesChecked, 2);
      assert.deepEqual(result.configFindings, []);
      assert.deepEqual(
        [...result.findings.values()].flat().map((finding) => `${path.relative(app, finding.file)}:${finding.range.start.line + 1} ${finding.ruleId}`).sort(),
        ['src/handlers/orders.ts:3 no-analysis-in-execution-path'],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planes of request handlers', () => {
  it('a file with request handlers is data-plane code in place of a folder-name default; a comment or config still decides', () => {
    const route = "import { buildReport } from '../../../reporting/build';\nexport async function GET() {\n  return buildReport();\n}\n";
    const engine = testEngine({
      name: 'handler planes',
      files: {
        'src/app/api/reports/route.ts': route,
        'src/app/api/reports/format.ts': 'export function format() {}\n',
        'src/app/api/analytics/route.ts': `// @plane intelligence\n${route}`,
        'src/reporting/build.ts': 'export function buildReport() {}\n',
      },
    });
    assert.deepEqual(engine.planeOf(at('src/app/api/reports/route.ts')), { plane: 'data', product: false, source: 'handler' });
    // Beside a route, a helper is request-serving code too: an intelligence folder name under api/ gives no intelligence plane.
    assert.equal(engine.planeOf(at('src/app/api/reports/format.ts')).plane, 'data');
    assert.equal(engine.planeOf(at('src/app/api/analytics/route.ts')).source, 'comment');
    assert.deepEqual(summary(all(engine)), ['src/app/api/reports/route.ts:3 no-analysis-in-execution-path error']);
  });
});
