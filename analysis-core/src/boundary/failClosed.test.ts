import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CONFIG_FILE_NAME } from './config';
import { MAX_SOURCE_FILE_BYTES } from './engine';
import { NOT_CHECKED_RULE_ID } from './rule';
import { noLicenseGateInPlatform } from './rules/no-license-gate-in-platform';
import { TEST_ROOT, testEngine } from './testing/ruleTester';
import type { Finding } from './types';

const at = (file: string) => path.join(TEST_ROOT, file);
const report = 'export function generateReport() {}\n';
const handler = "import { generateReport } from '../analysis/report';\nexport function create() {\n  generateReport();\n}\n";
const summary = (findings: readonly Finding[]) => findings.map((finding) => `${path.relative(TEST_ROOT, finding.file)}:${finding.range.start.line + 1} ${finding.ruleId} ${finding.severity}`).sort();
/** 2,000 terms: a syntax tree 2,000 levels deep that the TypeScript parser reads without trouble. */
const longConcatenation = `export const s = ${Array.from({ length: 2000 }, () => '"a"').join(' + ')};\n`;
/** Deep enough to overflow the TypeScript parser itself. */
const deepParentheses = `export const p = ${'('.repeat(1000)}1${')'.repeat(1000)};\n`;
/** Deep enough that the parser's recursion overflows the stack whatever the JIT did before (1,000 levels sometimes fit). */
const overflowingParentheses = `export const p = ${'('.repeat(50_000)}1${')'.repeat(50_000)};\n`;

describe('one bad file never hides the others', () => {
  it('deeply nested code is analysed without recursion, or reported on its file when the parser overflows', () => {
    const engine = testEngine({
      name: 'hostile',
      files: {
        'src/concat.ts': longConcatenation,
        'src/parens.ts': deepParentheses,
        // The walkers go through the deep expression to the gate at its end.
        'src/handlers/gate.ts': `export function h(license: { tier: string }) {\n  const s = ${Array.from({ length: 2000 }, () => '"a"').join(' + ')} + (license.tier === 'enterprise' ? 'x' : 'y');\n  return s;\n}\n`,
        'src/handlers/orders.ts': handler,
        'src/analysis/report.ts': report,
      },
    });
    const result = engine.check('all');
    assert.equal(result.filesChecked, 5);
    const findings = summary([...result.findings.values()].flat());
    assert.ok(findings.includes('src/handlers/orders.ts:3 no-analysis-in-execution-path error'), findings.join('\n'));
    assert.ok(findings.includes('src/handlers/gate.ts:2 no-license-gate-in-platform error'), findings.join('\n'));
    assert.deepEqual(result.findings.get(at('src/concat.ts')), []);
    const parens = result.findings.get(at('src/parens.ts'))!;
    assert.deepEqual(summary(parens), ['src/parens.ts:1 not-checked error']);
    assert.match(parens[0]!.message, /^Could not analyse this file: its code nests too deeply \(the stack overflowed while parsing it\)/);
  });

  it('a file that failed is analysed again once it changes', () => {
    const engine = testEngine({ name: 'recovers', files: { 'src/handlers/orders.ts': overflowingParentheses, 'src/analysis/report.ts': report } });
    assert.equal(engine.check('all').findings.get(at('src/handlers/orders.ts'))?.[0]?.ruleId, NOT_CHECKED_RULE_ID);
    engine.updateFile(at('src/handlers/orders.ts'), handler);
    assert.deepEqual(summary(engine.check('all').findings.get(at('src/handlers/orders.ts'))!), [
      'src/handlers/orders.ts:3 no-analysis-in-execution-path error',
    ]);
  });

  it('a rule that throws on a file is an error finding there; the other rules and files still report', (context) => {
    const original = noLicenseGateInPlatform.check;
    context.after(() => (noLicenseGateInPlatform.check = original));
    noLicenseGateInPlatform.check = (ruleContext) => {
      if (ruleContext.file.endsWith('orders.ts')) throw new Error('unexpected node');
      original(ruleContext);
    };
    const engine = testEngine({ name: 'rule throws', files: { 'src/handlers/orders.ts': handler, 'src/handlers/other.ts': handler.replace('create', 'other'), 'src/analysis/report.ts': report } });
    const findings = engine.check('all').findings;
    const orders = findings.get(at('src/handlers/orders.ts'))!;
    assert.deepEqual(summary(orders), [
      'src/handlers/orders.ts:1 not-checked error',
      'src/handlers/orders.ts:3 no-analysis-in-execution-path error',
    ]);
    assert.match(orders.find((finding) => finding.ruleId === NOT_CHECKED_RULE_ID)!.message, /with no-license-gate-in-platform: running no-license-gate-in-platform failed: unexpected node/);
    assert.equal(findings.get(at('src/handlers/other.ts'))!.length, 1);
  });
});

