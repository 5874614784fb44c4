#!/usr/bin/env node
/**
 * Scores `planewise check` against hand-labeled cases from real repositories.
 *
 *   node bench/corpus/score.mjs [--corpus DIR] [--labels DIR] [--repo NAME] [--json FILE]
 *
 * --labels DIR holds repos.txt ("owner/name commit" per line), cases.json and
 * configs/ (default: bench/corpus/labels). --corpus DIR holds one checkout per
 * repository, named after the repository (default: bench/corpus/.repos, filled
 * with git clone + checkout when the network permits). Dependencies are never
 * installed: the engine works on source alone.
 *
 * Each repository is checked in every run mode its cases name (repo root, a
 * package folder, or a config from configs/ passed with --config), with the
 * built CLI (analysis-core/dist/planewise.js). A finding matches a case with
 * the same file and rule whose line is the finding's line or one off (a
 * statement's first line and its call's line differ by one when the call
 * follows `await` or a decorator on its own line); each finding matches at
 * most one case and each case at most one finding, exact lines first.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const cli = path.join(repoRoot, 'analysis-core/dist/planewise.js');

function parseArgs(argv) {
  const options = { corpus: path.join(here, '.repos'), labels: path.join(here, 'labels'), repos: [], json: undefined };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined) fail(`${arg} needs a value`);
      return next;
    };
    if (arg === '--corpus') options.corpus = path.resolve(value());
    else if (arg === '--labels') options.labels = path.resolve(value());
    else if (arg === '--repo') options.repos.push(value());
    else if (arg === '--json') options.json = path.resolve(value());
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0].replace(/^#.*\n\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
      process.exit(0);
    } else fail(`unknown argument ${arg}`);
  }
  return options;
}

function fail(message) {
  process.stderr.write(`score: ${message}\n`);
  process.exit(2);
}

/** "owner/name commit" lines; blank lines and # comments skipped, a malformed line named and skipped. */
function readRepos(labels) {
  const file = path.join(labels, 'repos.txt');
  if (!fs.existsSync(file)) fail(`${file} not found: --labels DIR must hold repos.txt, cases.json and configs/`);
  const repos = [];
  fs.readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) return;
    const match = /^([\w.-]+\/[\w.-]+)\s+([0-9a-f]{7,40})$/.exec(text);
    if (match === null) process.stderr.write(`${file}:${index + 1}: expected "owner/name commit"\n`);
    else repos.push({ repo: match[1], commit: match[2], name: match[1].split('/')[1] });
  });
  return repos;
}

/** Puts each repository at its commit under the corpus folder, or says how to. */
function ensureCheckout(corpus, { repo, commit, name }, isDefaultCorpus) {
  const dir = path.join(corpus, name);
  if (fs.existsSync(dir)) return dir;
  if (!isDefaultCorpus) fail(`${dir} does not exist: put ${repo} at ${commit} there (git clone https://github.com/${repo} ${dir} && git -C ${dir} checkout ${commit})`);
  fs.mkdirSync(corpus, { recursive: true });
  process.stderr.write(`score: cloning ${repo} into ${dir}\n`);
  const clone = spawnSync('git', ['clone', '--filter=blob:none', '--no-checkout', `https://github.com/${repo}`, dir], { stdio: 'inherit' });
  const checkout = clone.status === 0 ? spawnSync('git', ['-C', dir, 'checkout', commit], { stdio: 'inherit' }) : clone;
  if (checkout.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    fail(
      `could not fetch ${repo} (no network?). Get it elsewhere with\n  git clone https://github.com/${repo} && git -C ${name} checkout ${commit}\n` +
        `(or download https://github.com/${repo}/archive/${commit}.tar.gz and unpack it as ${name}/), copy it to ${dir}, or pass --corpus DIR.`,
    );
  }
  return dir;
}

/** The folder (relative to the repository) whose basename is `base` and which holds a package.json; shallowest first. */
function findPackageFolder(checkout, base) {
  const queue = [''];
  while (queue.length > 0) {
    const relative = queue.shift();
    const absolute = path.join(checkout, relative);
    if (relative !== '' && path.basename(relative) === base && fs.existsSync(path.join(absolute, 'package.json'))) return relative;
    if (relative.split('/').length > 3) continue;
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) queue.push(relative === '' ? entry.name : `${relative}/${entry.name}`);
    }
  }
  return undefined;
}

/**
 * The run a case names: "repo root, no config", "package root, no config:
 * <folder>", "with planewise.config.json ..." (the repository's config in
 * configs/: <name>.json for the root, <name>-<package folder>.json for a
 * package), or "false-negative probe" (matched against every run).
 */
