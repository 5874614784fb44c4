// Entry points per framework adapter on real repositories (source only):
// for each repository, how many request handlers each adapter finds, with
// three samples each, to spot-check for false entries.
//   node --import tsx bench/corpus/entries.mjs [repo folder ...]   (default: /work/corpus/*)
import fs from 'node:fs';
import path from 'node:path';
import { ts } from 'ts-morph';
import { extractFacts } from '../../analysis-core/src/boundary/facts.ts';
import { detectEntries, fileContext, frameworkAdapters } from '../../analysis-core/src/boundary/frameworks/index.ts';

const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'out', '.next', '.git', 'coverage', '__tests__', 'e2e', 'test', 'tests']);
const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const TEST = /\.(test|spec|e2e|d)\.[cm]?[jt]sx?$/;
const MAX_BYTES = 2_000_000;

function* sourceFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) yield* sourceFiles(path.join(dir, entry.name));
    } else if (entry.isFile() && SOURCE.test(entry.name) && !TEST.test(entry.name)) {
      yield path.join(dir, entry.name);
    }
  }
}

const args = process.argv.slice(2);
const corpus = '/work/corpus';
const repos = args.length > 0 ? args : fs.readdirSync(corpus).map((name) => path.join(corpus, name)).sort();

for (const repo of repos) {
  const started = performance.now();
  /** adapter id -> { count, files, samples } */
  const byAdapter = new Map(frameworkAdapters.map((adapter) => [adapter.id, { count: 0, files: new Set(), samples: [] }]));
  let files = 0;
  for (const file of sourceFiles(repo)) {
    const text = fs.readFileSync(file, 'utf8');
    if (text.length > MAX_BYTES) continue;
    files += 1;
    const relative = path.relative(repo, file).split(path.sep).join('/');
    const kind = file.endsWith('x') ? ts.ScriptKind.TSX : /\.[cm]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
    const source = ts.createSourceFile(relative, text, ts.ScriptTarget.ES2022, true, kind);
    const context = fileContext(relative, source, extractFacts(relative, source).imports);
    const adapters = frameworkAdapters.filter((adapter) => adapter.appliesTo(context));
    if (adapters.length === 0) continue;
    const visit = (node) => {
      const found = detectEntries(node, context, adapters);
      if (found !== undefined) {
        const tally = byAdapter.get(found.adapter.id);
        for (const detection of found.detections) {
          tally.count += 1;
          tally.files.add(relative);
          if (tally.samples.length < 3 && !tally.samples.some((sample) => sample.startsWith(`${relative}:`))) {
            const at = source.getLineAndCharacterOfPosition((detection.kind === 'function' ? detection.node : detection.expression).getStart(source)).line + 1;
            tally.samples.push(`${relative}:${at} ${detection.reason}`);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  console.log(`\n${path.basename(repo)}: ${files} files, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const [id, tally] of byAdapter) {
    if (tally.count === 0) continue;
    console.log(`  ${id.padEnd(10)} ${String(tally.count).padStart(5)} entries in ${String(tally.files.size).padStart(4)} files`);
    for (const sample of tally.samples) console.log(`    ${sample}`);
  }
}
