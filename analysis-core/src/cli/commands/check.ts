/**
 * `planewise check [paths]`: the plane boundary rules over a project, for CI.
 * Each path is checked against the planewise.config.json found in it or its
 * parent folders (one engine per root); findings print as text, JSON or SARIF.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BoundaryEngine, FileHost, Finding, ProjectPrettier, ResolutionSummary } from '../../boundary';
import { type Command, type CommandContext, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, formatOption, stringOption, UsageError } from '../command';
import { emit, OUTPUT_HELP, OUTPUT_OPTIONS, writeOutputFile } from '../output';
import { inertText } from '../../trace/inertText';
import { styleFor } from '../style';

const VERSION = '0.1.0';

/** Loaded only when `check` runs: the boundary engine brings the TypeScript compiler, which the trace commands never need. */
type Boundary = typeof import('../../boundary');

const FORMATS = ['text', 'json', 'sarif'] as const;

interface RootResult {
  root: string;
  findings: Finding[];
  filesChecked: number;
  planes: Record<string, number>;
  durationMs: number;
  resolution: ResolutionSummary;
}

/** The folder whose config governs `target`: the nearest one holding planewise.config.json, else the target folder itself. */
function rootFor(target: string, { CONFIG_FILE_NAME }: Boundary): string {
  const start = fs.statSync(target).isDirectory() ? target : path.dirname(target);
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, CONFIG_FILE_NAME))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

function within(file: string, targets: readonly string[]): boolean {
  return targets.some((target) => file === target || file.startsWith(target + path.sep));
}

/** At most this many rounds of fixing: a fix that overlaps another waits for the next round. */
const MAX_FIX_PASSES = 10;

interface FixedFile {
  /** The text on disk before fixing; undefined for a file the fixes create. */
  before: string | undefined;
  after: string;
}

/**
 * Applies every safe fix in memory, round after round, until none is left,
 * with the code they write formatted by the project's Prettier when given.
 * The engine reads the fixed texts through an overlay over the disk, so each
 * round sees the previous one's result; nothing is written here.
 */
async function fixRoot(
  root: string,
  targets: readonly string[],
  boundary: Boundary,
  configFile: string | undefined,
  ruleIds: readonly string[] | undefined,
  prettier: ProjectPrettier | undefined,
): Promise<{ engine: BoundaryEngine; fixed: Map<string, FixedFile>; applied: number }> {
  const overlay = new Map<string, string>();
  const fixed = new Map<string, FixedFile>();
  const host: FileHost = {
    readFile: (file) => overlay.get(path.resolve(file)) ?? boundary.diskHost.readFile(file),
    fileExists: (file) => overlay.has(path.resolve(file)) || boundary.diskHost.fileExists(file),
    pathExists: (file) => overlay.has(path.resolve(file)) || boundary.diskHost.pathExists(file),
    listFiles: (listRoot, include, exclude) => [...new Set([...boundary.diskHost.listFiles(listRoot, include, exclude), ...[...overlay.keys()].filter((file) => /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(file))])],
  };
  const engine = boundary.createBoundaryEngine({ root, configFile }, host);
  let applied = 0;
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const result = engine.check('all');
    const fixes = [...result.findings].filter(([file]) => within(file, targets) || targets.includes(root)).flatMap(([file, findings]) => boundary.safeFixes(engine, file, findings, { ruleIds }));
    const combined = boundary.combineFixes(fixes);
    if (combined.applied.length === 0) break;
    const changes = prettier === undefined ? combined.changes : await boundary.formatFileChanges(combined.changes, prettier, (file) => host.readFile(file));
    const outcome = boundary.applyFileChanges(changes, (file) => host.readFile(file));
    if ('error' in outcome) throw new FixError(outcome.error);
    for (const [file, text] of outcome.texts) {
      if (!fixed.has(file)) fixed.set(file, { before: boundary.diskHost.readFile(file), after: text });
      fixed.get(file)!.after = text;
      overlay.set(file, text);
    }
    for (const file of outcome.texts.keys()) engine.updateFile(file);
    applied += combined.applied.length;
  }
  return { engine, fixed, applied };
}

class FixError extends Error {}

