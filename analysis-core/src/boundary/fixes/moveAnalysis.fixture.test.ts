/**
 * The move fix on a service written outside this project (test-fixtures/hono-service:
 * Hono routes, a Lambda handler, four-space indentation, no semicolons, `.js`
 * imports, no emitter, no planewise.config.json, no OpenTelemetry): each of
 * the five shapes from the field either moves cleanly or is declined with the
 * reason in the menu and in the finding's message.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { EngineFinding } from '../engine';
import { applyChanges, testEngine, TEST_ROOT, typeErrors, type TestProject } from '../testing/ruleTester';
import { MOVE_TITLE } from './moveAnalysis';

const fixtureRoot = path.resolve(__dirname, '../../../test-fixtures/hono-service');

function readFixture(): TestProject {
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) files[path.relative(fixtureRoot, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(path.join(fixtureRoot, 'src'));
  return { name: 'hono-service', files, packageJson: JSON.parse(fs.readFileSync(path.join(fixtureRoot, 'package.json'), 'utf8')) };
}

const RULE = 'no-analysis-in-execution-path';

describe('the move fix on a Hono / Lambda service with no emitter and no config', () => {
  const project = readFixture();
  const engine = testEngine(project);
  const findings = [...engine.checkDetailed('all').findings.values()].flat().filter((finding) => finding.ruleId === RULE) as EngineFinding[];
  const at = (finding: EngineFinding) => `${path.relative(TEST_ROOT, finding.file)}:${finding.range.start.line + 1}`;

  it('finds the five shapes', () => {
    assert.deepEqual(findings.map(at).sort(), ['src/routes/cart.ts:17', 'src/routes/cart.ts:25', 'src/routes/cart.ts:9', 'src/routes/lambda.ts:4', 'src/routes/refunds.ts:10']);
  });

  const moved: string[] = [];
  for (const where of ['src/routes/cart.ts:9', 'src/routes/cart.ts:17', 'src/routes/refunds.ts:10']) {
    it(`moves ${where} cleanly: the finding goes, nothing new appears, the generated modules type-check`, () => {
      const finding = findings.find((candidate) => at(candidate) === where)!;
      const fix = engine.fixes(finding.file, finding.range).find((candidate) => candidate.title === MOVE_TITLE);
      assert.ok(fix !== undefined && fix.disabled === undefined, `offered: ${JSON.stringify(fix?.disabled)}`);
      const after = applyChanges(engine.host.files, fix.changes);
      const rechecked = testEngine({ ...project, files: Object.fromEntries([...after].filter(([file]) => file.endsWith('.ts')).map(([file, text]) => [path.relative(TEST_ROOT, file), text])) });
      const remaining = [...rechecked.checkDetailed('all').findings.values()].flat().filter((candidate) => candidate.ruleId === RULE).map((candidate) => at(candidate as EngineFinding));
      assert.equal(remaining.length, findings.length - 1, remaining.join(', '));
      const handler = after.get(finding.file)!;
      assert.match(handler, /emitTraceEvent\('planewise\.analysis\./);
      assert.doesNotMatch(handler, /;\n/, 'no semicolons, as in the file');
      assert.match(handler, /from '\.\.\/tracing\/emitTraceEvent\.js'/, 'relative imports end in .js, as in the file');
      assert.match(after.get(path.join(TEST_ROOT, 'src/analysis/postExecution.ts'))!, /\n {4}let ran = 0\n/, 'four-space indentation, no semicolons');
      assert.ok(after.has(path.join(TEST_ROOT, 'planewise.config.json')), 'the created emitter and module are recorded in a new config');
      const generated = fix.changes.filter((change) => change.kind === 'create' && change.file.endsWith('.ts')).map((change) => change.file);
      assert.deepEqual(typeErrors(after, generated), []);
      moved.push(where);
    });
  }

  for (const [where, reason] of [
    ['src/routes/cart.ts:25', 'unavailable: the result of `rankRecommendations` is used on line 25, and that use is part of the response'],
    ['src/routes/lambda.ts:4', 'unavailable: `audit` is used on line 5, and that use decides control flow'],
  ] as const) {
    it(`declines ${where} with the reason, in the menu and under the message`, () => {
      const finding = findings.find((candidate) => at(candidate) === where)!;
      const fix = engine.fixes(finding.file, finding.range).find((candidate) => candidate.title === MOVE_TITLE);
      assert.deepEqual(fix?.disabled, { reason });
      assert.deepEqual(fix.changes, []);
      const note = finding.related.map((information) => information.message).find((message) => message.startsWith('The fix cannot move it as it is: '));
      assert.ok(note?.includes(`as it is: ${reason.slice('unavailable: '.length)}.`), JSON.stringify(finding.related));
      assert.match(note ?? '', /To move it, keep the response independent of the analysis/);
    });
  }

  it('counts the shapes the fix moves', () => {
    assert.equal(moved.length, 3);
  });
});
