/**
 * The boundary engine: per-file texts and facts cached by file version (a
 * syntax tree only while it is used), and the rules run over them. A change to a file
 * re-extracts that file's facts only; `affectedBy` says which files' findings
 * may change with it (its importers, transitively).
 */
import path from 'node:path';
import picomatch from 'picomatch';
import { createBrowserPackageTest } from './browserPackages';
import { createCallGraph } from './callGraph';
import { ts } from './compiler';
import {
  CONFIG_FILE_NAME,
  defaultConfig,
  findConfigFile,
  type LoadedConfig,
  parseConfig,
  type ResolvedConfig,
  unreadableConfig,
} from './config';
import { configFileFindings, scopedConfigFindings } from './configChecks';
import { extractFacts, type FileFacts, type ImportFact } from './facts';
import { type EngineFinding, fingerprintOf, foldImportFindings, notCheckedFinding, publicFinding } from './findings';
import { createConfigFix, declarePlaneFix, docsFix, suppressFix } from './fixes/common';
import { diskHost, type FileHost } from './host';
import { createImportGraph, isResolutionInput } from './importGraph';
import { type ConfigScopes, createConfigScopes } from './packageConfigs';
import { assignPlane, isBrowserCode, isPlatform, planeMatchers, type PlaneMatchers, toPosix } from './planes';
import { createResolver, type Resolver } from './resolution/resolver';
import { ResolutionTally } from './resolution/stats';
import { formatMessage, NOT_CHECKED_RULE_ID, type ImportTarget, type ParsedSource, type ProjectView, type Rule, type RuleContext, type RuleReport } from './rule';
import { allRules, ruleMetas } from './rules';
import { applySuppressions, SUPPRESSION_RULE_ID } from './suppressions';
import type {
  BoundaryEngine,
  BoundaryEngineOptions,
  CheckResult,
  Finding,
  Fix,
  IsCancelled,
  PlaneAssignment,
  PlaneCounts,
  Range,
  ResolutionSummary,
  RuleSeverity,
} from './types';

/**
 * Source files larger than this (in bytes) are not parsed: they are reported
 * with a warning on the file instead. The language server uses the same limit.
 */
export const MAX_SOURCE_FILE_BYTES = 2_000_000;

export interface EngineInternals {
  /** Findings with message ids, for the rule tester. */
  checkDetailed(files: readonly string[] | 'all'): { findings: Map<string, EngineFinding[]>; configFindings: Finding[] };
}