/** Writes the fixed files, only if none changed on disk since it was read; otherwise writes nothing. */
async function writeFixed(fixed: ReadonlyMap<string, FixedFile>): Promise<void> {
  for (const [file, { before }] of fixed) {
    const now = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (now !== before) throw new FixError(`${file}: changed on disk while the fixes were computed; nothing was written`);
  }
  for (const [file, { before, after }] of fixed) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await writeOutputFile(file, after, { force: before !== undefined });
  }
}

function checkRoot(root: string, targets: readonly string[], { createBoundaryEngine }: Boundary, configFile: string | undefined, existing?: BoundaryEngine): RootResult {
  const engine = existing ?? createBoundaryEngine({ root, configFile });
  const result = engine.check('all');
  // Checking nothing must not pass. With a config, the engine reports which setting leaves nothing (exit 1).
  if (result.filesChecked === 0 && engine.configFile === undefined) {
    throw new UsageError(`no source files to check in ${root} (TypeScript or JavaScript files outside node_modules, build output and tests)`);
  }
  const findings = [...result.findings.values()].flat().filter((finding) => within(finding.file, targets) || targets.includes(root));
  for (const finding of result.configFindings) findings.push(finding);
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.ruleId.localeCompare(b.ruleId));
  return { root, findings, filesChecked: result.filesChecked, planes: result.planes, durationMs: result.durationMs, resolution: result.resolution };
}

/** The folder holding every root: SARIF locations and baseline paths are relative to it. */
function commonRoot(roots: readonly string[]): string {
  let common = roots[0]!;
  while (!roots.every((root) => root === common || root.startsWith(common + path.sep))) common = path.dirname(common);
  return common;
}

function counts(findings: readonly Finding[]): { errors: number; warnings: number } {
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  return { errors, warnings: findings.length - errors };
}

function formatText(context: CommandContext, results: readonly RootResult[], known: number): string {
  const style = styleFor(context.values.output === undefined ? context.io.stdout : {}, context.io);
  const lines: string[] = [];
  const display = (file: string) => inertText(path.relative(context.io.cwd, file) || '.');
  const all = results.flatMap((result) => result.findings);
  let currentFile: string | undefined;
  for (const finding of all) {
    if (finding.file !== currentFile) {
      if (currentFile !== undefined) lines.push('');
      currentFile = finding.file;
      lines.push(style.bold(display(finding.file)));
    }
    const where = `${finding.range.start.line + 1}:${finding.range.start.character + 1}`;
    const severity = finding.severity === 'error' ? style.red('error') : style.yellow('warn ');
    lines.push(`  ${style.dim(where.padEnd(7))} ${severity}  ${inertText(finding.message)}  ${style.dim(finding.ruleId)}`);
    for (const related of finding.related) {
      lines.push(`  ${' '.repeat(7)}        ${style.dim(`${display(related.file)}:${related.range.start.line + 1}:${related.range.start.character + 1}  ${inertText(related.message)}`)}`);
    }
  }
  const { errors, warnings } = counts(all);
  const files = results.reduce((sum, result) => sum + result.filesChecked, 0);
  const ms = Math.round(results.reduce((sum, result) => sum + result.durationMs, 0));
  if (all.length > 0) lines.push('');
  // Findings through unresolved imports are missed: a clean result must not hide that.
  for (const result of results) {
    if (result.resolution.warning !== undefined) lines.push(style.yellow(`warning: ${results.length > 1 ? `${display(result.root)}: ` : ''}${result.resolution.warning}`));
  }
  const summary = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} (${ms} ms)`;
  lines.push(errors > 0 ? style.red(summary) : warnings > 0 ? style.yellow(summary) : style.green(summary));
  if (known > 0) lines.push(style.dim(`${known} known finding${known === 1 ? '' : 's'} hidden by the baseline`));
  return lines.join('\n');
}

function formatJson(results: readonly RootResult[], known: number): string {
  const findings = results.flatMap((result) =>
    result.findings.map((finding) => ({
      file: path.relative(result.root, finding.file).split(path.sep).join('/'),
      line: finding.range.start.line + 1,
      column: finding.range.start.character + 1,
      endLine: finding.range.end.line + 1,
      endColumn: finding.range.end.character + 1,
      ruleId: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
      related: finding.related.map((related) => ({
        file: path.relative(result.root, related.file).split(path.sep).join('/'),
        line: related.range.start.line + 1,
        column: related.range.start.character + 1,
        message: related.message,
      })),
      fingerprint: finding.fingerprint,
      root: result.root,
    })),
  );
  const all = results.flatMap((result) => result.findings);
  return JSON.stringify(
    {
      schema: 'planewise.check/1',
      roots: results.map((result) => ({
        root: result.root,
        filesChecked: result.filesChecked,
        planes: result.planes,
        durationMs: Math.round(result.durationMs),
        resolution: { ...result.resolution, warning: result.resolution.warning ?? null },
      })),
      summary: { ...counts(all), knownInBaseline: known },
      findings,
    },
    null,
    2,
  );
}

function nonNegativeInteger(values: CommandContext['values'], name: string): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a whole number (got "${raw}")`);
  return Number(raw);
}

