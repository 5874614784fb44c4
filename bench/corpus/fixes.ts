/**
 * The analysis fixes on real code: for every hand-labeled true positive of
 * `no-analysis-in-execution-path` in the corpus, whether the engine offers a
 * fix ("Move analysis out of the execution path", or "Serve the last
 * post-execution result" where the handler uses the result), and whether the
 * code still type-checks once it is applied.
 *
 *   node --import tsx bench/corpus/fixes.ts [--corpus DIR] [--labels DIR]
 *
 * The corpus has no node_modules (dependencies are never installed), so
 * "type-checks" means: the changed and created files have no TypeScript error
 * that they did not have before the fix, with the package's own tsconfig,
 * leaving out what only installing would settle: a missing module that the
 * package.json declares, and the compiler-option diagnostics (TS5xxx) every
 * file of the program carries. Node's own types come from this repository's
 * @types/node, as the corpus's would once installed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Project, ts } from 'ts-morph';
import { applyFileChanges, createBoundaryEngine, type Finding, type Fix } from '../../analysis-core/src/boundary';

const RULE = 'no-analysis-in-execution-path';
const FIX_TITLES = ['Move analysis out of the execution path', 'Serve the last post-execution result'];

const option = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1]!;
};
const corpus = path.resolve(option('corpus', 'bench/corpus/.repos'));
const labels = path.resolve(option('labels', 'bench/corpus/labels'));

interface Case {
  repo: string;
  file: string;
  line: number;
  rule: string;
  verdict: string;
  run: string;
}

const cases = (JSON.parse(fs.readFileSync(path.join(labels, 'cases.json'), 'utf8')) as Case[]).filter((testCase) => testCase.rule === RULE && testCase.verdict === 'tp');

/** The packages `root`'s package.json declares: installed, they would resolve. */
function declaredPackages(root: string): Set<string> {
  const manifest = path.join(root, 'package.json');
  if (!fs.existsSync(manifest)) return new Set();
  const json = JSON.parse(fs.readFileSync(manifest, 'utf8')) as Record<string, Record<string, string> | undefined>;
  return new Set(['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) => Object.keys(json[field] ?? {})));
}

/** Errors per file, as text without positions: what a fix may not add to. */
function errorsOf(root: string, texts: Map<string, string>, files: string[]): Map<string, Set<string>> {
  const declared = declaredPackages(root);
  const settledByInstalling = (diagnostic: { getCode(): number; getMessageText(): unknown }) => {
    if (diagnostic.getCode() >= 5000 && diagnostic.getCode() < 6000) return true;
    const missing = diagnostic.getCode() === 2307 ? /Cannot find module '([^']+)'/.exec(ts.flattenDiagnosticMessageText(diagnostic.getMessageText() as string | ts.DiagnosticMessageChain, ' ')) : null;
    return missing !== null && declared.has(missing[1]!.startsWith('@') ? missing[1]!.split('/').slice(0, 2).join('/') : missing[1]!.split('/')[0]!);
  };
  const tsconfig = path.join(root, 'tsconfig.json');
  const nodeTypes = { typeRoots: [path.resolve(__dirname, '../../node_modules/@types')], types: ['node'] };
  const project = fs.existsSync(tsconfig) ? new Project({ tsConfigFilePath: tsconfig, skipAddingFilesFromTsConfig: true, compilerOptions: nodeTypes }) : new Project({ compilerOptions: { strict: true, noEmit: true, ...nodeTypes } });
  for (const file of files) project.createSourceFile(file, texts.get(file) ?? fs.readFileSync(file, 'utf8'), { overwrite: true });
  project.resolveSourceFileDependencies();
  const errors = new Map<string, Set<string>>();
  for (const file of files) {
    const source = project.getSourceFile(file);
    const messages = new Set((source?.getPreEmitDiagnostics() ?? []).filter((diagnostic) => diagnostic.getCategory() === ts.DiagnosticCategory.Error && !settledByInstalling(diagnostic)).map((diagnostic) => `TS${diagnostic.getCode()} ${ts.flattenDiagnosticMessageText(diagnostic.getMessageText() as string | ts.DiagnosticMessageChain, ' ')}`));
    errors.set(file, messages);
  }
  return errors;
}

const rows: string[][] = [];
let offered = 0;
let typeChecks = 0;
for (const testCase of cases) {
  const name = testCase.repo.split('/')[1]!;
  const folder = /^package root[^:]*:\s*(\S+)/.exec(testCase.run)?.[1] ?? '';
  const root = path.join(corpus, name, folder);
  const engine = createBoundaryEngine({ root });
  const result = engine.check('all');
  const file = path.join(corpus, name, testCase.file);
  const finding = (result.findings.get(file) ?? []).find((candidate: Finding) => candidate.ruleId === RULE && Math.abs(candidate.range.start.line + 1 - testCase.line) <= 1);
  const where = `${name} ${testCase.file}:${testCase.line}`;
  if (finding === undefined) {
    rows.push([where, 'not found', '-', '-']);
    continue;
  }
  const fixes = engine.fixes(file, finding.range).filter((fix: Fix) => FIX_TITLES.includes(fix.title));
  const usable = fixes.find((fix) => fix.disabled === undefined);
  if (usable === undefined) {
    rows.push([where, 'declined', fixes.map((fix) => fix.disabled?.reason ?? '').join('; ') || 'no fix', '-']);
    continue;
  }
  offered += 1;
  const applied = applyFileChanges(usable.changes, (changed) => (fs.existsSync(changed) ? fs.readFileSync(changed, 'utf8') : undefined));
  if ('error' in applied) {
    rows.push([where, usable.title, applied.error, 'no']);
    continue;
  }
  const changed = [...applied.texts.keys()].filter((changedFile) => /\.(ts|tsx)$/.test(changedFile));
  const before = errorsOf(root, new Map(), changed.filter((changedFile) => fs.existsSync(changedFile)));
  const after = errorsOf(root, applied.texts, changed);
  const added = changed.flatMap((changedFile) => [...(after.get(changedFile) ?? [])].filter((message) => !(before.get(changedFile)?.has(message) ?? false)).map((message) => `${path.relative(root, changedFile)}: ${message}`));
  if (added.length === 0) typeChecks += 1;
  rows.push([where, usable.title, `${changed.length} files changed`, added.length === 0 ? 'yes' : `no: ${added.slice(0, 3).join(' | ')}`]);
}

console.log('| true positive | fix | detail | type-checks after |');
console.log('| --- | --- | --- | --- |');
for (const row of rows) console.log(`| ${row.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`);
console.log(`\n${cases.length} labeled true positives of ${RULE}: fix offered on ${offered}, of which ${typeChecks} type-check once applied.`);
