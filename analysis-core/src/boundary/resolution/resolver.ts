/**
 * Import resolution as the compiler does it, without node_modules: relative
 * paths, `paths`/`baseUrl` of the importing file's tsconfig, and workspace
 * packages mapped to their source. Answers are cached per (folder, specifier).
 */
import path from 'node:path';
import type { FileHost } from '../host';
import type { ImportTarget } from '../rule';
import { type AliasSet, createTsconfigIndex, type TsconfigProblem } from './tsconfig';
import { exportTargets, findWorkspace, splitSpecifier, type Workspace, type WorkspacePackage } from './workspaces';

/**
 * How an import was written: `asset` is an import of an existing file that is
 * not analysed source (a stylesheet, JSON, a declaration file), which is
 * nobody's problem.
 */
export type ImportKind = 'relative' | 'aliased' | 'workspace' | 'package' | 'asset';

export interface Resolution {
  target: ImportTarget;
  kind: ImportKind;
}

export interface Resolver {
  readonly workspace: Workspace | undefined;
  resolve(from: string, specifier: string): Resolution;
  problems(): TsconfigProblem[];
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const EMITTED = /\.(d\.[mc]?ts|[mc]?jsx?)$/;
/** Folders that hold build output by convention; their sources are usually in `src/`. */
const BUILD_FOLDERS = new Set(['dist', 'build', 'lib', 'out', 'esm', 'cjs']);

export function packageNameOf(specifier: string): string {
  return splitSpecifier(specifier.startsWith('node:') ? specifier.slice(5) : specifier)[0];
}

/**
 * `isSourceFile` says whether a path is a file the engine analyses (or may
 * read, for a workspace package outside the checked folder).
 */
export function createResolver(root: string, host: FileHost, isSourceFile: (file: string) => boolean): Resolver {
  const workspace = findWorkspace(host, root);
  const top = workspace?.root ?? root;
  /** Resolutions by folder and specifier, and the same by importing file. */
  const cache = new Map<string, Resolution>();
  const byFile = new Map<string, Map<string, Resolution>>();
  const tsconfigs = createTsconfigIndex(host, top, physicalPath);

  /** node_modules/@org/pkg/x of a workspace package that was never installed is <package folder>/x. */
  function physicalPath(file: string): string {
    const match = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)(.*)$/.exec(file);
    const found = match === null ? undefined : workspace?.packages.get(match[1]!.replace(/\\/g, '/'));
    return found === undefined ? file : found.dir + match![2]!;
  }

  function resolveBase(base: string): string | undefined {
    const candidates = [base, ...SOURCE_EXTENSIONS.map((extension) => base + extension), ...SOURCE_EXTENSIONS.map((extension) => path.join(base, `index${extension}`))];
    // ESM-style "./x.js" (or a package's "./dist/x.d.ts") names the compiled output of "./x.ts".
    const emitted = EMITTED.exec(base);
    if (emitted !== null) {
      const stem = base.slice(0, -emitted[0].length);
      candidates.push(...['.ts', '.tsx', '.mts', '.cts'].map((extension) => stem + extension));
    }
    return candidates.find(isSourceFile);
  }

  /** An existing file that is not analysed source: a stylesheet, an image, JSON, declarations (types only). */
  function isAsset(file: string): boolean {
    if (!SOURCE_EXTENSIONS.includes(path.extname(file)) && host.fileExists(file)) return true;
    return ['.d.ts', `${path.sep}index.d.ts`].some((declaration) => host.fileExists(file.replace(/\.[mc]?jsx?$/, '') + declaration));
  }

  function resolveAlias(sets: readonly AliasSet[], specifier: string): { file: string | undefined; matched: boolean; asset: boolean } {
    let matched = false;
    let asset = false;
    for (const set of sets) {
      for (const alias of set.paths) {
        const matches = alias.exact
          ? specifier === alias.prefix
          : specifier.startsWith(alias.prefix) && specifier.endsWith(alias.suffix) && specifier.length >= alias.prefix.length + alias.suffix.length;
        if (!matches) continue;
        // A catch-all "*" pattern also matches every npm package: failing it says nothing.
        if (alias.exact || alias.prefix !== '' || alias.suffix !== '') matched = true;
        const captured = alias.exact ? '' : specifier.slice(alias.prefix.length, specifier.length - alias.suffix.length);
        for (const target of alias.targets) {
          const found = resolveBase(target.replace('*', captured));
          if (found !== undefined) return { file: found, matched: true, asset: false };
          asset ||= isAsset(target.replace('*', captured));
        }
      }
      if (set.baseUrl !== undefined) {
        const found = resolveBase(path.resolve(set.baseUrl, specifier));
        if (found !== undefined) return { file: found, matched: true, asset: false };
      }
    }
    return { file: undefined, matched, asset };
  }