function runOf(testCase, repo, labels, checkout) {
  const text = testCase.run;
  if (/^repo root/.test(text)) return { id: 'root', folder: '', config: undefined };
  const pkg = /^package root[^:]*:\s*(\S+)/.exec(text);
  if (pkg !== null) return { id: `package ${pkg[1]}`, folder: pkg[1], config: undefined };
  if (/^with planewise\.config\.json/.test(text)) {
    const configs = fs.readdirSync(path.join(labels, 'configs')).filter((file) => file === `${repo.name}.json` || file.startsWith(`${repo.name}-`));
    if (configs.length !== 1) return { error: `${configs.length} configs in configs/ for ${repo.name} (expected ${repo.name}.json or ${repo.name}-<package folder>.json)` };
    const config = configs[0];
    const base = config.slice(repo.name.length + 1, -'.json'.length);
    const folder = base === '' ? '' : findPackageFolder(checkout, base);
    if (folder === undefined) return { error: `no package folder named ${base} for configs/${config}` };
    return { id: `config ${config}${folder === '' ? '' : ` in ${folder}`}`, folder, config: path.join(labels, 'configs', config) };
  }
  if (/^false-negative probe/.test(text)) return { id: 'any' };
  return { error: `unknown run "${text}"` };
}

/** Runs the CLI once; peak RSS comes from the child itself (process.resourceUsage at exit). */
function check(checkout, run) {
  const cwd = path.join(checkout, run.folder);
  const reporter = path.join(os.tmpdir(), `planewise-score-rss-${process.pid}.cjs`);
  fs.writeFileSync(reporter, "process.on('exit', () => process.stderr.write(`\\nplanewise-score-maxrss ${process.resourceUsage().maxRSS}\\n`));\n");
  const args = ['--require', reporter, cli, 'check', '.', '--format', 'json', ...(run.config === undefined ? [] : ['--config', run.config])];
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  fs.rmSync(reporter, { force: true });
  const rss = /planewise-score-maxrss (\d+)/.exec(result.stderr ?? '');
  if (result.status !== 0 && result.status !== 1) fail(`planewise check failed in ${cwd} (exit ${result.status}):\n${result.stderr}`);
  const report = JSON.parse(result.stdout);
  const findings = report.findings
    .filter((finding) => finding.ruleId !== 'config')
    .map((finding) => ({ file: path.posix.join(run.folder, finding.file), line: finding.line, rule: finding.ruleId, message: finding.message }));
  return { findings, seconds, peakRssMb: rss === null ? undefined : Math.round(Number(rss[1]) / 1024), filesChecked: report.roots.reduce((sum, root) => sum + root.filesChecked, 0) };
}

/** One-to-one matching per (file, rule): exact lines first, then one line off. */
function match(cases, findings) {
  const matched = new Map();
  const used = new Set();
  for (const tolerance of [0, 1]) {
    for (const testCase of cases) {
      if (matched.has(testCase)) continue;
      const found = findings.find((finding) => !used.has(finding) && finding.file === testCase.file && finding.rule === testCase.rule && Math.abs(finding.line - testCase.line) <= tolerance);
      if (found !== undefined) {
        matched.set(testCase, found);
        used.add(found);
      }
    }
  }
  return { matched, unmatched: findings.filter((finding) => !used.has(finding)) };
}

function tally() {
  return { tpReported: 0, fpReported: 0, positives: 0, positivesReported: 0 };
}

function add(target, testCase, reported) {
  if (testCase.verdict === 'fp') {
    if (reported) target.fpReported += 1;
    return;
  }
  target.positives += 1;
  if (reported) target.positivesReported += 1;
  if (reported && testCase.verdict === 'tp') target.tpReported += 1;
}

const ratio = (numerator, denominator) => (denominator === 0 ? '-' : (numerator / denominator).toFixed(2));
const precision = (t) => ratio(t.tpReported, t.tpReported + t.fpReported);
const recall = (t) => ratio(t.positivesReported, t.positives);

