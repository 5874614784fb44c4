// Bundles every runtime piece with esbuild. `--production` minifies; source
// maps are always written beside the bundles (.vscodeignore keeps them out of
// the .vsix). `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { buildScanner } from './build-scanner.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// ESM dependencies read import.meta.url; scripts/import-meta-url.js supplies it to the CommonJS bundles.
const node = { platform: 'node', target: 'node20', format: 'cjs', inject: ['scripts/import-meta-url.js'], define: { 'import.meta.url': 'importMetaUrl' } };
// The CLI leaves the boundary engine (and the TypeScript compiler inside it)
// to a bundle of its own that only `planewise check` loads: parsing it costs
// every other command half a second. It is loaded with `require`: Node's
// `import()` of a CommonJS file first scans all of it for export names (about
// 0.4 s for this one).
const boundaryBundle = './boundary.js';
const boundaryAsSeparateBundle = {
  name: 'boundary-as-separate-bundle',
  setup(build) {
    build.onResolve({ filter: /\/boundary$/ }, (args) => (args.kind === 'dynamic-import' ? { path: boundaryBundle, external: true } : undefined));
  },
};

const bundles = [
  // The `planewise` CLI.
  { ...node, entryPoints: ['analysis-core/src/cli/main.ts'], outfile: 'analysis-core/dist/planewise.js', banner: { js: '#!/usr/bin/env node' }, plugins: [boundaryAsSeparateBundle], supported: { 'dynamic-import': false } },
  // The boundary engine for the CLI's `check`.
  { ...node, entryPoints: ['analysis-core/src/boundary/index.ts'], outfile: 'analysis-core/dist/boundary.js' },
  // Parses byte ranges of one trace file on another core (CLI and editor).
  { ...node, entryPoints: ['analysis-core/src/trace/parallel/worker.ts'], outfile: 'analysis-core/dist/trace-worker.js' },
  // The language server.
  { ...node, entryPoints: ['server/src/server.ts'], outfile: 'server/dist/server.js' },
  // The extension host side; `vscode` is provided at run time.
  { ...node, entryPoints: ['client/src/extension.ts'], outfile: 'client/dist/extension.js', external: ['vscode'] },
  // The trace editor's worker thread: reads and aggregates off the extension host's event loop.
  { ...node, entryPoints: ['client/src/traceEditor/worker.ts'], outfile: 'client/dist/trace-editor-worker.js' },
  // The trace editor's webview script.
  { platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['client/src/webview/main.ts'], outfile: 'client/dist/webview.js' },
];

const common = {
  bundle: true,
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  // ts-morph ships TypeScript; its optional lib files are resolved at run time.
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
};

function generateSchemas() {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generate-schemas.ts'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

generateSchemas();
await buildScanner();
if (watch) {
  for (const bundle of bundles) await (await esbuild.context({ ...common, ...bundle, define: { ...common.define, ...bundle.define } })).watch();
} else {
  await Promise.all(bundles.map((bundle) => esbuild.build({ ...common, ...bundle, define: { ...common.define, ...bundle.define } })));
}
