// Runs the tests that need a real VS Code (see docs/testing.md):
//   1. integration: client/test/integration/*.itest.ts, mocha inside the
//      extension host (real `vscode` API), through @vscode/test-electron's runTests;
//   2. e2e: client/test/e2e/*.e2e.ts, node:test driving the workbench UI with
//      the packaged extension installed.
// `node scripts/test-vscode.mjs [integration] [e2e]` runs the named phases (default both).
//
// Which VS Code: PLANEWISE_VSCODE_EXECUTABLE if set; a desktop VS Code
// downloaded by @vscode/test-electron if PLANEWISE_VSCODE_DOWNLOAD=1; else
// code-server installed by scripts/vscode-host/ensure.mjs (works offline but
// for the npm registry). Setting one up either works or fails loudly.
// PLANEWISE_E2E_UNPACKED=1 installs the extension folder instead of packaging a .vsix.
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureVsCodeHost } from './vscode-host/ensure.mjs';
import { copyWorkspace, tempDir } from './vscode-host/host.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const integrationSources = path.join(root, 'client', 'test', 'integration');
const integrationOut = path.join(root, 'client', 'out-test', 'integration');
const e2eSources = path.join(root, 'client', 'test', 'e2e');
const vsixPath = path.join(root, 'planewise.vsix');
const PHASES = ['integration', 'e2e'];

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function summary(phase, ok, detail) {
  console.log(`\nvscode-tests: ${phase}: ${ok ? 'passed' : 'FAILED'} (${detail})\n`);
}

/** The VS Code executable for runTests, per the rules at the top of this file. */
async function chooseVsCode() {
  const explicit = process.env.PLANEWISE_VSCODE_EXECUTABLE;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`PLANEWISE_VSCODE_EXECUTABLE=${explicit} does not exist`);
    return { executable: path.resolve(explicit), route: `PLANEWISE_VSCODE_EXECUTABLE (${explicit})` };
  }
  if (process.env.PLANEWISE_VSCODE_DOWNLOAD === '1') {
    const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
    try {
      return { executable: await downloadAndUnzipVSCode({ cachePath: path.join(root, '.vscode-test') }), route: 'desktop VS Code downloaded by @vscode/test-electron' };
    } catch (error) {
      throw new Error(`PLANEWISE_VSCODE_DOWNLOAD=1 but downloading VS Code failed (${error.message}); unset it to use code-server from the npm registry`);
    }
  }
  await ensureVsCodeHost();
  return { executable: path.join(root, 'scripts', 'vscode-host', 'code'), route: 'code-server (scripts/vscode-host)' };
}

/** Compiles index.ts and every *.itest.ts into client/out-test/integration/ (stale bundles removed first). */
async function bundleIntegrationTests() {
  const tests = readdirSync(integrationSources).filter((name) => name.endsWith('.itest.ts')).sort();
  if (tests.length === 0) throw new Error(`no *.itest.ts files in ${path.relative(root, integrationSources)}`);
  rmSync(integrationOut, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['index.ts', ...tests].map((name) => path.join(integrationSources, name)),
    outdir: integrationOut,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    // Provided by the extension host. mocha is bundled: the extension host loads plain CommonJS.
    external: ['vscode'],
    logLevel: 'warning',
    // mocha resolves its parallel-mode worker files by path; the bootstrap runs serially.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  return tests;
}

async function runIntegration(vscode) {
  const started = Date.now();
  const extensionMain = path.join(root, JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).main);
  if (!existsSync(extensionMain)) throw new Error(`${path.relative(root, extensionMain)} is missing: run \`npm run build\` first`);
  const tests = await bundleIntegrationTests();
  console.log(`vscode-tests: integration: ${tests.length} test file(s) in ${vscode.route}`);
  const scratch = tempDir('integration');
  try {
    // Tests may edit files: they get a copy of test-workspace/.
    const workspace = path.join(scratch.dir, 'test-workspace');
    copyWorkspace(path.join(root, 'test-workspace'), workspace);
    await runTests({
      vscodeExecutablePath: vscode.executable,
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(integrationOut, 'index.js'),
      launchArgs: [
        workspace,
        '--disable-extensions',
        `--user-data-dir=${path.join(scratch.dir, 'user-data')}`,
        `--extensions-dir=${path.join(scratch.dir, 'extensions')}`,
      ],
    });
    return { ok: true, detail: seconds(started) };
  } catch (error) {
    if (!error.code) console.error(`vscode-tests: integration: ${error.message}`);
    return { ok: false, detail: `${error.message}, ${seconds(started)}` };
  } finally {
    scratch.remove();
  }
}

function runE2e() {
  const started = Date.now();
  const tests = readdirSync(e2eSources).filter((name) => name.endsWith('.e2e.ts')).sort();
  if (tests.length === 0) return { ok: false, detail: `no *.e2e.ts files in ${path.relative(root, e2eSources)}` };
  const env = { ...process.env };
  if (process.env.PLANEWISE_E2E_UNPACKED === '1') {
    delete env.PLANEWISE_VSIX;
    console.log('vscode-tests: e2e: installing the unpacked extension folder (PLANEWISE_E2E_UNPACKED=1)');
  } else {
    rmSync(vsixPath, { force: true });
    const packaged = spawnSync('npm', ['run', 'package'], { cwd: root, stdio: 'inherit' });
    if (packaged.status !== 0 || !existsSync(vsixPath)) {
      return { ok: false, detail: `\`npm run package\` failed to build ${path.basename(vsixPath)} (PLANEWISE_E2E_UNPACKED=1 tests the unpacked folder instead)` };
    }
    env.PLANEWISE_VSIX = vsixPath;
  }
  // One file at a time: each test file runs its own VS Code and browser.
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...tests.map((name) => path.join(e2eSources, name))], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  return { ok: run.status === 0, detail: `${tests.length} file(s), ${seconds(started)}` };
}

async function main() {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((phase) => !PHASES.includes(phase));
  if (unknown.length > 0) {
    console.error(`unknown phase ${unknown.join(', ')}; phases: ${PHASES.join(', ')}`);
    process.exit(2);
  }
  const phases = requested.length > 0 ? requested : PHASES;
  let failed = false;

  if (phases.includes('integration')) {
    let result;
    try {
      result = await runIntegration(await chooseVsCode());
    } catch (error) {
      result = { ok: false, detail: error.message };
    }
    summary('integration', result.ok, result.detail);
    failed ||= !result.ok;
  }
  if (phases.includes('e2e')) {
    let result;
    try {
      await ensureVsCodeHost();
      result = runE2e();
    } catch (error) {
      result = { ok: false, detail: error.message };
    }
    summary('e2e', result.ok, result.detail);
    failed ||= !result.ok;
  }
  process.exit(failed ? 1 : 0);
}

main();
