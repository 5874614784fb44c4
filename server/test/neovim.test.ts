import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildServer, serverBundle, testWorkspace } from './harness';

test('Neovim attaches the stdio server and shows the planted diagnostic', async () => {
  // Never a silent skip: `npm test` installs Neovim first (scripts/system-deps.mjs).
  assert.equal(spawnSync('nvim', ['--version']).status, 0, 'nvim is not on PATH: run `node scripts/system-deps.mjs`, or install the neovim package');
  await buildServer();
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'planewise-nvim-'));
  const out = path.join(outDir, 'diagnostics.json');
  const file = path.join(testWorkspace, 'src/gateway/router.ts');
  try {
    const run = spawnSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${path.join(__dirname, 'neovim', 'attach.lua')}`], {
      env: { ...process.env, PLANEWISE_SERVER: serverBundle, PLANEWISE_ROOT: testWorkspace, PLANEWISE_FILE: file, PLANEWISE_OUT: out },
      encoding: 'utf8',
      timeout: 90_000,
    });
    assert.equal(run.status, 0, `nvim failed: ${run.stderr}`);
    const result = JSON.parse(readFileSync(out, 'utf8')) as { found: boolean; diagnostics: { lnum: number; code: string; source: string }[] };
    assert.equal(result.found, true, JSON.stringify(result));
    // EXPECTED-FINDINGS.json: the router's import from the intelligence plane, line 2.
    assert.ok(
      result.diagnostics.some((d) => d.code === 'no-product-import-in-platform' && d.lnum === 1 && d.source === 'planewise'),
      JSON.stringify(result.diagnostics),
    );
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