export const check: Command = {
  name: 'check',
  summary: 'check plane boundaries: analysis off the execution path, air-gapped analysis, no license gates',
  help: `Usage: planewise check [options] [paths...]

Runs the plane boundary rules over each path (default: the current folder),
using the planewise.config.json found in it or its parent folders, or the
folder-name defaults without one.

Options:
      --config FILE         use this config for every path (its globs are relative to each path checked)
      --format FORMAT       text (default), json or sarif (SARIF 2.1.0 for code scanning)
      --max-warnings N      exit 1 when there are more than N warnings
      --baseline FILE       report only findings not recorded in FILE
      --update-baseline     write every current finding to the --baseline FILE and exit 0
      --fix                 apply every safe fix, then report what is left; nothing is
                            written unless all of the fixes apply cleanly
      --fix-dry-run         print the fixes as a unified diff instead of writing them
      --fix-type RULES      fix only these rule ids (comma-separated)
      --no-prettier         leave the code fixes write unformatted; by default it is
                            formatted with the project's own Prettier when the project
                            has a Prettier config and Prettier installed
${OUTPUT_HELP}

Exit codes: 0 no errors, 1 errors (or more warnings than --max-warnings), 2 usage
(also: a folder without planewise.config.json that holds no source file to check).`,
  options: {
    format: { type: 'string' },
    config: { type: 'string' },
    'max-warnings': { type: 'string' },
    baseline: { type: 'string' },
    'update-baseline': { type: 'boolean' },
    fix: { type: 'boolean' },
    'fix-dry-run': { type: 'boolean' },
    'fix-type': { type: 'string' },
    'no-prettier': { type: 'boolean' },
    ...OUTPUT_OPTIONS,
  },
  async run(context) {
    const { io, values, positionals } = context;
    const format = formatOption(values, FORMATS, 'text');
    const maxWarnings = nonNegativeInteger(values, 'max-warnings');
    const baselineOption = stringOption(values, 'baseline');
    const updateBaseline = values['update-baseline'] === true;
    if (updateBaseline && baselineOption === undefined) throw new UsageError('--update-baseline needs --baseline FILE');

    const configOption = stringOption(values, 'config');
    const configFile = configOption === undefined ? undefined : path.resolve(io.cwd, configOption);
    if (configFile !== undefined && !fs.statSync(configFile, { throwIfNoEntry: false })?.isFile()) throw new UsageError(`--config ${configOption} is not a file`);

    const targets = (positionals.length > 0 ? positionals : ['.']).map((target) => path.resolve(io.cwd, target));
    for (const target of targets) fs.statSync(target);
    const boundary: Boundary = await import('../../boundary');
    const byRoot = new Map<string, string[]>();
    for (const target of targets) {
      // With --config, each folder given is checked as its own root: the config's globs are relative to it.
      const root = configFile === undefined ? rootFor(target, boundary) : fs.statSync(target).isDirectory() ? target : path.dirname(target);
      byRoot.set(root, [...(byRoot.get(root) ?? []), target]);
    }
    const fix = values.fix === true;
    const dryRun = values['fix-dry-run'] === true;
    const fixTypes = stringOption(values, 'fix-type')?.split(',').map((ruleId) => ruleId.trim()).filter((ruleId) => ruleId !== '');
    if (fixTypes !== undefined) {
      const unknown = fixTypes.filter((ruleId) => !boundary.ruleMetas.some((meta) => meta.id === ruleId));
      if (unknown.length > 0) throw new UsageError(`--fix-type: unknown rule id ${unknown.join(', ')}`);
      if (!fix && !dryRun) throw new UsageError('--fix-type goes with --fix or --fix-dry-run');
    }
    if (values['no-prettier'] === true && !fix && !dryRun) throw new UsageError('--no-prettier goes with --fix or --fix-dry-run');
    // Loading the project's Prettier runs the project's code (config, plugins): the CLI runs in the user's own shell, on their project.
    const prettier = values['no-prettier'] === true ? undefined : new boundary.ProjectPrettier({ log: (message) => io.stderr.write(`planewise check: ${inertText(message)}\n`) });
    const results: RootResult[] = [];
    for (const [root, rootTargets] of byRoot) {
      if (!fix && !dryRun) {
        results.push(checkRoot(root, rootTargets, boundary, configFile));
        continue;
      }
      let outcome: Awaited<ReturnType<typeof fixRoot>>;
      try {
        outcome = await fixRoot(root, rootTargets, boundary, configFile, fixTypes, prettier);
        if (dryRun) {
          for (const [file, { before, after }] of outcome.fixed) io.stdout.write(boundary.unifiedDiff(path.relative(io.cwd, file).split(path.sep).join('/'), before, after));
        } else {
          await writeFixed(outcome.fixed);
        }
      } catch (error) {
        if (!(error instanceof FixError)) throw error;
        io.stderr.write(`planewise check: ${error.message}\n`);
        return EXIT_USAGE;
      }
      const files = outcome.fixed.size;
      io.stderr.write(`planewise check: ${dryRun ? 'would apply' : 'applied'} ${outcome.applied} fix${outcome.applied === 1 ? '' : 'es'} to ${files} file${files === 1 ? '' : 's'}\n`);
      results.push(checkRoot(root, rootTargets, boundary, configFile, outcome.engine));
    }

    let known = 0;
    if (baselineOption !== undefined) {
      const baselineFile = path.resolve(io.cwd, baselineOption);
      const baselineRoot = commonRoot(results.map((result) => result.root));
      if (updateBaseline) {
        const all = results.flatMap((result) => result.findings);
        await writeOutputFile(baselineFile, `${JSON.stringify(boundary.createBaseline(baselineRoot, all), null, 2)}\n`, { force: true });
        io.stderr.write(`planewise check: wrote ${all.length} finding${all.length === 1 ? '' : 's'} to ${inertText(path.relative(io.cwd, baselineFile))}\n`);
        return EXIT_OK;
      }
      if (!fs.existsSync(baselineFile)) throw new UsageError(`baseline ${baselineOption} does not exist; create it with --update-baseline`);
      let baseline;
      try {
        baseline = boundary.parseBaseline(fs.readFileSync(baselineFile, 'utf8'), baselineOption);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      for (const result of results) {
        const filtered = boundary.filterBaseline(result.findings, baseline);
        result.findings = filtered.fresh;
        known += filtered.known;
      }
    }

    const all = results.flatMap((result) => result.findings);
    let text: string;
    if (format === 'sarif') {
      text = JSON.stringify(boundary.toSarif(all, { root: commonRoot(results.map((result) => result.root)), toolVersion: VERSION, rules: boundary.ruleMetas }), null, 2);
    } else if (format === 'json') {
      text = formatJson(results, known);
    } else {
      text = formatText(context, results, known);
    }
    await emit(context, text);
    const { errors, warnings } = counts(all);
    if (errors > 0) return EXIT_FINDINGS;
    if (maxWarnings !== undefined && warnings > maxWarnings) {
      io.stderr.write(`planewise check: ${warnings} warnings exceed --max-warnings ${maxWarnings}\n`);
      return EXIT_FINDINGS;
    }
    return EXIT_OK;
  },
};
