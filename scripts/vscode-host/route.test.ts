// SLOW (two real VS Code runs, ~20 s each): proves the whole route the
// integration tests take — @vscode/test-electron's runTests with
// scripts/vscode-host/code as the VS Code executable, code-server, headless
// Chromium, the mocha bootstrap client/test/integration/index.ts in a real
// extension host — with a throwaway extension whose tests pass, then fail.
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from './host.mjs';

const PASSING_TEST = `
const assert = require('node:assert');
const vscode = require('vscode');
describe('route probe', () => {
  it('runs in a real extension host with the workspace open', () => {
    assert.ok(vscode.version);
    assert.equal(vscode.workspace.workspaceFolders?.[0]?.name, 'workspace');
    assert.equal(process.env.PLANEWISE_TEST_ROUTE, 'passed through');
  });
});
`;

const FAILING_TEST = `
const assert = require('node:assert');
describe('route probe failure', () => {
  it('fails on purpose', () => assert.equal(1, 2));
});
`;

describe('code-server route through runTests (slow: two VS Code runs)', () => {
  let scratch: string;
  let extension: string;
  let testsOut: string;
  let workspace: string;

  before(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'planewise-route-'));
    extension = path.join(scratch, 'extension');
    testsOut = path.join(extension, 'out');
    workspace = path.join(scratch, 'workspace');
    mkdirSync(testsOut, { recursive: true });
    mkdirSync(workspace);
    writeFileSync(
      path.join(extension, 'package.json'),
      JSON.stringify({ name: 'route-probe', publisher: 'planewise-test', version: '0.0.1', engines: { vscode: '^1.80.0' } }),
    );
    await esbuild.build({
      entryPoints: [path.join(repoRoot, 'client', 'test', 'integration', 'index.ts')],
      outfile: path.join(testsOut, 'index.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['vscode'],
      logLevel: 'warning',
      // As in scripts/test-vscode.mjs: mocha's parallel-mode files are never used.
      logOverride: { 'require-resolve-not-external': 'silent' },
    });
    writeFileSync(path.join(testsOut, 'a-pass.itest.js'), PASSING_TEST);
  });

  after(() => rmSync(scratch, { recursive: true, force: true }));

  /** runTests' exit code and what the extension host printed. */
  async function runProbe(): Promise<{ code: number; output: string }> {
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      chunks.push(chunk.toString());
      return write(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      const code = await runTests({
        vscodeExecutablePath: path.join(repoRoot, 'scripts', 'vscode-host', 'code'),
        extensionDevelopmentPath: extension,
        extensionTestsPath: path.join(testsOut, 'index.js'),
        extensionTestsEnv: { PLANEWISE_TEST_ROUTE: 'passed through' },
        launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${path.join(scratch, 'user-data')}`],
      });
      return { code, output: chunks.join('') };
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (typeof code !== 'number') throw error;
      return { code, output: chunks.join('') };
    } finally {
      process.stdout.write = write;
    }
  }

  it('exits 0 when the mocha tests pass, printing the spec report', async () => {
    const { code, output } = await runProbe();
    assert.equal(code, 0, output);
    assert.match(output, /runs in a real extension host with the workspace open/);
    assert.match(output, /1 passing/);
  });

  it('exits 1 when a mocha test fails', async () => {
    writeFileSync(path.join(testsOut, 'b-fail.itest.js'), FAILING_TEST);
    const { code, output } = await runProbe();
    assert.equal(code, 1, output);
    assert.match(output, /1 passing/);
    assert.match(output, /1 failing/);
    assert.match(output, /fails on purpose/);
  });
});