function rangesOverlap(a: Range, b: Range): boolean {
  const before = (x: Range['start'], y: Range['start']) => x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** Why analysing a file failed, in a user's words: a stack overflow means the code nests too deeply. */
function failureReason(stage: string, error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return `its code nests too deeply (the stack overflowed while ${stage})`;
  const message = error instanceof Error ? error.message : String(error);
  return `${stage} failed: ${message.split('\n')[0]}`;
}

function formatSize(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1).replace(/\.0$/, '')} MB` : `${Math.ceil(bytes / 1000)} KB`;
}

/** "2.3 MB is over the 2 MB limit"; bytes when rounding would make the size look like the limit. */
function overLimit(bytes: number): string {
  const limit = formatSize(MAX_SOURCE_FILE_BYTES);
  const size = formatSize(bytes) === limit ? `${bytes.toLocaleString('en-US')} bytes` : formatSize(bytes);
  return `${size} is over the ${limit} limit for source files`;
}

const knownRules: ReadonlySet<string> = new Set(allRules.map((rule) => rule.meta.id));
const importRules: ReadonlySet<string> = new Set((allRules as Rule[]).filter((rule) => rule.meta.importsOnly === true).map((rule) => rule.meta.id));
const ruleValidations = allRules.map((rule) => ({ id: rule.meta.id, optionsSchema: rule.optionsSchema }));

export function createEngine(options: BoundaryEngineOptions, host: FileHost = diskHost): BoundaryEngine & EngineInternals {
  const root = path.resolve(options.root);
  const log = options.log ?? (() => {});
  let ruleOverrides: Record<string, RuleSeverity> = { ...(options.ruleOverrides ?? {}) };
  /** Every file read, by absolute path: its text, and its syntax tree while something uses it. */
  const sources = new Map<string, HeldSource>();

  let resolver: Resolver;
  let inBrowserPackage: (file: string) => boolean;
  /** Source files of workspace packages outside the root that imports reached: read for their facts, never checked. */
  const outsideFiles = new Map<string, boolean>();
  let loaded: LoadedConfig;
  let config: ResolvedConfig;
  let matchers: PlaneMatchers;
  let scopes: ConfigScopes;
  let files = new Set<string>();
  let included: (file: string, base?: string) => boolean;
  const factsCache = new Map<string, FileFacts>();
  /** Files that could not be parsed or analysed, and why: reported on the file, never retried until it changes. */
  const failures = new Map<string, string>();
  /** Files over MAX_SOURCE_FILE_BYTES, by size: parsed as empty and reported with a warning. */
  const oversized = new Map<string, number>();
  const planeCache = new Map<string, PlaneAssignment>();
  let configFindingsCache: Finding[] | undefined;
  let packageDependencies: Set<string> | undefined;
  /** Handler registrations of changed files before the change, until affectedBy has seen them. */
  const previousEntryTargets = new Map<string, Set<string>>();
  let manifestName: string | undefined;

  function loadConfig(): void {
    const explicit = options.configFile === undefined ? undefined : path.resolve(options.configFile);
    const file = explicit ?? findConfigFile(root, (candidate) => host.pathExists(candidate));
    const text = file === undefined ? undefined : host.readFile(file);
    if (file === undefined) {
      const fallback = defaultConfig(root);
      loaded = { config: fallback, findings: [], locate: () => ({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }) };
    } else if (text === undefined) {
      loaded = unreadableConfig(file);
    } else {
      // A config given explicitly may live anywhere; its globs still describe the checked root.
      loaded = parseConfig(file, text, ruleValidations, explicit === undefined ? undefined : root);
    }
    config = loaded.config;
    matchers = planeMatchers(config);
    const rootScope = { config, matchers, rules: config.rules };
    // An explicit config (`check --config`) is the whole configuration: package configs below do not apply.
    scopes = explicit === undefined ? createConfigScopes(host, rootScope, ruleValidations) : { configFor: () => rootScope, findings: () => [] };
    const include = picomatch(config.include, { dot: false });
    const exclude = picomatch(config.exclude, { dot: true });
    included = (file, base = root) => {
      const relative = toPosix(path.relative(base, file));
      return !relative.startsWith('..') && include(relative) && !exclude(relative);
    };
    files = new Set(host.listFiles(root, config.include, config.exclude));
    loadResolver();
    planeCache.clear();
    importGraph.invalidate();
    callGraph.invalidate();
    configFindingsCache = undefined;
    packageDependencies = undefined;
    log(`planewise: ${files.size} files under ${root}${file === undefined ? ' (no config: folder-name defaults)' : ` (config ${file})`}`);
  }

  function loadResolver(): void {
    outsideFiles.clear();
    resolver = createResolver(root, host, isSourceFile);
    inBrowserPackage = createBrowserPackageTest(host, resolver.workspace?.root ?? root);
  }

  /** A file outside the root counts when it is in the workspace and would be checked there. */
  function isSourceFile(file: string): boolean {
    if (files.has(file)) return true;
    if (file.startsWith(root + path.sep)) return false;
    let known = outsideFiles.get(file);
    if (known === undefined) {
      const top = resolver.workspace?.root;
      const inWorkspace = top !== undefined && file.startsWith(top + path.sep) && included(file, top);
      outsideFiles.set(file, (known = inWorkspace && host.fileExists(file)));
    }
    return known;
  }

  function fileSetChanged(): void {
    loadResolver();
    // A package.json decides whether its package is front-end code.
    planeCache.clear();
    importGraph.invalidate();
    callGraph.invalidate();
    configFindingsCache = undefined;
  }

  const relative = (file: string) => toPosix(path.relative(root, file));

  /** Takes a file's text; its tree is parsed when first asked for. */
  function parse(file: string, text: string): HeldSource {
    failures.delete(file);
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_SOURCE_FILE_BYTES) {
      oversized.set(file, bytes);
      log(`planewise: ${relative(file)} is ${bytes} bytes, over the ${MAX_SOURCE_FILE_BYTES}-byte limit; not checked`);
    } else {
      oversized.delete(file);
    }
    const source = heldSource(file, oversized.has(file) ? '' : text);
    sources.set(file, source);
    return source;
  }

  function sourceOf(file: string): HeldSource | undefined {
    const existing = sources.get(file);
    if (existing !== undefined) return existing;
    if ((!files.has(file) && outsideFiles.get(file) !== true) || failures.has(file)) return undefined;
    const text = host.readFile(file);
    if (text === undefined) return undefined;
    return parse(file, text);
  }

  function factsOf(file: string): FileFacts | undefined {
    const cached = factsCache.get(file);
    if (cached !== undefined) return cached;
    const source = sourceOf(file);
    if (source === undefined || failures.has(file)) return undefined;
    const held = source.hasTree();
    let tree: ts.SourceFile;
    try {
      tree = source.compilerNode;
    } catch (error) {
      failures.set(file, failureReason('parsing it', error));
      return undefined;
    }
    try {
      const facts = extractFacts(file, tree);
      factsCache.set(file, facts);
      return facts;
    } catch (error) {
      failures.set(file, failureReason('reading its imports, exports and calls', error));
      return undefined;
    } finally {
      // Platform files keep their tree until checked: the license rule walks it.
      if (!held && !(factsCache.has(file) && files.has(file) && isPlatform(planeOf(file)))) source.releaseTree();
    }
  }

  function planeOf(file: string): PlaneAssignment {
    // Callers mostly pass the engine's own absolute paths: look those up before normalising.
    const hit = planeCache.get(file);
    if (hit !== undefined) return hit;
    const absolute = path.resolve(file);
    const cached = planeCache.get(absolute);
    if (cached !== undefined) return cached;
    const facts = files.has(absolute) || outsideFiles.get(absolute) === true ? factsOf(absolute) : undefined;
    const scope = scopes.configFor(absolute);
    const relativeToConfig = toPosix(path.relative(scope.config.baseDir, absolute));
    // Code that handles requests runs on the server, whatever its extension (a Remix route module in .tsx).
    const handlesRequests = (facts?.requestHandlers.length ?? 0) > 0;
    let assignment = assignPlane(relativeToConfig, facts?.planeComment, scope.matchers, !handlesRequests && facts !== undefined && (isBrowserCode(relativeToConfig, facts.useClient) || inBrowserPackage(absolute)));
    // A file that handles requests is execution code whatever its folder is called (app/api/reports/route.ts).
    if (assignment.source === 'default' && handlesRequests) {
      assignment = { plane: 'data', product: assignment.product, source: 'handler' };
    }
    planeCache.set(absolute, assignment);
    return assignment;
  }

  function resolveImport(from: string, fact: ImportFact): ImportTarget {
    return resolver.resolve(from, fact.specifier).target;
  }

  const importGraph = createImportGraph({ files: () => files, importTargets: (file) => (factsOf(file)?.imports ?? []).map((fact) => resolveImport(file, fact)) });
  const callGraph = createCallGraph({ files: () => files, facts: factsOf, resolveImport });

  /** How the checked files' imports resolved. */
  function resolutionOf(checked: Iterable<string>): ResolutionSummary {
    const tally = new ResolutionTally();
    for (const file of checked) {
      for (const fact of factsOf(file)?.imports ?? []) {
        const { target, kind } = resolver.resolve(file, fact.specifier);
        tally.add(kind, target.kind === 'file', { file: relative(file), line: fact.range.start.line + 1, specifier: fact.specifier });
      }
    }
    return tally.summary();
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
    resolveCall: callGraph.resolveCall,
    isProductPackage: productPackage,
    externalEntry: callGraph.externalEntry,
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
    files: () => [...files].sort(),
    readFile: (file: string) => host.readFile(file),
  };

  function severityOf(rule: Rule, file: string): RuleSeverity {
    return ruleOverrides[rule.meta.id] ?? scopes.configFor(file).rules.get(rule.meta.id)?.severity ?? rule.meta.defaultSeverity;
  }

  function optionsOf(rule: Rule, file: string): unknown {
    return scopes.configFor(file).rules.get(rule.meta.id)?.options ?? rule.defaultOptions;
  }

  function ruleContext(rule: Rule, file: string, facts: FileFacts, source: HeldSource, report: (report: RuleReport) => void): RuleContext<unknown> {
    return { file, facts, source, plane: planeOf(file), options: optionsOf(rule, file), project: view, report };
  }

  function checkFile(file: string): EngineFinding[] {
    try {
      return checkParsedFile(file);
    } finally {
      sources.get(file)?.releaseTree();
    }
  }

  function checkParsedFile(file: string): EngineFinding[] {
    const facts = factsOf(file);
    const source = sourceOf(file);
    const failure = failures.get(file);
    if (failure !== undefined) return [notCheckedFinding(file, relative(file), 'error', `Could not analyse this file: ${failure}. No rule checked it.`, 'failed')];
    if (facts === undefined || source === undefined) return [];
    const findings: EngineFinding[] = [];
    const size = oversized.get(file);
    if (size !== undefined) {
      const message = `Not checked: ${overLimit(size)}; no rule checked it. Split the file, or add it to "exclude" in ${CONFIG_FILE_NAME} if it is generated.`;
      findings.push(notCheckedFinding(file, relative(file), 'warn', message, 'tooLarge'));
    }
    const rel = relative(file);
    const ordinals = new Map<string, number>();
    for (const rule of allRules as Rule[]) {
      const severity = severityOf(rule, file);
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
          ...(report.viaImport === undefined ? {} : { viaImport: report.viaImport }),
          ...(report.importedNames === undefined ? {} : { importedNames: report.importedNames }),
        });
      };
      try {
        rule.check(ruleContext(rule, file, facts, source, report));
      } catch (error) {
        log(`planewise: rule ${rule.meta.id} failed on ${rel}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        const reason = failureReason(`running ${rule.meta.id}`, error);
        findings.push(notCheckedFinding(file, rel, 'error', `Could not check this file with ${rule.meta.id}: ${reason}. Its other rules ran.`, `rule:${rule.meta.id}`));
      }
    }
    return applySuppressions(file, source.getFullText(), foldImportFindings(findings, importRules), {
      relativePath: rel,
      severity: ruleOverrides[SUPPRESSION_RULE_ID] ?? 'error',
      knownRules,
      isEnabled: (ruleId) => {
        const rule = (allRules as Rule[]).find((candidate) => candidate.meta.id === ruleId);
        return rule !== undefined && severityOf(rule, file) !== 'off';
      },
    });
  }

  function configFindings(): Finding[] {
    configFindingsCache ??= configFileFindings({ loaded, matchers, files, listFiles: (include, exclude) => host.listFiles(root, include, exclude) });
    return configFindingsCache;
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
      let fileFindings: EngineFinding[];
      try {
        fileFindings = checkFile(file);
      } catch (error) {
        log(`planewise: checking ${relative(file)} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        fileFindings = [notCheckedFinding(file, relative(file), 'error', `Could not analyse this file: ${failureReason('checking it', error)}. No rule checked it.`, 'failed')];
      }
      findings.set(file, fileFindings);
    }
    return { findings, configFindings: configFindings(), cancelled };
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
      if (isResolutionInput(absolute)) {
        fileSetChanged();
        return;
      }
      if (!included(absolute)) return;
      const isNew = !files.has(absolute);
      files.add(absolute);
      if (factsCache.has(absolute)) {
        const before = callGraph.entryTargetsOf(absolute);
        if (before.size > 0) previousEntryTargets.set(absolute, new Set([...(previousEntryTargets.get(absolute) ?? []), ...before]));
      }
      factsCache.delete(absolute);
      planeCache.delete(absolute);
      const content = text ?? host.readFile(absolute);
      if (content === undefined) {
        engine.removeFile(absolute);
        return;
      }
      parse(absolute, content);
      // Imports and handler registrations of this file may have changed: rebuild the reverse indexes lazily.
      importGraph.invalidate();
      callGraph.invalidate();
      if (isNew) fileSetChanged();
    },
    removeFile(file) {
      const absolute = path.resolve(file);
      if (!files.delete(absolute)) return;
      factsCache.delete(absolute);
      failures.delete(absolute);
      oversized.delete(absolute);
      planeCache.delete(absolute);
      sources.delete(absolute);
      fileSetChanged();
    },
    reloadConfig() {
      factsCache.clear();
      failures.clear();
      oversized.clear();
      sources.clear();
      loadConfig();
    },
    setRuleOverrides(overrides) {
      ruleOverrides = { ...overrides };
    },
    affectedBy(changed) {
      const changedFiles: string[] = [];
      const entryTargets: string[] = [];
      for (const file of changed) {
        const absolute = path.resolve(file);
        if (path.basename(absolute) === CONFIG_FILE_NAME || isResolutionInput(absolute)) return [...files].sort();
        if (files.has(absolute)) changedFiles.push(absolute);
        // Files whose functions this one registers (or registered) as handlers gain or lose their entry-point status.
        entryTargets.push(...(previousEntryTargets.get(absolute) ?? []), ...callGraph.entryTargetsOf(absolute));
        previousEntryTargets.delete(absolute);
      }
      return [...new Set([...importGraph.importersOf(changedFiles), ...entryTargets])].sort();
    },
    check(targets, isCancelled) {
      const started = performance.now();
      const detailed = checkDetailed(targets, isCancelled);
      // Resolving every import first, so every tsconfig those imports need has been read and its problems are known.
      const resolution = resolutionOf(detailed.findings.keys());
      const findings = new Map<string, Finding[]>();
      for (const [file, fileFindings] of detailed.findings) findings.set(file, fileFindings.map(publicFinding));
      const planes: PlaneCounts = { data: 0, control: 0, intelligence: 0 };
      if (!detailed.cancelled) {
        for (const file of files) {
          const plane = planeOf(file).plane;
          if (plane !== undefined) planes[plane] += 1;
        }
      }
      return {
        findings,
        configFindings: [...detailed.configFindings, ...scopedConfigFindings(scopes, resolver)],
        filesChecked: detailed.findings.size,
        planes,
        durationMs: performance.now() - started,
        cancelled: detailed.cancelled,
        resolution,
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
        if (source !== undefined && finding.ruleId !== SUPPRESSION_RULE_ID && finding.ruleId !== NOT_CHECKED_RULE_ID) fixes.push(suppressFix(source, finding));
        if (rule?.meta.appliesTo === 'platform' && planeOf(absolute).source === 'default') fixes.push(declarePlaneFix(absolute, 'intelligence', [finding.fingerprint]));
        const meta = ruleMetas.find((candidate) => candidate.id === finding.ruleId);
        if (meta !== undefined) fixes.push(docsFix(meta, finding.fingerprint));
      }
      if (config.file === undefined && facts !== undefined) {
        const handlesRequests = (candidate: string) => (factsOf(candidate)?.requestHandlers.length ?? 0) > 0;
        const createConfig = createConfigFix(root, [...files], (candidate) => planeOf(candidate), handlesRequests, fileFindings.map((finding) => finding.fingerprint));
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
    const key = `${fix.title}\u0000${JSON.stringify(fix.changes)}\u0000${JSON.stringify(fix.command ?? null)}\u0000${fix.disabled?.reason ?? ''}`;
    const existing = seen.get(key);
    if (existing === undefined) seen.set(key, { ...fix, resolves: [...fix.resolves] });
    else existing.resolves.push(...fix.resolves.filter((fingerprint) => !existing.resolves.includes(fingerprint)));
  }
  return [...seen.values()];
}

/**
 * A file's text, and its syntax tree only while it is used. The engine keeps
 * every file's facts, but lets each tree go once its rules have run, and
 * a file that is not platform code as soon as its facts are read: holding
 * every tree of a large repository took most of a check's memory (about 500
 * MB of 650 at a 2,800-file root). Platform files keep theirs until checked,
 * since the license rule walks them; a rule that needs another tree again
 * (a trace write, a fix) parses it again.
 */
interface HeldSource extends ParsedSource {
  hasTree(): boolean;
  releaseTree(): void;
}

function heldSource(file: string, text: string): HeldSource {
  let tree: ts.SourceFile | undefined;
  return {
    get compilerNode() {
      // The plain parser, no language service: nothing here needs types.
      tree ??= ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
      return tree;
    },
    getFullText: () => text,
    hasTree: () => tree !== undefined,
    releaseTree: () => {
      tree = undefined;
    },
  };
}
