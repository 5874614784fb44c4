/**
 * typescript-eslint-style rule tests: `valid` and `invalid` cases, each a
 * small in-memory project (several files, an optional planewise.config.json),
 * checked by the real engine. Invalid cases list the expected message ids and
 * 1-based lines; fix cases give the files expected after applying the fix,
 * and the tester re-checks the result and can type-check it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Project } from 'ts-morph';
import { ts } from '../compiler';
import { createEngine } from '../engine';
import type { EngineFinding } from '../findings';
import { memoryHost } from '../host';
import { messageProblems } from '../messageText';
import type { Rule } from '../rule';
import type { BoundaryEngine, FileChange, Fix, Range, RuleSeverity } from '../types';
import type { EngineInternals } from '../engine';

export const TEST_ROOT = path.resolve('/project');

export interface TestProject {
  name: string;
  /** Paths relative to the project root -> text. */
  files: Record<string, string>;
  /** Written as planewise.config.json when given. */
  config?: unknown;
  /** Written as package.json when given. */
  packageJson?: unknown;
}

export interface ExpectedError {
  messageId: string;
  line: number;
  /** Relative path; defaults to the only file, or the first file. */
  file?: string;
  /** A substring the message must contain. */
  message?: string;
  /** How many related-information hops the finding lists. */
  related?: number;
  /** A substring one of the related-information messages must contain (details the one-line message leaves out). */
  relatedMessage?: string;
}

export interface InvalidCase extends TestProject {
  errors: ExpectedError[];
  /** The fix to apply to the first error, by title prefix, and the files expected afterwards (null: the file is unchanged). */
  fix?: { title: string; output: Record<string, string>; typeCheck?: boolean; packages?: string[] };
}

export function testEngine(project: TestProject, overrides: Record<string, RuleSeverity> = {}): BoundaryEngine & EngineInternals & { host: ReturnType<typeof memoryHost> } {
  const files: Record<string, string> = {};
  for (const [file, text] of Object.entries(project.files)) files[path.join(TEST_ROOT, file)] = text;
  if (project.config !== undefined) files[path.join(TEST_ROOT, 'planewise.config.json')] = typeof project.config === 'string' ? project.config : JSON.stringify(project.config, null, 2);
  if (project.packageJson !== undefined) files[path.join(TEST_ROOT, 'package.json')] = JSON.stringify(project.packageJson);
  const host = memoryHost(files);
  return Object.assign(createEngine({ root: TEST_ROOT, ruleOverrides: overrides }, host), { host });
}

function offsetAt(text: string, position: Range['start']): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let line = 0; line < position.line; line++) offset += (lines[line]?.length ?? 0) + 1;
  return offset + position.character;
}

/** Applies a fix's changes to a map of absolute paths -> texts; edits apply back to front. */
export function applyChanges(files: Map<string, string>, changes: readonly FileChange[]): Map<string, string> {
  const result = new Map(files);
  for (const change of changes) {
    if (change.kind === 'create') {
      assert.ok(!result.has(change.file), `fix creates ${change.file}, which already exists`);
      result.set(change.file, change.text);
      continue;
    }
    const text = result.get(change.file);
    assert.ok(text !== undefined, `fix edits ${change.file}, which does not exist`);
    const edits = change.edits.map((edit) => ({ start: offsetAt(text, edit.range.start), end: offsetAt(text, edit.range.end), newText: edit.newText })).sort((a, b) => b.start - a.start);
    let next = text;
    for (const edit of edits) next = next.slice(0, edit.start) + edit.newText + next.slice(edit.end);
    result.set(change.file, next);
  }
  return result;
}

const installed = path.resolve(__dirname, '../../../../node_modules');
const packageTypesCache = new Map<string, Map<string, string>>();

/** The declaration files of an installed package, placed under the test project's node_modules. */
function packageTypes(name: string): Map<string, string> {
  const cached = packageTypesCache.get(name);
  if (cached !== undefined) return cached;
  const found = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'esm' && entry.name !== 'esnext' && entry.name !== 'node_modules') walk(full);
      } else if (entry.name.endsWith('.d.ts') || entry.name === 'package.json') {
        found.set(path.join(TEST_ROOT, 'node_modules', name, path.relative(path.join(installed, name), full)), fs.readFileSync(full, 'utf8'));
      }
    }
  };
  walk(path.join(installed, name));
  packageTypesCache.set(name, found);
  return found;
}

/**
 * Type errors in the given files of a project, checked against real lib files
 * and the real declarations of @types/node and the listed packages; empty when
 * it type-checks.
 */
