/**
 * The boundary engine: one ts-morph project kept in memory, per-file facts
 * cached by file version, and the rules run over them. A change to a file
 * re-extracts that file's facts only; `affectedBy` says which files' findings
 * may change with it (its importers, transitively).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import picomatch from 'picomatch';
import { Project, type SourceFile, ts } from 'ts-morph';
import {
  CONFIG_FILE_NAME,
  configFinding,
  defaultConfig,
  findConfigFile,
  type LoadedConfig,
  parseConfig,
  type ResolvedConfig,
} from './config';
import { type CallTarget, extractFacts, type FileFacts, type FunctionFact, type ImportFact } from './facts';
import { createConfigFix, declarePlaneFix, docsFix, suppressFix } from './fixes/common';
import { diskHost, type FileHost } from './host';
import { assignPlane, isBrowserCode, PLANES, planeMatchers, type PlaneMatchers, toPosix } from './planes';
import { formatMessage, type ImportTarget, type ProjectView, type ResolvedCall, type Rule, type RuleContext, type RuleReport } from './rule';
import { allRules, ruleMetas } from './rules';
import { parseSuppressions, SUPPRESSION_RULE_ID } from './suppressions';
import type {
  BoundaryEngine,
  BoundaryEngineOptions,
  CheckResult,
  Finding,
  FindingSeverity,
  Fix,
  IsCancelled,
  PlaneAssignment,
  PlaneCounts,
  Range,
  RuleSeverity,
} from './types';

/** Files larger than this are generated or vendored; they are listed but not analysed. */
const MAX_FILE_BYTES = 2_000_000;
const RESOLVE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

interface PathAliases {
  baseUrl: string | undefined;
  paths: { prefix: string; suffix: string; exact: boolean; targets: string[] }[];
}

/** A finding as the engine keeps it: with the rule's message id and fix data. */
export interface EngineFinding extends Finding {
  messageId: string;
  fixData: unknown;
}

export interface EngineInternals {
  /** Findings with message ids, for the rule tester. */
  checkDetailed(files: readonly string[] | 'all'): { findings: Map<string, EngineFinding[]>; configFindings: Finding[] };
}

