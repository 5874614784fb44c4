// The trace benchmark: `planewise summarize` and `policy` against jq and
// DuckDB doing the same aggregation over the same generated trace, in one
// run (DuckDB runs the summary counts and, for policy, the per-principal/
// action/resource tallies a policy is built from). Wall time is measured around each process. Peak RSS is polled from
// /proc every 5 ms: the process's VmHWM (worker threads share the process, so
// they are included), or for the jq pipeline the largest sampled sum of VmRSS
// over its processes. Medians over the runs are reported.
// Each run also measures what one core can do at most on the file (finding
// its lines, and the fast path's scanner over every line: limits.ts) and how
// often the fast path answers its lines, and reports each job against those.
//
//   node bench/trace/run.mjs            200 MB and 1 GB, 3 runs each
//   node bench/trace/run.mjs --quick    100 MB, 1 run
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTrace } from './generate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const dataDir = path.join(root, 'bench', '.data');
const cli = path.join(root, 'analysis-core', 'dist', 'planewise.js');
const quick = process.argv.includes('--quick');
const sizesMb = quick ? [100] : [200, 1024];
const runs = quick ? 1 : 3;
const MB = 1024 * 1024;

if (!fs.existsSync(cli)) {
  console.error(`${path.relative(root, cli)} is missing: build first (npm run bench does).`);
  process.exit(2);
}
const jqAvailable = spawnSync('jq', ['--version']).status === 0;

function statusKb(pid, field) {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function processTree(pid) {
  let children = [];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // gone already
  }
  return [pid, ...children.flatMap(processTree)];
}

/** The peak memory seen so far: the root's high-water mark, or the tree's summed RSS if larger. */
function samplePeakKb(pid) {
  const tree = processTree(pid);
  const summed = tree.reduce((total, id) => total + statusKb(id, 'VmRSS'), 0);
  return Math.max(statusKb(pid, 'VmHWM'), summed);
}

/** Runs a command with stdout captured; returns wall seconds, peak RSS in MB and stdout. */
function measure(command, args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let peakKb = 0;
    const poll = setInterval(() => {
      peakKb = Math.max(peakKb, samplePeakKb(child.pid));
    }, 5);
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString().slice(0, 500)}`));
      else resolve({ seconds, peakMb: peakKb / 1024, stdout: Buffer.concat(out).toString() });
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percent = (part, whole) => `${((part / whole) * 100).toFixed(1)}%`;

/** Runs one of this folder's TypeScript scripts and reads the JSON it prints. */
function runScript(script, args) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, script), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${script} ${args.join(' ')} exited ${run.status}: ${run.stderr.slice(0, 500)}`);
  return JSON.parse(run.stdout);
}

// jq extracts the group keys and sort | uniq -c counts them: far faster than
// jq's own `reduce` into an object, which copies the object on every update
// (measured: 140 s for 100 MB), so the comparison favours jq.
const JQ_PIPELINE = `jq -r 'if .kind == "authz" then "a\\t\\(.principal)\\t\\(.action)\\t\\(.decision)" elif .kind == "span" then "s\\t\\(.service)\\t\\(.operation)" else empty end' "$0" | LC_ALL=C sort | uniq -c`;

function tools(file) {
  const totalsFromSummary = (stdout) => {
    const { summary } = JSON.parse(stdout);
    return { spans: summary.spans, decisions: summary.decisions };
  };
  const list = [];
  for (const jobs of ['2', '1']) {
    list.push({ name: `planewise summarize --jobs ${jobs}`, job: 'summary', command: process.execPath, args: [cli, 'summarize', '--format', 'json', '--jobs', jobs, file], totals: totalsFromSummary });
    list.push({ name: `planewise policy --jobs ${jobs}`, job: 'policy', command: process.execPath, args: [cli, 'policy', '--format', 'json', '--jobs', jobs, file], totals: null });
  }
  if (jqAvailable) {
    list.push({
      name: 'jq -r keys | sort | uniq -c',
      job: 'summary',
      command: 'sh',
      args: ['-c', JQ_PIPELINE, file],
      totals: (stdout) => {
        const totals = { spans: 0, decisions: 0 };
        for (const line of stdout.split('\n')) {
          const match = /^\s*(\d+) ([as])\t/.exec(line);
          if (match) totals[match[2] === 's' ? 'spans' : 'decisions'] += Number(match[1]);
        }
        return totals;
      },
    });
  }
  for (const job of ['summary', 'policy']) {
    for (const threads of ['1', 'default']) {
      list.push({
        name: `DuckDB ${job} group-by, threads=${threads === 'default' ? os.availableParallelism() + ' (default)' : 1}`,
        job,
        command: process.execPath,
        args: [path.join(here, 'duckdb-groupby.mjs'), file, threads, job],
        totals: (stdout) => JSON.parse(stdout),
      });
    }
  }
  return list;
}

