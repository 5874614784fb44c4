/**
 * The analysis fixes on a service written outside this project
 * (test-fixtures/hono-service: Hono routes, a Lambda handler, four-space
 * indentation, no semicolons, `.js` imports, no emitter, no
 * planewise.config.json, no OpenTelemetry): of the five shapes from the
 * field, three move; the two whose result the handler needs cannot move (the
 * reason is in the menu and in the finding's message) and serve the last
 * post-execution result instead. After each fix the whole project
 * type-checks against the real Hono types and the rules find nothing new.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { EngineFinding } from '../findings';
import { applyChanges, testEngine, TEST_ROOT, typeErrors, type TestProject } from '../testing/ruleTester';
import { MOVE_TITLE } from './moveAnalysis';
import { SERVE_TITLE } from './serveLastResult';

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

/** A finding as the rules report it wherever its line moved: rule, file, message without line numbers. */
const shapeOf = (finding: EngineFinding) => `${finding.ruleId} ${path.relative(TEST_ROOT, finding.file)} ${finding.message.replace(/line \d+/g, 'line N')}`;

function count(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

describe('the analysis fixes on a Hono / Lambda service with no emitter and no config', () => {
  const project = readFixture();
  const engine = testEngine(project);
  const everything = [...engine.checkDetailed('all').findings.values()].flat() as EngineFinding[];
  const findings = everything.filter((finding) => finding.ruleId === RULE);
  const at = (finding: EngineFinding) => `${path.relative(TEST_ROOT, finding.file)}:${finding.range.start.line + 1}`;

  it('finds the five shapes, and the fixture type-checks against the real Hono types', () => {
    assert.deepEqual(findings.map(at).sort(), ['src/routes/cart.ts:17', 'src/routes/cart.ts:25', 'src/routes/cart.ts:9', 'src/routes/lambda.ts:4', 'src/routes/refunds.ts:10']);
    assert.deepEqual(typeErrors(engine.host.files, [...engine.host.files.keys()].filter((file) => file.endsWith('.ts')), ['hono']), []);
  });

  /** Applies the fix, type-checks the whole project, re-runs every rule: the finding (and what the fix resolves) is gone, nothing new. */
  function applyAndRecheck(finding: EngineFinding, title: string): Map<string, string> {
    const fix = engine.fixes(finding.file, finding.range).find((candidate) => candidate.title === title);
    assert.ok(fix !== undefined && fix.disabled === undefined, `offered: ${JSON.stringify(fix?.disabled)}`);
    const after = applyChanges(engine.host.files, fix.changes);
    assert.deepEqual(typeErrors(after, [...after.keys()].filter((file) => file.endsWith('.ts')), ['hono']), []);
    const rechecked = testEngine({ ...project, files: Object.fromEntries([...after].filter(([file]) => file.endsWith('.ts')).map(([file, text]) => [path.relative(TEST_ROOT, file), text])) });
    const remaining = [...rechecked.checkDetailed('all').findings.values()].flat() as EngineFinding[];
    const expected = count(everything.filter((other) => !fix.resolves.includes(other.fingerprint)).map(shapeOf));
    assert.deepEqual(count(remaining.map(shapeOf)), expected);
    assert.ok(!remaining.some((other) => other.ruleId === RULE && shapeOf(other) === shapeOf(finding)), 'the finding is gone');
    assert.ok(after.has(path.join(TEST_ROOT, 'planewise.config.json')), 'what the fix created is recorded in a new config');
    assert.match(after.get(path.join(TEST_ROOT, 'src/analysis/postExecution.ts'))!, /\n {4}let ran = 0\n/, 'four-space indentation, no semicolons');
    const handler = after.get(finding.file)!;
    assert.doesNotMatch(handler, /;\n/, 'no semicolons, as in the file');
    assert.match(handler, /from '\.\.\/tracing\/emitTraceEvent\.js'/, 'relative imports end in .js, as in the file');
    return after;
  }

  const fixed: string[] = [];
  for (const where of ['src/routes/cart.ts:9', 'src/routes/cart.ts:17', 'src/routes/refunds.ts:10']) {
    it(`moves ${where} cleanly`, () => {
      const finding = findings.find((candidate) => at(candidate) === where)!;
      const after = applyAndRecheck(finding, MOVE_TITLE);
      assert.match(after.get(finding.file)!, /emitTraceEvent\('planewise\.analysis\./);
      assert.equal(engine.fixes(finding.file, finding.range).some((candidate) => candidate.title === SERVE_TITLE), false, 'serving is for results the handler needs');
      fixed.push(where);
    });
  }

  for (const [where, reason, served] of [
    ['src/routes/cart.ts:25', 'the result of `rankRecommendations` is used on line 25, and that use is part of the response', "return c.json(lastRankRecommendations)"],
    ['src/routes/lambda.ts:4', '`audit` is used on line 5, and that use decides control flow', "const audit = readLastResult<Awaited<ReturnType<typeof scoreRisk>>>('score-risk')"],
  ] as const) {
    it(`declines to move ${where}, and serves its last post-execution result instead`, () => {
      const finding = findings.find((candidate) => at(candidate) === where)!;
      const move = engine.fixes(finding.file, finding.range).find((candidate) => candidate.title === MOVE_TITLE);
      assert.deepEqual(move?.disabled, { reason: `unavailable: ${reason}` });
      assert.deepEqual(move.changes, []);
      const note = finding.related.map((information) => information.message).find((message) => message.startsWith('The fix cannot move it as it is: '));
      assert.equal(note, `The fix cannot move it as it is: ${reason}; "${SERVE_TITLE}" runs it after execution and serves its last result here instead.`, JSON.stringify(finding.related));
      const after = applyAndRecheck(finding, SERVE_TITLE);
      const handler = after.get(finding.file)!;
      assert.ok(handler.includes(served), handler);
      const pending = handler.split('\n').find((line) => line.includes('=== undefined) return'));
      assert.ok(pending?.includes('202') && /pending: lastResultFile\('[a-z-]+'\)/.test(pending), `a 202 answer saying where the result will appear while there is none: ${pending}`);
      assert.match(handler, /import (type )?\{[^}]*type |import type /, 'the analysis is only imported for its type');
      assert.match(after.get(path.join(TEST_ROOT, 'src/analysis/postExecution.ts'))!, /'planewise\.last-result\.\w+': async \(inputs: .*\) => writeLastResult\('[a-z-]+', await \w+\(inputs\.\w+\)\),/);
      assert.match(after.get(path.join(TEST_ROOT, 'src/artifacts/lastResults.ts'))!, /renameSync\(temporary, file\)/, 'the artifact is written atomically');
      fixed.push(where);
    });
  }

  it('gives four of the five shapes a working fix', () => {
    assert.ok(fixed.length >= 4, fixed.join(', '));
  });
});
