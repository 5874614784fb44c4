/**
 * The compiler options that decide how a file's imports resolve: the nearest
 * tsconfig.json up from the file, read by TypeScript's own config reader
 * (so `extends` chains, `paths` relative to the config that declares them and
 * `baseUrl` mean what they mean to the compiler), plus the configs it lists
 * in `references`. A config that cannot be read is a problem reported on it,
 * never a reason to stop.
 */
import path from 'node:path';
import { ts } from '../compiler';
import type { FileHost } from '../host';
import type { Range } from '../types';

/** One `paths` entry: `@/*` is prefix "@/", suffix "", targets absolute with their own `*`. */
export interface PathPattern {
  prefix: string;
  suffix: string;
  exact: boolean;
  targets: string[];
}

/** What one tsconfig contributes to resolving a non-relative import. */
export interface AliasSet {
  configFile: string;
  baseUrl: string | undefined;
  /** Longest prefix first, as the compiler matches them. */
  paths: PathPattern[];
  rootDir: string | undefined;
  outDir: string | undefined;
}

export interface TsconfigProblem {
  file: string;
  range: Range;
  message: string;
}

export interface TsconfigIndex {
  /** The alias sets that apply to `file`: its nearest tsconfig.json first, then the configs that one references. */
  aliasSetsFor(file: string): readonly AliasSet[];
  /** The parsed config at exactly this path (e.g. a package's own tsconfig.json), if it exists. */
  configAt(configFile: string): AliasSet | undefined;
  problems(): TsconfigProblem[];
}

/** TypeScript reports a config without inputs; the engine never asks the parser for inputs. */
const NO_INPUTS_FOUND = 18003;
const FILE_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * `top` bounds the walk up from a file (the repository's top: the workspace
 * root, or the engine root). `physicalPath` maps paths TypeScript asks for
 * (e.g. node_modules/@org/tsconfig/base.json for an `extends` of a workspace
 * package that was never installed) to where the file is in the repository.
 */
export function createTsconfigIndex(host: FileHost, top: string, physicalPath: (file: string) => string): TsconfigIndex {
  const nearestByDir = new Map<string, string | null>();
  const parsedByFile = new Map<string, AliasSet | null>();
  const setsByConfig = new Map<string, AliasSet[]>();
  const extendedCache = new Map<string, ts.ExtendedConfigCacheEntry>();
  const problems = new Map<string, TsconfigProblem>();

  const parseHost: ts.ParseConfigFileHost = {
    useCaseSensitiveFileNames: true,
    getCurrentDirectory: () => top,
    fileExists: (file) => host.fileExists(physicalPath(file)),
    readFile: (file) => host.readFile(physicalPath(file)),
    // Only options are wanted, not the list of inputs.
    readDirectory: () => [],
    onUnRecoverableConfigFileDiagnostic: () => {},
  };

  function report(configFile: string, diagnostic: ts.Diagnostic): void {
    const file = diagnostic.file !== undefined ? physicalPath(diagnostic.file.fileName) : configFile;
    let range = FILE_START;
    if (diagnostic.file !== undefined && diagnostic.start !== undefined) {
      const start = ts.getLineAndCharacterOfPosition(diagnostic.file, diagnostic.start);
      const end = ts.getLineAndCharacterOfPosition(diagnostic.file, diagnostic.start + (diagnostic.length ?? 0));
      range = { start, end };
    }
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    const message = `${path.basename(file)}: ${text.replace(/\.?$/, '.')} Imports of files under it may not resolve until this is fixed.`;
    problems.set(`${file}\u0000${range.start.line}\u0000${text}`, { file, range, message });
  }

  function parse(configFile: string): AliasSet | undefined {
    const known = parsedByFile.get(configFile);
    if (known !== undefined) return known ?? undefined;
    let set: AliasSet | null = null;
    if (host.fileExists(configFile)) {
      const diagnostics: ts.Diagnostic[] = [];
      const parsed = ts.getParsedCommandLineOfConfigFile(configFile, undefined, { ...parseHost, onUnRecoverableConfigFileDiagnostic: (diagnostic) => diagnostics.push(diagnostic) }, extendedCache);
      diagnostics.push(...(parsed?.errors ?? []));
      for (const diagnostic of diagnostics) if (diagnostic.code !== NO_INPUTS_FOUND) report(configFile, diagnostic);
      if (parsed !== undefined) set = aliasSetOf(configFile, parsed);
    }
    parsedByFile.set(configFile, set);
    return set ?? undefined;
  }

  function aliasSetOf(configFile: string, parsed: ts.ParsedCommandLine): AliasSet {
    const options = parsed.options;
    // A config extended through node_modules has its folders there: map them back to the repository.
    const folder = (dir: string | undefined) => (dir === undefined ? undefined : physicalPath(dir));
    const baseUrl = folder(options.baseUrl);
    // Without baseUrl, `paths` are relative to the config that declares them (TypeScript keeps that folder as pathsBasePath).
    const pathsBase = baseUrl ?? folder((options as { pathsBasePath?: string }).pathsBasePath) ?? path.dirname(configFile);
    const paths: PathPattern[] = [];
    for (const [pattern, targets] of Object.entries(options.paths ?? {})) {
      const star = pattern.indexOf('*');
      paths.push({
        prefix: star === -1 ? pattern : pattern.slice(0, star),
        suffix: star === -1 ? '' : pattern.slice(star + 1),
        exact: star === -1,
        targets: targets.map((target) => path.resolve(pathsBase, target)),
      });
    }
    paths.sort((a, b) => b.prefix.length - a.prefix.length);
    return { configFile, baseUrl, paths, rootDir: folder(options.rootDir), outDir: folder(options.outDir) };
  }

  /** The config and the ones it references, depth first, each once. */
  function setsOf(configFile: string): AliasSet[] {
    const cached = setsByConfig.get(configFile);
    if (cached !== undefined) return cached;
    const sets: AliasSet[] = [];
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const set = parse(file);
      if (set === undefined) return;
      sets.push(set);
      for (const reference of referencesOf(file)) visit(reference);
    };
    visit(configFile);
    setsByConfig.set(configFile, sets);
    return sets;
  }

  function referencesOf(configFile: string): string[] {
    const text = host.readFile(configFile);
    if (text === undefined) return [];
    const json = ts.parseConfigFileTextToJson(configFile, text).config as { references?: unknown } | undefined;
    if (!Array.isArray(json?.references)) return [];
    return json.references
      .map((reference: unknown) => (reference as { path?: unknown } | null)?.path)
      .filter((reference): reference is string => typeof reference === 'string')
      .map((reference) => ts.resolveProjectReferencePath({ path: path.resolve(path.dirname(configFile), reference) }));
  }

  function nearestConfig(dir: string): string | undefined {
    const known = nearestByDir.get(dir);
    if (known !== undefined) return known ?? undefined;
    const candidate = path.join(dir, 'tsconfig.json');
    let found: string | undefined;
    if (host.fileExists(candidate)) found = candidate;
    else if (dir !== top && dir.startsWith(top + path.sep)) found = nearestConfig(path.dirname(dir));
    nearestByDir.set(dir, found ?? null);
    return found;
  }

  return {
    aliasSetsFor(file) {
      const config = nearestConfig(path.dirname(file));
      return config === undefined ? [] : setsOf(config);
    },
    configAt: (configFile) => parse(configFile),
    problems: () => [...problems.values()],
  };
}