const startupSeconds = [];
const startupPeakMb = [];
const rows = [];
const limitRows = [];
const hitRows = [];
for (const sizeMb of sizesMb) {
  // "mixed": lines in several writers' styles (generate.mjs); traces cached before that are not reused.
  const file = path.join(dataDir, `trace-mixed-${sizeMb}mb.trace.jsonl`);
  if (!fs.existsSync(file)) {
    process.stderr.write(`generating ${path.relative(root, file)}...\n`);
    generateTrace(file, sizeMb * MB);
  }
  const bytes = fs.statSync(file).size;
  const results = new Map();
  const limits = [];
  let expected;
  for (let run = 0; run < runs; run++) {
    const startup = await measure(process.execPath, [cli, '--version']);
    startupSeconds.push(startup.seconds);
    startupPeakMb.push(startup.peakMb);
    process.stderr.write(`${sizeMb} MB, run ${run + 1}/${runs}: one core's limits\n`);
    limits.push(runScript('limits.ts', [file]));
    for (const tool of tools(file)) {
      process.stderr.write(`${sizeMb} MB, run ${run + 1}/${runs}: ${tool.name}\n`);
      const result = await measure(tool.command, tool.args);
      if (tool.totals !== null) {
        const totals = tool.totals(result.stdout);
        expected ??= totals;
        if ((totals.spans !== undefined && totals.spans !== expected.spans) || totals.decisions !== expected.decisions) {
          throw new Error(`${tool.name} counted ${JSON.stringify(totals)}, others ${JSON.stringify(expected)}`);
        }
      }
      const entry = results.get(tool.name) ?? { job: tool.job, seconds: [], peakMb: [] };
      entry.seconds.push(result.seconds);
      entry.peakMb.push(result.peakMb);
      results.set(tool.name, entry);
    }
  }
  const secondsOf = (prefix) => [...results].find(([name]) => name.startsWith(prefix))?.[1].seconds;
  const jqSeconds = secondsOf('jq') ? median(secondsOf('jq')) : undefined;
  const duckSeconds = (job, threads) => median(secondsOf(`DuckDB ${job} group-by, threads=${threads}`));
  const splitSeconds = median(limits.map((limit) => limit.splitSeconds));
  const scanSeconds = median(limits.map((limit) => limit.scanSeconds));
  const size = `${(bytes / MB).toFixed(0)} MB`;
  for (const [name, entry] of results) {
    const seconds = median(entry.seconds);
    rows.push({
      size,
      name,
      seconds,
      throughput: bytes / MB / seconds,
      peakMb: median(entry.peakMb),
      vsJq: jqSeconds === undefined || entry.job !== 'summary' ? '-' : `${(jqSeconds / seconds).toFixed(2)}x`,
      vsDuck1: `${(duckSeconds(entry.job, '1') / seconds).toFixed(2)}x`,
      vsDuck2: `${(duckSeconds(entry.job, os.availableParallelism()) / seconds).toFixed(2)}x`,
      ofSplit: percent(splitSeconds, seconds),
      ofScan: percent(scanSeconds, seconds),
    });
  }
  limitRows.push(`| ${size} | ${limits[0].lines.toLocaleString('en-US')} | ${splitSeconds.toFixed(2)} s, ${(bytes / MB / splitSeconds).toFixed(0)} MB/s | ${scanSeconds.toFixed(2)} s, ${(bytes / MB / scanSeconds).toFixed(0)} MB/s |`);
  const { answered } = limits[0];
  hitRows.push(`| ${size} | ${percent(answered.spans, expected.spans)} (${answered.spans.toLocaleString('en-US')} of ${expected.spans.toLocaleString('en-US')}) | ${percent(answered.decisions, expected.decisions)} (${answered.decisions.toLocaleString('en-US')} of ${expected.decisions.toLocaleString('en-US')}) |`);
}
// Every size starts with the same lines (same seed), so one sample of them gives the rate per style.
const perStyle = runScript('fastpath.ts', ['--json']);
const styleRows = perStyle.styles.map((style) => `| ${style.name} | ${percent(style.spans.answered, style.spans.lines)} of ${style.spans.lines.toLocaleString('en-US')} | ${percent(style.decisions.answered, style.decisions.lines)} of ${style.decisions.lines.toLocaleString('en-US')} |`);

