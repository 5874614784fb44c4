#!/usr/bin/env node
/**
 * How much of a repository's import graph the boundary engine resolves, by
 * how the imports are written: relative, tsconfig paths/baseUrl (aliased) and
 * workspace packages. Runs the built engine (node scripts/build.mjs first)
 * over each repository root given, as `planewise check` would.
 *
 *   node bench/corpus/resolution.mjs /path/to/repo [...]
 */
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { createBoundaryEngine } = require('../../analysis-core/dist/boundary.js');

const roots = process.argv.slice(2);
if (roots.length === 0) {
  process.stderr.write('usage: node bench/corpus/resolution.mjs REPO_ROOT [...]\n');
  process.exit(2);
}

const rate = ({ resolved, total }) => `${resolved}/${total}${total === 0 ? '' : ` (${((100 * resolved) / total).toFixed(1)}%)`}`;
for (const root of roots) {
  const started = performance.now();
  const result = createBoundaryEngine({ root: path.resolve(root) }).check('all');
  const { relative, aliased, workspace, unresolvedExamples, warning } = result.resolution;
  console.log(`${path.basename(root)}: ${result.filesChecked} files in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  relative  ${rate(relative)}\n  aliased   ${rate(aliased)}\n  workspace ${rate(workspace)}`);
  for (const example of unresolvedExamples.slice(0, 5)) console.log(`  unresolved ${example.file}:${example.line} '${example.specifier}'`);
  if (warning !== undefined) console.log(`  warning: ${warning}`);
}