  /** The source file behind a package entry that may name build output (dist/index.js, dist/index.d.ts). */
  function sourceFor(pkg: WorkspacePackage, target: string): string | undefined {
    const direct = resolveBase(target);
    if (direct !== undefined) return direct;
    const stem = target.replace(EMITTED, '');
    const options = tsconfigs.configAt(path.join(pkg.dir, 'tsconfig.json'));
    if (options?.outDir !== undefined && stem.startsWith(options.outDir + path.sep)) {
      const found = resolveBase(path.join(options.rootDir ?? path.join(pkg.dir, 'src'), path.relative(options.outDir, stem)));
      if (found !== undefined) return found;
    }
    const segments = path.relative(pkg.dir, stem).split(path.sep);
    let first = 0;
    while (first < segments.length - 1 && BUILD_FOLDERS.has(segments[first]!)) first += 1;
    if (first === 0) return undefined;
    const rest = segments.slice(first).join(path.sep);
    return resolveBase(path.join(pkg.dir, 'src', rest)) ?? resolveBase(path.join(pkg.dir, rest));
  }

  function resolveWorkspacePackage(pkg: WorkspacePackage, subpath: string): string | undefined {
    const { manifest } = pkg;
    const exported = exportTargets(manifest.exports, subpath);
    const entries = exported ?? (subpath === '.' ? [manifest.types, manifest.typings, manifest.module, manifest.main] : [subpath]);
    for (const entry of entries) {
      if (typeof entry !== 'string') continue;
      const found = sourceFor(pkg, path.resolve(pkg.dir, entry));
      if (found !== undefined) return found;
    }
    const rest = subpath === '.' ? 'index' : subpath.slice(2);
    return resolveBase(path.join(pkg.dir, 'src', rest)) ?? resolveBase(path.join(pkg.dir, rest));
  }

  function resolveUncached(from: string, specifier: string): Resolution {
    if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
      const base = path.resolve(path.dirname(from), specifier);
      const file = resolveBase(base);
      if (file !== undefined) return { target: { kind: 'file', file }, kind: 'relative' };
      return { target: { kind: 'unresolved' }, kind: isAsset(base) ? 'asset' : 'relative' };
    }
    const alias = resolveAlias(tsconfigs.aliasSetsFor(from), specifier);
    if (alias.file !== undefined) return { target: { kind: 'file', file: alias.file }, kind: 'aliased' };
    const [name, subpath] = splitSpecifier(specifier);
    const pkg = workspace?.packages.get(name);
    if (pkg !== undefined) {
      const file = resolveWorkspacePackage(pkg, subpath);
      if (file !== undefined) return { target: { kind: 'file', file }, kind: 'workspace' };
      // A workspace package is never an npm package, even when its source cannot be found.
      return { target: { kind: 'unresolved' }, kind: isAsset(path.join(pkg.dir, subpath)) ? 'asset' : 'workspace' };
    }
    if (alias.matched) return { target: { kind: 'unresolved' }, kind: alias.asset ? 'asset' : 'aliased' };
    return { target: { kind: 'package', name: packageNameOf(specifier) }, kind: 'package' };
  }

  return {
    workspace,
    resolve(from, specifier) {
      // By file first: the same path and specifier strings come back, so no key string is built and hashed again.
      let known = byFile.get(from);
      if (known === undefined) byFile.set(from, (known = new Map()));
      let resolution = known.get(specifier);
      if (resolution === undefined) {
        const key = `${path.dirname(from)}\u0000${specifier}`;
        resolution = cache.get(key);
        if (resolution === undefined) cache.set(key, (resolution = resolveUncached(from, specifier)));
        known.set(specifier, resolution);
      }
      return resolution;
    },
    problems: () => tsconfigs.problems(),
  };
}
