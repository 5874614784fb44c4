// `npm run demo`: the main job on test-workspace/, as a user would run it.
// The planted boundary violations make `check` exit 1; that is the point of
// the demo, so only an exit code of 2 (usage or unreadable input) fails it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'analysis-core', 'dist', 'planewise.js');
const steps = [
  ['Boundary check of the sample service', ['check', 'test-workspace']],
  ['Summary of one recorded run', ['summarize', 'test-workspace/traces/run-1.trace.jsonl']],
  ['Least-privilege policy generated from both runs', ['policy', 'test-workspace/traces/run-1.trace.jsonl', 'test-workspace/traces/run-2.trace.jsonl']],
  ['Drift of the declared policy against what ran', ['drift', '--policy', 'test-workspace/traces/declared-policy.json', 'test-workspace/traces/run-2.trace.jsonl']],
];

const exitMeaning = { 0: 'ok', 1: 'findings, as planted in the sample', 2: 'usage or unreadable input' };
let failed = false;
for (const [title, args] of steps) {
  process.stdout.write(`\n== ${title}\n$ planewise ${args.join(' ')}\n\n`);
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0 && result.status !== 1) failed = true;
  process.stdout.write(`\n(exit code ${result.status}: ${exitMeaning[result.status] ?? 'unexpected'})\n`);
}
process.exit(failed ? 2 : 0);
