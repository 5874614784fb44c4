/**
 * For tests that run the built `planewise` binary as a process: rebuilds the
 * bundles first when a source file is newer than the binary, so a test never
 * runs yesterday's CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const cliBinary = path.join(repoRoot, 'analysis-core', 'dist', 'planewise.js');

function newestSource(folder: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

export function ensureFreshCli(): void {
  const stale = !fs.existsSync(cliBinary) || fs.statSync(cliBinary).mtimeMs < newestSource(path.join(repoRoot, 'analysis-core', 'src'));
  if (!stale) return;
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(build.status, 0, `build failed:\n${build.stderr}`);
}