describe('files over the size limit are reported, never silently skipped', () => {
  it('a file padded past the limit gets a warning naming its size and the limit', () => {
    const padded = `${handler}// ${'x'.repeat(MAX_SOURCE_FILE_BYTES)}\n`;
    const engine = testEngine({ name: 'padded', files: { 'src/handlers/orders.ts': padded, 'src/analysis/report.ts': report } });
    const findings = engine.check('all').findings.get(at('src/handlers/orders.ts'))!;
    assert.deepEqual(summary(findings), ['src/handlers/orders.ts:1 not-checked warn']);
    assert.match(findings[0]!.message, /^Not checked: 2,000,\d{3} bytes is over the 2 MB limit for source files; no rule checked it\./);
    // Multi-byte text is measured in bytes, not characters.
    engine.updateFile(at('src/handlers/orders.ts'), `${handler}// ${'é'.repeat(MAX_SOURCE_FILE_BYTES / 2 + 10)}\n`);
    assert.deepEqual(summary(engine.check('all').findings.get(at('src/handlers/orders.ts'))!), ['src/handlers/orders.ts:1 not-checked warn']);
  });
});

describe('config mistakes are errors on planewise.config.json', () => {
  const files = { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report };
  const configErrors = (config: unknown, projectFiles: Record<string, string> = files) =>
    testEngine({ name: 'config', files: projectFiles, config })
      .check('all')
      .configFindings.filter((finding) => finding.severity === 'error')
      .map((finding) => {
        assert.equal(finding.file, at(CONFIG_FILE_NAME));
        return finding.message;
      });

  it('an include that matches nothing, and an exclude that removes everything', () => {
    assert.deepEqual(configErrors({ include: ['lib/**/*.ts'] }), ['No file to check: "include" ("lib/**/*.ts") matches no file in the project.']);
    const [excluded] = configErrors({ exclude: ['**'] });
    assert.match(excluded!, /^No file to check: "exclude" .* removes all 2 file\(s\) that "include"/);
  });

  it('an empty config file', () => {
    assert.deepEqual(configErrors(''), [
      'planewise.config.json is empty: write a JSON object such as {"planes": {"data": ["src/handlers/**"]}}. Checking with the default planes until it is fixed.',
    ]);
    assert.equal(configErrors(' \n').length, 1);
  });

  it('absolute and ".." globs are rejected and never listed', () => {
    const outside = { 'src/handlers/orders.ts': handler, 'src/analysis/report.ts': report, '../elsewhere/x.ts': handler };
    const engine = testEngine({ name: 'escape', files: outside, config: { include: ['/**/*.ts', '../elsewhere/**', 'src/**/*.ts'], planes: { data: ['../**'], intelligence: ['src/analysis/**'] } } });
    const result = engine.check('all');
    const messages = result.configFindings.map((finding) => `${finding.severity} ${finding.range.start.line + 1} ${finding.message}`);
    assert.equal(messages.filter((message) => /^error \d+ The glob ".*" in "(include|planes\.data)" reaches outside the project/.test(message)).length, 3, messages.join('\n'));
    assert.deepEqual([...result.findings.keys()].sort(), [at('src/analysis/report.ts'), at('src/handlers/orders.ts')]);
  });

  it('a plane none of whose globs matches a file is an error; one stray glob stays a warning', () => {
    const messages = testEngine({ name: 'planes', files, config: { planes: { data: ['server/**', 'api/**'], intelligence: ['src/**', 'legacy/**'] } } })
      .check('all')
      .configFindings.map((finding) => `${finding.severity} ${finding.message}`);
    assert.ok(messages.includes('error No file is in the data plane: none of its globs ("server/**", "api/**") matches a checked file, so the rules for data-plane code check nothing.'), messages.join('\n'));
    assert.ok(messages.includes('warn The intelligence-plane glob "legacy/**" matches no file.'), messages.join('\n'));
    assert.ok(!messages.some((message) => message.includes('"server/**" matches no file')), messages.join('\n'));
  });
});
