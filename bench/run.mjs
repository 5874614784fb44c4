// `npm run bench`: installs the comparison tools when needed, then runs the
// trace, boundary and language-server suites in turn; each prints its own table.
//   node bench/run.mjs [--quick]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(bench, '..');
const passThrough = process.argv.slice(2);

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!fs.existsSync(path.join(bench, 'node_modules'))) run('npm', ['ci', '--prefix', 'bench']);
run(process.execPath, [path.join(bench, 'trace', 'run.mjs'), ...passThrough]);
run(process.execPath, [path.join(bench, 'boundary', 'run.mjs'), ...passThrough]);
// The server suite takes no --quick: a hundred edits are already quick.
run(process.execPath, [path.join(bench, 'server', 'run.mjs')]);