export function typeErrors(files: Map<string, string>, only: readonly string[], packages: readonly string[] = []): string[] {
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      typeRoots: [path.join(TEST_ROOT, 'node_modules/@types')],
    },
  });
  for (const name of ['@types/node', ...packages]) {
    for (const [file, text] of packageTypes(name)) project.getFileSystem().writeFileSync(file, text);
  }
  for (const [file, text] of files) if (/\.(ts|tsx)$/.test(file)) project.createSourceFile(file, text, { overwrite: true });
  return only.flatMap((file) => {
    const source = project.getSourceFile(file);
    if (source === undefined) return [];
    return source.getPreEmitDiagnostics().map((diagnostic) => `${path.relative(TEST_ROOT, file)}:${(diagnostic.getLineNumber() ?? 0)}: ${ts.flattenDiagnosticMessageText(diagnostic.getMessageText() as string | ts.DiagnosticMessageChain, ' ')}`);
  });
}

function findingsOf(engine: BoundaryEngine & EngineInternals, ruleId: string): EngineFinding[] {
  return [...engine.checkDetailed('all').findings.values()].flat().filter((finding) => finding.ruleId === ruleId);
}

function describeFinding(finding: EngineFinding): string {
  return `${path.relative(TEST_ROOT, finding.file)}:${finding.range.start.line + 1} ${finding.messageId}: ${finding.message}`;
}

export function runRuleTests<Options>(rule: Rule<Options>, cases: { valid: TestProject[]; invalid: InvalidCase[] }): void {
  const ruleId = rule.meta.id;
  describe(ruleId, () => {
    describe('valid', () => {
      for (const testCase of cases.valid) {
        it(testCase.name, () => {
          const findings = findingsOf(testEngine(testCase), ruleId);
          assert.deepEqual(findings.map(describeFinding), []);
        });
      }
    });
    describe('invalid', () => {
      for (const testCase of cases.invalid) {
        it(testCase.name, () => {
          const engine = testEngine(testCase);
          const findings = findingsOf(engine, ruleId);
          const defaultFile = Object.keys(testCase.files)[0]!;
          const actual = findings.map((finding) => `${path.relative(TEST_ROOT, finding.file)}:${finding.range.start.line + 1} ${finding.messageId}`).sort();
          const expected = testCase.errors.map((error) => `${error.file ?? defaultFile}:${error.line} ${error.messageId}`).sort();
          assert.deepEqual(actual, expected, `findings were:\n${findings.map(describeFinding).join('\n')}`);
          for (const finding of findings) assert.deepEqual(messageProblems(finding.message), [], `"${finding.message}" fits one line of the Problems panel`);
          for (const error of testCase.errors) {
            const finding = findings.find((candidate) => path.relative(TEST_ROOT, candidate.file) === (error.file ?? defaultFile) && candidate.range.start.line + 1 === error.line && candidate.messageId === error.messageId)!;
            if (error.message !== undefined) assert.ok(finding.message.includes(error.message), `"${finding.message}" should contain "${error.message}"`);
            if (error.related !== undefined) assert.equal(finding.related.length, error.related, `related: ${JSON.stringify(finding.related)}`);
            if (error.relatedMessage !== undefined) {
              const related = finding.related.map((information) => information.message);
              assert.ok(related.some((message) => message.includes(error.relatedMessage!)), `related ${JSON.stringify(related)} should contain "${error.relatedMessage}"`);
            }
          }
          if (testCase.fix !== undefined) checkFix(engine, testCase, findings[0]!, ruleId);
        });
      }
    });
  });
}

export function fixFor(engine: BoundaryEngine, finding: EngineFinding, title: string): Fix {
  const fixes = engine.fixes(finding.file, finding.range);
  const fix = fixes.find((candidate) => candidate.title.startsWith(title));
  assert.ok(fix !== undefined, `no fix titled "${title}"; offered: ${fixes.map((candidate) => candidate.title).join(' | ')}`);
  return fix;
}

function checkFix(engine: BoundaryEngine & EngineInternals & { host: ReturnType<typeof memoryHost> }, testCase: InvalidCase, finding: EngineFinding, ruleId: string): void {
  const { title, output, typeCheck, packages } = testCase.fix!;
  const fix = fixFor(engine, finding, title);
  assert.ok(fix.resolves.includes(finding.fingerprint), 'the fix names the finding it resolves');
  const after = applyChanges(engine.host.files, fix.changes);
  for (const [file, text] of Object.entries(output)) assert.equal(after.get(path.join(TEST_ROOT, file)), text, `${file} after the fix`);
  const changed = fix.changes.map((change) => change.file);
  const rechecked = testEngine({ name: testCase.name, files: Object.fromEntries([...after].filter(([file]) => !file.endsWith('planewise.config.json') && !file.endsWith('package.json')).map(([file, text]) => [path.relative(TEST_ROOT, file), text])), config: testCase.config, packageJson: testCase.packageJson });
  const remaining = findingsOf(rechecked, ruleId).filter((candidate) => fix.resolves.includes(candidate.fingerprint));
  assert.deepEqual(remaining.map(describeFinding), [], 'the finding is gone after the fix');
  if (typeCheck === true) assert.deepEqual(typeErrors(after, changed, packages), [], 'the project type-checks after the fix');
}