function table(rows, header) {
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => String(row[index]).length)));
  const line = (cells) => `| ${cells.map((cell, index) => String(cell).padEnd(widths[index])).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(cli)) fail(`${path.relative(process.cwd(), cli)} not found: run node scripts/build.mjs first`);
  const repos = readRepos(options.labels).filter((repo) => options.repos.length === 0 || options.repos.includes(repo.name) || options.repos.includes(repo.repo));
  const allCases = JSON.parse(fs.readFileSync(path.join(options.labels, 'cases.json'), 'utf8'));
  const isDefaultCorpus = options.corpus === path.join(here, '.repos');

  const byRepo = new Map();
  const byRule = new Map();
  const overall = tally();
  const runs = [];
  const remainingFalsePositives = [];
  const missed = [];
  const unlabeled = [];
  for (const repo of repos) {
    const checkout = ensureCheckout(options.corpus, repo, isDefaultCorpus);
    const cases = allCases.filter((testCase) => testCase.repo === repo.repo);
    const casesByRun = new Map();
    const probes = [];
    for (const testCase of cases) {
      if (testCase.commit !== repo.commit) process.stderr.write(`score: case ${testCase.file}:${testCase.line} is labeled at ${testCase.commit}, repos.txt pins ${repo.commit}\n`);
      const run = runOf(testCase, repo, options.labels, checkout);
      if (run.error !== undefined) {
        process.stderr.write(`score: ${repo.name} ${testCase.file}:${testCase.line}: ${run.error}; case skipped\n`);
        continue;
      }
      if (run.id === 'any') probes.push(testCase);
      else casesByRun.set(run.id, { run, cases: [...(casesByRun.get(run.id)?.cases ?? []), testCase] });
    }
    const repoTally = tally();
    byRepo.set(repo.name, repoTally);
    const everyFinding = [];
    for (const { run, cases: runCases } of casesByRun.values()) {
      const result = check(checkout, run);
      runs.push({ repo: repo.name, run: run.id, files: result.filesChecked, findings: result.findings.length, seconds: result.seconds, peakRssMb: result.peakRssMb });
      everyFinding.push(...result.findings);
      const { matched, unmatched } = match(runCases, result.findings);
      for (const testCase of runCases) {
        const reported = matched.has(testCase);
        for (const target of [overall, repoTally, byRule.get(testCase.rule) ?? byRule.set(testCase.rule, tally()).get(testCase.rule)]) add(target, testCase, reported);
        if (reported && testCase.verdict === 'fp') remainingFalsePositives.push({ ...testCase, repo: repo.name, run: run.id, message: matched.get(testCase).message });
        if (!reported && testCase.verdict !== 'fp') missed.push({ ...testCase, repo: repo.name, run: run.id });
      }
      for (const finding of unmatched) unlabeled.push({ ...finding, repo: repo.name, run: run.id });
    }
    // Probes name what should be found by some run of the repository.
    const { matched } = match(probes, everyFinding);
    for (const testCase of probes) {
      const reported = matched.has(testCase);
      for (const target of [overall, repoTally, byRule.get(testCase.rule) ?? byRule.set(testCase.rule, tally()).get(testCase.rule)]) add(target, testCase, reported);
      if (!reported) missed.push({ ...testCase, repo: repo.name, run: 'any run' });
    }
  }

  const header = ['', 'precision', 'recall', 'tp reported', 'fp reported', 'tp+fn reported', 'tp+fn'];
  const row = (name, t) => [name, precision(t), recall(t), t.tpReported, t.fpReported, t.positivesReported, t.positives];
  const out = [];
  out.push('Per repository\n', table([...[...byRepo].map(([name, t]) => row(name, t)), row('overall', overall)], header), '');
  out.push('Per rule\n', table([...byRule].sort(([a], [b]) => a.localeCompare(b)).map(([name, t]) => row(name, t)), header), '');
  out.push('Runs\n', table(runs.map((run) => [run.repo, run.run, run.files, run.findings, run.seconds.toFixed(1), run.peakRssMb ?? '?']), ['repo', 'run', 'files', 'findings', 'check s', 'peak RSS MB']), '');
  out.push(`Labeled false positives still reported: ${remainingFalsePositives.length}`);
  for (const item of remainingFalsePositives) out.push(`  ${item.repo} [${item.run}] ${item.file}:${item.line} ${item.rule}\n      label: ${item.reason}\n      found: ${item.message}`);
  out.push('', `Labeled true positives and false negatives not reported: ${missed.length}`);
  for (const item of missed) out.push(`  ${item.repo} [${item.run}] ${item.file}:${item.line} ${item.rule} (${item.verdict})\n      label: ${item.reason}`);
  const unlabeledByRule = new Map();
  for (const finding of unlabeled) unlabeledByRule.set(`${finding.repo} ${finding.rule}`, (unlabeledByRule.get(`${finding.repo} ${finding.rule}`) ?? 0) + 1);
  out.push('', `Unlabeled findings (reported, no case): ${unlabeled.length}`);
  for (const [key, count] of [...unlabeledByRule].sort()) out.push(`  ${count}  ${key}`);
  process.stdout.write(`${out.join('\n')}\n`);
  if (options.json !== undefined) {
    const summarize = (t) => ({ precision: precision(t), recall: recall(t), ...t });
    fs.writeFileSync(
      options.json,
      `${JSON.stringify({ overall: summarize(overall), repos: Object.fromEntries([...byRepo].map(([name, t]) => [name, summarize(t)])), rules: Object.fromEntries([...byRule].map(([name, t]) => [name, summarize(t)])), runs, remainingFalsePositives, missed, unlabeled }, null, 2)}\n`,
    );
  }
}

main();
