// Runs every `*.test.ts` file with Node's own test runner (through tsx).
// Tests that need a real VS Code live under client/test/integration and
// client/test/e2e and are run by scripts/test-vscode.mjs instead.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const skipDirs = new Set(['node_modules', 'dist', 'out', '.git', 'test-workspace', 'integration', 'e2e', '.data']);

function findTests(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!skipDirs.has(entry.name)) findTests(path.join(dir, entry.name), found);
    } else if (entry.name.endsWith('.test.ts')) {
      found.push(path.relative(root, path.join(dir, entry.name)));
    }
  }
  return found;
}

const filter = process.argv.slice(2);
const files = ['analysis-core', 'server', 'client', 'syntaxes', 'scripts', 'test', 'integrations']
  .flatMap((dir) => findTests(path.join(root, dir)))
  .filter((file) => filter.length === 0 || filter.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