function rangesOverlap(a: Range, b: Range): boolean {
  const before = (x: Range['start'], y: Range['start']) => x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function packageNameOf(specifier: string): string {
  const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function fingerprintOf(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);
}

export function createEngine(options: BoundaryEngineOptions, host: FileHost = diskHost): BoundaryEngine & EngineInternals {
  const root = path.resolve(options.root);
  const log = options.log ?? (() => {});
  let ruleOverrides: Record<string, RuleSeverity> = { ...(options.ruleOverrides ?? {}) };
  const project = new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    compilerOptions: { allowJs: true, jsx: ts.JsxEmit.Preserve, target: ts.ScriptTarget.ES2022 },
  });

  let pathAliases: PathAliases = { baseUrl: undefined, paths: [] };
  let loaded: LoadedConfig;
  let config: ResolvedConfig;
  let matchers: PlaneMatchers;
  let files = new Set<string>();
  let included: (file: string) => boolean;
  const factsCache = new Map<string, FileFacts>();
  const planeCache = new Map<string, PlaneAssignment>();
  const resolveCache = new Map<string, ImportTarget>();
  let importers: Map<string, Set<string>> | undefined;
  let externalEntries: Map<string, Map<string, string>> | undefined;
  let configFindingsCache: Finding[] | undefined;
  let packageDependencies: Set<string> | undefined;
  /** Handler registrations of changed files before the change, until affectedBy has seen them. */
  const previousEntryTargets = new Map<string, Set<string>>();
  let manifestName: string | undefined;

  function loadConfig(): void {
    const explicit = options.configFile === undefined ? undefined : path.resolve(options.configFile);
    const file = explicit ?? findConfigFile(root, (candidate) => host.fileExists(candidate));
    if (file === undefined) {
      const fallback = defaultConfig(root);
      loaded = { config: fallback, findings: [], locate: () => ({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }) };
    } else {
      // A config given explicitly may live anywhere; its globs still describe the checked root.
      loaded = parseConfig(file, host.readFile(file) ?? '', allRules.map((rule) => ({ id: rule.meta.id, optionsSchema: rule.optionsSchema })), explicit === undefined ? undefined : root);
    }
    config = loaded.config;
    matchers = planeMatchers(config);
    const include = picomatch(config.include, { dot: false });
    const exclude = picomatch(config.exclude, { dot: true });
    included = (file) => {
      const relative = toPosix(path.relative(root, file));
      return !relative.startsWith('..') && include(relative) && !exclude(relative);
    };
    files = new Set(host.listFiles(root, config.include, config.exclude));
    pathAliases = loadPathAliases();
    planeCache.clear();
    resolveCache.clear();
    importers = undefined;
    externalEntries = undefined;
    configFindingsCache = undefined;
    packageDependencies = undefined;
    log(`planewise: ${files.size} files under ${root}${file === undefined ? ' (no config: folder-name defaults)' : ` (config ${file})`}`);
  }

  function fileSetChanged(): void {
    resolveCache.clear();
    importers = undefined;
    externalEntries = undefined;
    configFindingsCache = undefined;
  }

  const relative = (file: string) => toPosix(path.relative(root, file));

  function sourceOf(file: string): SourceFile | undefined {
    const existing = project.getSourceFile(file);
    if (existing !== undefined) return existing;
    if (!files.has(file)) return undefined;
    let text = host.readFile(file);
    if (text === undefined) return undefined;
    if (text.length > MAX_FILE_BYTES) {
      log(`planewise: ${relative(file)} is ${text.length} bytes; treated as generated and not analysed`);
      text = '';
    }
    // Not yet in the project (checked above): no overwrite, which would probe the file system first.
    return project.createSourceFile(file, text);
  }

  function factsOf(file: string): FileFacts | undefined {
    const cached = factsCache.get(file);
    if (cached !== undefined) return cached;
    const source = sourceOf(file);
    if (source === undefined) return undefined;
    const facts = extractFacts(file, source.compilerNode);
    factsCache.set(file, facts);
    return facts;
  }

  function planeOf(file: string): PlaneAssignment {
    // Callers mostly pass the engine's own absolute paths: look those up before normalising.
    const hit = planeCache.get(file);
    if (hit !== undefined) return hit;
    const absolute = path.resolve(file);
    const cached = planeCache.get(absolute);
    if (cached !== undefined) return cached;
    const facts = files.has(absolute) ? factsOf(absolute) : undefined;
    const relativeToConfig = toPosix(path.relative(config.baseDir, absolute));
    const assignment = assignPlane(relativeToConfig, facts?.planeComment, matchers, facts !== undefined && isBrowserCode(relativeToConfig, sourceOf(absolute)?.getFullText()));
    planeCache.set(absolute, assignment);
    return assignment;
  }

  /** tsconfig.json `baseUrl` and `paths` of the root, so `@/services/x` resolves like the compiler does. */
  function loadPathAliases(): PathAliases {
    const file = path.join(root, 'tsconfig.json');
    const text = host.readFile(file);
    const aliases: PathAliases = { baseUrl: undefined, paths: [] };
    if (text === undefined) return aliases;
    const parsed = ts.parseConfigFileTextToJson(file, text);
    const options = (parsed.config as { compilerOptions?: { baseUrl?: unknown; paths?: unknown } } | undefined)?.compilerOptions;
    if (parsed.error !== undefined || options === undefined) return aliases;
    if (typeof options.baseUrl === 'string') aliases.baseUrl = path.resolve(root, options.baseUrl);
    const pathsBase = aliases.baseUrl ?? root;
    if (options.paths !== null && typeof options.paths === 'object') {
      for (const [pattern, targets] of Object.entries(options.paths as Record<string, unknown>)) {
        if (!Array.isArray(targets)) continue;
        const star = pattern.indexOf('*');
        aliases.paths.push({
          prefix: star === -1 ? pattern : pattern.slice(0, star),
          suffix: star === -1 ? '' : pattern.slice(star + 1),
          exact: star === -1,
          targets: targets.filter((target): target is string => typeof target === 'string').map((target) => path.resolve(pathsBase, target)),
        });
      }
      aliases.paths.sort((a, b) => b.prefix.length - a.prefix.length);
    }
    return aliases;
  }

  function resolveAlias(specifier: string): string | undefined {
    for (const alias of pathAliases.paths) {
      const matches = alias.exact ? specifier === alias.prefix : specifier.startsWith(alias.prefix) && specifier.endsWith(alias.suffix) && specifier.length >= alias.prefix.length + alias.suffix.length;
      if (!matches) continue;
      const captured = alias.exact ? '' : specifier.slice(alias.prefix.length, specifier.length - alias.suffix.length);
      for (const target of alias.targets) {
        const found = resolveBase(target.replace('*', captured), specifier);
        if (found !== undefined) return found;
      }
    }
    return pathAliases.baseUrl === undefined ? undefined : resolveBase(path.resolve(pathAliases.baseUrl, specifier), specifier);
  }

  function resolveFile(from: string, specifier: string): string | undefined {
    return resolveBase(path.resolve(path.dirname(from), specifier), specifier);
  }

  function resolveBase(base: string, specifier: string): string | undefined {
    const candidates = [base, ...RESOLVE_EXTENSIONS.map((extension) => base + extension), ...RESOLVE_EXTENSIONS.map((extension) => path.join(base, `index${extension}`))];
    // ESM-style "./x.js" names the compiled output of "./x.ts".
    const emitted = /\.(m|c)?jsx?$/.exec(specifier);
    if (emitted !== null) {
      const stem = base.slice(0, -emitted[0].length);
      candidates.push(...['.ts', '.tsx', '.mts', '.cts'].map((extension) => stem + extension));
    }
    return candidates.find((candidate) => files.has(candidate));
  }

  function resolveImport(from: string, fact: ImportFact): ImportTarget {
    const cacheKey = `${path.dirname(from)}\u0000${fact.specifier}`;
    const cached = resolveCache.get(cacheKey);
    if (cached !== undefined) return cached;
    let target: ImportTarget;
    if (fact.specifier.startsWith('.') || path.isAbsolute(fact.specifier)) {
      const file = resolveFile(from, fact.specifier);
      target = file === undefined ? { kind: 'unresolved' } : { kind: 'file', file };
    } else {
      const aliased = resolveAlias(fact.specifier);
      target = aliased !== undefined ? { kind: 'file', file: aliased } : { kind: 'package', name: packageNameOf(fact.specifier) };
    }
    resolveCache.set(cacheKey, target);
    return target;
  }

  function resolveExport(file: string, name: string, member: string | undefined, depth: number): ResolvedCall {
    const facts = factsOf(file);
    if (facts === undefined || depth > 12) return { kind: 'module', file, name };
    const exported = facts.exports.get(name);
    if (exported?.kind === 'local') {
      const key = member !== undefined ? `${exported.key}.${member}` : exported.key;
      const fn = facts.functions.get(key) ?? facts.functions.get(exported.key);
      return fn !== undefined ? { kind: 'function', file, fn } : { kind: 'module', file, name };
    }
    if (exported?.kind === 'value') return { kind: 'module', file, name, constant: exported.constant };
    if (exported?.kind === 'reexport') {
      const fact = facts.imports[exported.importIndex]!;
      const target = resolveImport(file, fact);
      if (target.kind === 'file') return exported.name === '*' ? { kind: 'module', file: target.file, name: member ?? '*' } : resolveExport(target.file, exported.name, member, depth + 1);
      if (target.kind === 'package') return { kind: 'package', name: target.name, exportName: exported.name, member };
      return { kind: 'unknown' };
    }
    if (exported === undefined && name !== 'default' && name !== '*') {
      for (const index of facts.starExports) {
        const target = resolveImport(file, facts.imports[index]!);
        if (target.kind !== 'file') continue;
        const found = resolveExport(target.file, name, member, depth + 1);
        if (found.kind === 'function' || (found.kind === 'module' && factsOf(target.file)?.exports.has(name))) return found;
      }
    }
    return { kind: 'module', file, name };
  }

  function resolveCall(from: string, target: CallTarget): ResolvedCall {
    switch (target.kind) {
      case 'local': {
        const fn = factsOf(from)?.functions.get(target.key);
        return fn === undefined ? { kind: 'unknown' } : { kind: 'function', file: from, fn };
      }
      case 'global':
        return target;
      case 'unknown':
        return target;
      case 'import': {
        const fact = factsOf(from)?.imports[target.importIndex];
        if (fact === undefined) return { kind: 'unknown' };
        const resolved = resolveImport(from, fact);
        if (resolved.kind === 'package') return { kind: 'package', name: resolved.name, exportName: target.name, member: target.member };
        if (resolved.kind === 'unresolved') return { kind: 'unknown' };
        return resolveExport(resolved.file, target.name, target.member, 0);
      }
    }
  }

  function importersIndex(): Map<string, Set<string>> {
    if (importers !== undefined) return importers;
    importers = new Map();
    for (const file of files) {
      for (const fact of factsOf(file)?.imports ?? []) {
        const target = resolveImport(file, fact);
        if (target.kind !== 'file') continue;
        let set = importers.get(target.file);
        if (set === undefined) importers.set(target.file, (set = new Set()));
        set.add(file);
      }
    }
    return importers;
  }

  /** file -> function key -> why another file registers it as a handler. */
  function externalEntryIndex(): Map<string, Map<string, string>> {
    if (externalEntries !== undefined) return externalEntries;
    externalEntries = new Map();
    for (const file of files) {
      for (const reference of factsOf(file)?.entryReferences ?? []) {
        const resolved = resolveCall(file, reference.target);
        if (resolved.kind !== 'function' || resolved.file === file) continue;
        let byKey = externalEntries.get(resolved.file);
        if (byKey === undefined) externalEntries.set(resolved.file, (byKey = new Map()));
        byKey.set(resolved.fn.key, `${reference.reason} (registered in ${relative(file)})`);
      }
    }
    return externalEntries;
  }

  /** The other files whose functions this file registers as request handlers. */
  function entryTargetsOf(file: string): Set<string> {
    const targets = new Set<string>();
    for (const reference of factsOf(file)?.entryReferences ?? []) {
      const resolved = resolveCall(file, reference.target);
      if (resolved.kind === 'function' && resolved.file !== file) targets.add(resolved.file);
    }
    return targets;
  }

  function dependsOn(packageName: string): boolean {
    if (packageDependencies === undefined) {
      packageDependencies = new Set();
      const text = host.readFile(path.join(root, 'package.json'));
      try {
        const manifest = text === undefined ? {} : (JSON.parse(text) as Record<string, Record<string, string> | undefined>);
        manifestName = typeof manifest.name === 'string' ? manifest.name : undefined;
        for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
          for (const name of Object.keys(manifest[field] ?? {})) packageDependencies.add(name);
        }
      } catch {
        log('planewise: package.json is not valid JSON; assuming no dependencies');
      }
    }
    return packageDependencies.has(packageName);
  }

  const productPackage = (name: string) => config.productPackages.length > 0 && matchers.productPackage(name);

  const view: ProjectView = {
    root,
    get config() {
      return config;
    },
    relative,
    facts: factsOf,
    source: sourceOf,
    planeOf,
    resolveImport,
    resolveCall,
    isProductPackage: productPackage,
    externalEntryReason: (file: string, fn: FunctionFact) => externalEntryIndex().get(file)?.get(fn.key),
    dependsOn,
    packageName: () => {
      dependsOn('');
      return manifestName;
    },
    fileExists: (file: string) => files.has(path.resolve(file)) || host.fileExists(file),
    hasFileUnder: (folder: string) => {
      const prefix = path.resolve(folder) + path.sep;
      for (const file of files) if (file.startsWith(prefix)) return true;
      return false;
    },
  };

  function severityOf(rule: Rule): RuleSeverity {
    return ruleOverrides[rule.meta.id] ?? config.rules.get(rule.meta.id)?.severity ?? rule.meta.defaultSeverity;
  }

  function optionsOf(rule: Rule): unknown {
    return config.rules.get(rule.meta.id)?.options ?? rule.defaultOptions;
  }

  function ruleContext(rule: Rule, file: string, facts: FileFacts, source: SourceFile, report: (report: RuleReport) => void): RuleContext<unknown> {
    return { file, facts, source, plane: planeOf(file), options: optionsOf(rule), project: view, report };
  }

  function checkFile(file: string): EngineFinding[] {
    const facts = factsOf(file);
    const source = sourceOf(file);
    if (facts === undefined || source === undefined) return [];
    const findings: EngineFinding[] = [];
    const rel = relative(file);
    const ordinals = new Map<string, number>();
    for (const rule of allRules as Rule[]) {
      const severity = severityOf(rule);
      if (severity === 'off') continue;
      const report = (report: RuleReport): void => {
        const base = `${rule.meta.id}\u0000${report.key}`;
        const ordinal = (ordinals.get(base) ?? 0) + 1;
        ordinals.set(base, ordinal);
        findings.push({
          file,
          range: report.range,
          ruleId: rule.meta.id,
          severity,
          message: formatMessage(rule.meta.messages[report.messageId] ?? report.messageId, report.data),
          related: report.related ?? [],
          fingerprint: fingerprintOf([rule.meta.id, rel, report.key, String(ordinal)]),
          messageId: report.messageId,
          fixData: report.fixData,
        });
      };
      try {
        rule.check(ruleContext(rule, file, facts, source, report));
      } catch (error) {
        log(`planewise: rule ${rule.meta.id} failed on ${rel}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
    return applySuppressions(file, source.getFullText(), findings);
  }

  function applySuppressions(file: string, text: string, findings: EngineFinding[]): EngineFinding[] {
    const suppressions = parseSuppressions(text);
    if (suppressions.length === 0) return findings;
    const rel = relative(file);
    const knownRules = new Set(allRules.map((rule) => rule.meta.id));
    const kept: EngineFinding[] = [];
    const used = new Set<number>();
    for (const finding of findings) {
      const index = suppressions.findIndex((suppression) => suppression.line === finding.range.start.line - 1 && suppression.reason !== undefined && suppression.rules.includes(finding.ruleId));
      if (index === -1) kept.push(finding);
      else used.add(index);
    }
    const severity = (ruleOverrides[SUPPRESSION_RULE_ID] ?? 'error') as RuleSeverity;
    if (severity === 'off') return kept;
    suppressions.forEach((suppression, index) => {
      const problems: [string, string, FindingSeverity][] = [];
      const unknown = suppression.rules.filter((rule) => !knownRules.has(rule));
      if (suppression.rules.length === 0) problems.push(['noRule', 'This suppression names no rule: write `planewise-ignore-next-line <rule-id> -- <reason>`.', 'error']);
      else if (unknown.length > 0) problems.push(['unknownRule', `This suppression names unknown rule(s) ${unknown.join(', ')}.`, 'error']);
      if (suppression.reason === undefined) {
        problems.push(['noReason', 'A suppression needs a reason after " -- " (e.g. `-- runs after the response is sent`); without one it suppresses nothing.', 'error']);
      } else if (!used.has(index) && unknown.length === 0 && suppression.rules.length > 0) {
        const enabled = suppression.rules.some((ruleId) => {
          const rule = (allRules as Rule[]).find((candidate) => candidate.meta.id === ruleId);
          return rule !== undefined && severityOf(rule) !== 'off';
        });
        if (enabled) problems.push(['unused', `This suppression of ${suppression.rules.join(', ')} suppresses nothing on the next line; remove it.`, 'warn']);
      }
      for (const [messageId, message, level] of problems) {
        kept.push({
          file,
          range: suppression.range,
          ruleId: SUPPRESSION_RULE_ID,
          severity: severity === 'warn' ? 'warn' : level,
          message,
          related: [],
          fingerprint: fingerprintOf([SUPPRESSION_RULE_ID, rel, messageId, suppression.rules.join(','), String(index)]),
          messageId,
          fixData: undefined,
        });
      }
    });
    return kept;
  }

  function configFindings(): Finding[] {
    if (configFindingsCache !== undefined) return configFindingsCache;
    const found = [...loaded.findings];
    const file = config.file;
    if (file !== undefined) {
      const relativePaths = [...files].map((candidate) => toPosix(path.relative(config.baseDir, candidate)));
      for (const glob of matchers.planeGlobs) {
        if (!relativePaths.some((candidate) => glob.matches(candidate))) {
          found.push(configFinding(file, loaded.locate(['planes', glob.plane, glob.index]), `The ${glob.plane}-plane glob "${glob.glob}" matches no file.`, 'warn'));
        }
      }
      const overlaps = new Map<string, string[]>();
      for (const candidate of relativePaths) {
        const planes = PLANES.filter((plane) => matchers.planes?.[plane](candidate));
        if (planes.length > 1) {
          const pair = planes.join(' and ');
          overlaps.set(pair, [...(overlaps.get(pair) ?? []), candidate]);
        }
      }
      for (const [pair, inBoth] of overlaps) {
        const second = pair.split(' and ')[1]!;
        const sample = inBoth.slice(0, 3).join(', ') + (inBoth.length > 3 ? `, and ${inBoth.length - 3} more` : '');
        found.push(
          configFinding(
            file,
            loaded.locate(['planes', second]),
            `${inBoth.length} file(s) are in both the ${pair} planes (${sample}); a file belongs to one plane. They are checked as ${pair.split(' and ')[0]}-plane code until this is fixed.`,
          ),
        );
      }
    }
    configFindingsCache = found;
    return found;
  }

  function checkDetailed(targets: readonly string[] | 'all', isCancelled?: IsCancelled): { findings: Map<string, EngineFinding[]>; configFindings: Finding[]; cancelled: boolean } {
    const list = targets === 'all' ? [...files].sort() : targets.map((file) => path.resolve(file)).filter((file) => files.has(file));
    const findings = new Map<string, EngineFinding[]>();
    let cancelled = false;
    for (const file of list) {
      if (isCancelled?.() === true) {
        cancelled = true;
        break;
      }
      const fileFindings = checkFile(file);
      findings.set(file, fileFindings);
    }
    return { findings, configFindings: configFindings(), cancelled };
  }

  function strip(finding: EngineFinding): Finding {
    const { messageId: _messageId, fixData: _fixData, ...plain } = finding;
    return plain;
  }

  loadConfig();

  const engine: BoundaryEngine & EngineInternals = {
    root,
    get configFile() {
      return config.file;
    },
    rules: ruleMetas,
    updateFile(file, text) {
      const absolute = path.resolve(file);
      if (path.basename(absolute) === CONFIG_FILE_NAME) {
        engine.reloadConfig();
        return;
      }
      if (absolute === path.join(root, 'tsconfig.json')) {
        pathAliases = loadPathAliases();
        fileSetChanged();
        return;
      }
      if (!included(absolute)) return;
      const isNew = !files.has(absolute);
      files.add(absolute);
      if (factsCache.has(absolute)) {
        const before = entryTargetsOf(absolute);
        if (before.size > 0) previousEntryTargets.set(absolute, new Set([...(previousEntryTargets.get(absolute) ?? []), ...before]));
      }
      factsCache.delete(absolute);
      planeCache.delete(absolute);
      const content = text ?? host.readFile(absolute);
      if (content === undefined) {
        engine.removeFile(absolute);
        return;
      }
      project.createSourceFile(absolute, content.length > MAX_FILE_BYTES ? '' : content, { overwrite: project.getSourceFile(absolute) !== undefined });
      // Imports and handler registrations of this file may have changed: rebuild the reverse indexes lazily.
      importers = undefined;
      externalEntries = undefined;
      if (isNew) fileSetChanged();
    },
    removeFile(file) {
      const absolute = path.resolve(file);
      if (!files.delete(absolute)) return;
      factsCache.delete(absolute);
      planeCache.delete(absolute);
      const source = project.getSourceFile(absolute);
      if (source !== undefined) project.removeSourceFile(source);
      fileSetChanged();
    },
    reloadConfig() {
      factsCache.clear();
      for (const source of project.getSourceFiles()) project.removeSourceFile(source);
      loadConfig();
    },
    setRuleOverrides(overrides) {
      ruleOverrides = { ...overrides };
    },
    affectedBy(changed) {
      const result = new Set<string>();
      const queue: string[] = [];
      for (const file of changed) {
        const absolute = path.resolve(file);
        if (path.basename(absolute) === CONFIG_FILE_NAME || absolute === path.join(root, 'tsconfig.json')) return [...files].sort();
        if (files.has(absolute) && !result.has(absolute)) {
          result.add(absolute);
          queue.push(absolute);
        }
        // Files whose functions this one registers (or registered) as handlers gain or lose their entry-point status.
        for (const target of [...(previousEntryTargets.get(absolute) ?? []), ...entryTargetsOf(absolute)]) result.add(target);
        previousEntryTargets.delete(absolute);
      }
      const index = importersIndex();
      while (queue.length > 0) {
        const file = queue.pop()!;
        for (const importer of index.get(file) ?? []) {
          if (!result.has(importer)) {
            result.add(importer);
            queue.push(importer);
          }
        }
      }
      return [...result].sort();
    },
    check(targets, isCancelled) {
      const started = performance.now();
      const detailed = checkDetailed(targets, isCancelled);
      const findings = new Map<string, Finding[]>();
      for (const [file, fileFindings] of detailed.findings) findings.set(file, fileFindings.map(strip));
      const planes: PlaneCounts = { data: 0, control: 0, intelligence: 0 };
      if (!detailed.cancelled) {
        for (const file of files) {
          const plane = planeOf(file).plane;
          if (plane !== undefined) planes[plane] += 1;
        }
      }
      return {
        findings,
        configFindings: detailed.configFindings,
        filesChecked: detailed.findings.size,
        planes,
        durationMs: performance.now() - started,
        cancelled: detailed.cancelled,
      } satisfies CheckResult;
    },
    checkDetailed: (targets) => checkDetailed(targets),
    fixes(file, range) {
      const absolute = path.resolve(file);
      const fixes: Fix[] = [];
      if (config.file !== undefined && absolute === config.file) return fixes;
      // Re-checked rather than cached: a dependency may have changed since the last check of this file.
      const fileFindings = checkDetailed([absolute]).findings.get(absolute) ?? [];
      const facts = factsOf(absolute);
      const source = sourceOf(absolute);
      for (const finding of fileFindings) {
        if (!rangesOverlap(finding.range, range)) continue;
        const rule = (allRules as Rule[]).find((candidate) => candidate.meta.id === finding.ruleId);
        if (rule?.fixes !== undefined && facts !== undefined && source !== undefined) {
          try {
            const context = { ...ruleContext(rule, absolute, facts, source, () => {}), finding, fileFindings };
            fixes.push(...rule.fixes(context));
          } catch (error) {
            log(`planewise: fix of ${finding.ruleId} failed on ${relative(absolute)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          }
        }
        if (source !== undefined && finding.ruleId !== SUPPRESSION_RULE_ID) fixes.push(suppressFix(source, finding));
        if (rule?.meta.appliesTo === 'platform' && planeOf(absolute).source === 'default') fixes.push(declarePlaneFix(absolute, 'intelligence', [finding.fingerprint]));
        const meta = ruleMetas.find((candidate) => candidate.id === finding.ruleId);
        if (meta !== undefined) fixes.push(docsFix(meta, finding.fingerprint));
      }
      if (config.file === undefined && facts !== undefined) {
        const createConfig = createConfigFix(root, [...files], (candidate) => planeOf(candidate), fileFindings.map((finding) => finding.fingerprint));
        if (createConfig !== undefined) fixes.push(createConfig);
      }
      return dedupeFixes(fixes);
    },
    planeOf,
  };
  return engine;
}

/** One action per distinct effect (e.g. one "open documentation" per rule, however many findings of it overlap). */
function dedupeFixes(fixes: Fix[]): Fix[] {
  const seen = new Map<string, Fix>();
  for (const fix of fixes) {
    const key = `${fix.title}\u0000${JSON.stringify(fix.changes)}\u0000${JSON.stringify(fix.command ?? null)}`;
    const existing = seen.get(key);
    if (existing === undefined) seen.set(key, { ...fix, resolves: [...fix.resolves] });
    else existing.resolves.push(...fix.resolves.filter((fingerprint) => !existing.resolves.includes(fingerprint)));
  }
  return [...seen.values()];
}

