// The boundary benchmark: `planewise check` cold (process wall time) beside
// dependency-cruiser and ESLint with eslint-plugin-boundaries, configured for
// the same layers, on a generated 2,000-file TypeScript service. Prints the
// table and writes it to the boundary section of bench/README.md.
//   node bench/boundary/run.mjs [--quick] [--runs N]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

const bench = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(bench, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runsAt = args.indexOf('--runs');
const runs = runsAt !== -1 ? Number(args[runsAt + 1]) : quick ? 1 : 5;
const files = quick ? 500 : 2000;
const project = path.join(bench, '.data', `boundary-${files}`);
const planewise = path.join(root, 'analysis-core', 'dist', 'planewise.js');
if (!fs.existsSync(planewise)) {
  console.error(`${path.relative(root, planewise)} is missing: run \`node scripts/build.mjs --production\` first.`);
  process.exit(1);
}

console.log(`generating ${files} files in ${path.relative(root, project)} ...`);
generate(project, files);

const tools = [
  {
    name: 'planewise check',
    what: '5 rules: imports (direct and chains) and call graph (handler -> helper -> analysis), license gates, air gap, trace versions',
    command: [planewise, 'check', '.', '--format', 'json'],
    findings: (stdout) => JSON.parse(stdout).findings.length,
  },
  {
    name: 'dependency-cruiser',
    what: 'forbidden platform -> intelligence imports, direct and reachable',
    command: [path.join(bench, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'), 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
    findings: (stdout) => JSON.parse(stdout).summary.violations.length,
  },
  {
    name: 'ESLint + eslint-plugin-boundaries',
    what: 'platform elements may not import intelligence elements (direct imports)',
    command: [path.join(bench, 'node_modules', 'eslint', 'bin', 'eslint.js'), 'src', '--format', 'json', '--no-cache'],
    findings: (stdout) => JSON.parse(stdout).reduce((sum, file) => sum + file.messages.length, 0),
  },
];

function timeOnce(tool) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, tool.command, { cwd: project, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${tool.name} failed (${result.status}):\n${result.stderr.slice(0, 2000)}`);
  return { ms, findings: tool.findings(result.stdout) };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const results = tools.map((tool) => ({ tool, times: [], findings: 0 }));
// Interleaved, so a busy moment on the machine does not land on one tool only.
for (let run = 0; run < runs; run++) {
  for (const result of results) {
    const { ms, findings } = timeOnce(result.tool);
    result.times.push(ms);
    result.findings = findings;
    console.log(`  run ${run + 1}/${runs} ${result.tool.name}: ${Math.round(ms)} ms`);
  }
}

const fastestOther = Math.min(...results.slice(1).map((result) => median(result.times)));
const planewiseMedian = median(results[0].times);
const rows = results.map((result) => {
  const ms = median(result.times);
  return `| ${result.tool.name} | ${Math.round(ms)} ms | ${Math.round(Math.min(...result.times))}-${Math.round(Math.max(...result.times))} ms | ${(ms / planewiseMedian).toFixed(2)}x | ${result.findings} | ${result.tool.what} |`;
});
const verdict = planewiseMedian <= fastestOther ? 'met' : 'missed';
const table = [
  `${files} files, median of ${runs} cold run${runs === 1 ? '' : 's'} each (process wall time, interleaved), ${os.cpus().length} cores, Node ${process.version}:`,
  '',
  '| tool | median | range | time vs planewise | findings | checks |',
  '|---|---|---|---|---|---|',
  ...rows,
  '',
  `Target (planewise no slower than the faster of the other two): ${verdict}, ${(planewiseMedian / fastestOther).toFixed(2)}x the faster one's median.`,
].join('\n');
console.log(`\n${table}\n`);

if (!quick) {
  const readme = path.join(bench, 'README.md');
  const start = '<!-- boundary-results:start -->';
  const end = '<!-- boundary-results:end -->';
  const block = `${start}\n${table}\n${end}`;
  let text = fs.existsSync(readme) ? fs.readFileSync(readme, 'utf8') : '# Benchmarks\n';
  if (text.includes(start) && text.includes(end)) {
    text = text.slice(0, text.indexOf(start)) + block + text.slice(text.indexOf(end) + end.length);
  } else {
    text = `${text.trimEnd()}\n\n## Boundary check\n\n${block}\n`;
  }
  fs.writeFileSync(readme, text);
  console.log(`wrote the table to ${path.relative(root, readme)}`);
}