const cores = os.availableParallelism();
const lines = [
  `| Trace | Tool | Wall (median) | Throughput | Peak RSS | vs jq | vs DuckDB 1 thread, same job | vs DuckDB ${cores} threads, same job | of one core's line-split limit | of one core's scan limit |`,
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.size} | ${r.name.replace(/\|/g, '\\|')} | ${r.seconds.toFixed(2)} s | ${r.throughput.toFixed(1)} MB/s | ${r.peakMb.toFixed(0)} MB | ${r.vsJq} | ${r.vsDuck1} | ${r.vsDuck2} | ${r.ofSplit} | ${r.ofScan} |`),
];
const notes = [
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${runs} run(s) per tool, median shown${quick ? ' (--quick)' : ''}.`,
  `\`planewise --version\` alone (process start, bundle load; median of ${startupSeconds.length}): ${median(startupSeconds).toFixed(2)} s, ${median(startupPeakMb).toFixed(0)} MB peak RSS; included in every planewise row.`,
  'Ratios are the other tool\'s wall time divided by this row\'s (above 1x = this row is faster); the DuckDB ratios are against its run of the same job (summary or policy group-by), the jq ratio against the jq summary counts. Every tool\'s span and decision totals are checked equal.',
  'The limits are one core\'s, in one process, on the same file (below): a share is the limit\'s time divided by the row\'s wall time (process start included), so a row above 100% used more than one core.',
];
const limitTable = [
  '| Trace | Lines | Line split (1 MiB reads, `Buffer.indexOf`) | Fast-path scan of every line, no sink |',
  '| --- | ---: | ---: | ---: |',
  ...limitRows,
];
const hitTable = ['| Trace | spans answered by the fast path | decisions answered |', '| --- | ---: | ---: |', ...hitRows];
const styleTable = ['| line style | spans answered | decisions answered |', '| --- | ---: | ---: |', ...styleRows];
const table = [
  `${lines.join('\n')}\n\n${notes.join('\n')}\n`,
  `One core's limits (medians of ${runs}):\n\n${limitTable.join('\n')}\n`,
  `Fast-path hit rate over the whole file, per kind (the rest is read by \`JSON.parse\`):\n\n${hitTable.join('\n')}\n`,
  `Per writer style, over the file's first ${perStyle.events.toLocaleString('en-US')} events (\`fastpath.ts\`):\n\n${styleTable.join('\n')}\n`,
].join('\n');
process.stdout.write(`\nTrace analysis\n\n${table}`);

if (!quick) {
  const readme = path.join(root, 'bench', 'README.md');
  const start = '<!-- trace-results:start -->';
  const end = '<!-- trace-results:end -->';
  const text = fs.existsSync(readme) ? fs.readFileSync(readme, 'utf8') : '';
  if (text.includes(start) && text.includes(end)) {
    fs.writeFileSync(readme, `${text.slice(0, text.indexOf(start) + start.length)}\n${table}${text.slice(text.indexOf(end))}`);
    process.stderr.write('results written to bench/README.md\n');
  }
}
