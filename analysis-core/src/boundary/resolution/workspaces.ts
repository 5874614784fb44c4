/**
 * Workspace packages: the folders an npm/yarn `workspaces` list or a
 * pnpm-workspace.yaml `packages:` list names, by package name, so that
 * `@org/lib` resolves to the library's source in the repository instead of
 * passing for an npm package.
 */
import path from 'node:path';
import type { FileHost } from '../host';

export interface PackageManifest {
  name?: unknown;
  exports?: unknown;
  types?: unknown;
  typings?: unknown;
  main?: unknown;
  module?: unknown;
}

export interface WorkspacePackage {
  name: string;
  dir: string;
  manifest: PackageManifest;
}

export interface Workspace {
  /** The folder holding the workspace list. */
  root: string;
  packages: Map<string, WorkspacePackage>;
}

/** The `packages:` list of a pnpm-workspace.yaml: the only part read, so a small reader does. */
export function pnpmWorkspacePatterns(text: string): string[] {
  const patterns: string[] = [];
  let inPackages = false;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/\s+#.*$/, '').replace(/^#.*$/, '');
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) {
      inPackages = /^packages\s*:\s*$/.test(line);
      continue;
    }
    const item = inPackages ? /^\s*-\s*(.+?)\s*$/.exec(line) : null;
    if (item !== null) patterns.push(item[1]!.replace(/^(['"])(.*)\1$/, '$2'));
  }
  return patterns;
}

function workspacePatterns(manifest: unknown): string[] | undefined {
  const workspaces = (manifest as { workspaces?: unknown } | null)?.workspaces;
  const list = Array.isArray(workspaces) ? workspaces : (workspaces as { packages?: unknown } | undefined)?.packages;
  return Array.isArray(list) ? list.filter((pattern): pattern is string => typeof pattern === 'string') : undefined;
}

function readJson(host: FileHost, file: string): unknown {
  const text = host.readFile(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The workspace that `start` is in: the nearest folder at or above it that declares workspaces. */
export function findWorkspace(host: FileHost, start: string): Workspace | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const pnpm = host.readFile(path.join(dir, 'pnpm-workspace.yaml'));
    const patterns = pnpm !== undefined ? pnpmWorkspacePatterns(pnpm) : workspacePatterns(readJson(host, path.join(dir, 'package.json')));
    if (patterns !== undefined) return { root: dir, packages: listPackages(host, dir, patterns) };
    if (path.dirname(dir) === dir) return undefined;
  }
}

function listPackages(host: FileHost, root: string, patterns: readonly string[]): Map<string, WorkspacePackage> {
  const toManifestGlob = (pattern: string) => `${pattern.replace(/^\.\//, '').replace(/\/+$/, '')}/package.json`.replace(/^\.?\/?package\.json$/, 'package.json');
  const include = patterns.filter((pattern) => !pattern.startsWith('!')).map(toManifestGlob);
  const exclude = ['**/node_modules/**', ...patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => toManifestGlob(pattern.slice(1)))];
  const packages = new Map<string, WorkspacePackage>();
  for (const manifestFile of host.listFiles(root, include, exclude).sort()) {
    const manifest = readJson(host, manifestFile) as PackageManifest | undefined;
    if (typeof manifest?.name !== 'string' || packages.has(manifest.name)) continue;
    packages.set(manifest.name, { name: manifest.name, dir: path.dirname(manifestFile), manifest });
  }
  return packages;
}

/** `@org/pkg/sub/path` -> ["@org/pkg", "./sub/path"]; `lib` -> ["lib", "."]. */
export function splitSpecifier(specifier: string): [name: string, subpath: string] {
  const parts = specifier.split('/');
  const length = specifier.startsWith('@') ? 2 : 1;
  const rest = parts.slice(length).join('/');
  return [parts.slice(0, length).join('/'), rest === '' ? '.' : `./${rest}`];
}

/** Condition preference when a package's `exports` offers several. */
const CONDITIONS = ['types', 'import', 'default', 'require'];

/**
 * The files `exports` maps a subpath to, most preferred first (relative to
 * the package folder); undefined when the package has no `exports`.
 */
export function exportTargets(exports: unknown, subpath: string): string[] | undefined {
  if (exports === undefined || exports === null) return undefined;
  const isSubpathMap = typeof exports === 'object' && !Array.isArray(exports) && Object.keys(exports).some((key) => key.startsWith('.'));
  if (!isSubpathMap) return subpath === '.' ? conditionTargets(exports, '') : [];
  const map = exports as Record<string, unknown>;
  if (subpath in map) return conditionTargets(map[subpath], '');
  // Subpath patterns: the longest prefix before `*` wins.
  let best: { key: string; captured: string } | undefined;
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*');
    if (star === -1) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1 && (best === undefined || prefix.length > best.key.indexOf('*'))) {
      best = { key, captured: subpath.slice(prefix.length, subpath.length - suffix.length) };
    }
  }
  return best === undefined ? [] : conditionTargets(map[best.key], best.captured);
}

function conditionTargets(value: unknown, captured: string): string[] {
  if (typeof value === 'string') return [value.replaceAll('*', captured)];
  if (Array.isArray(value)) return value.flatMap((item) => conditionTargets(item, captured));
  if (value === null || typeof value !== 'object') return [];
  const conditions = value as Record<string, unknown>;
  const keys = [...CONDITIONS.filter((key) => key in conditions), ...Object.keys(conditions).filter((key) => !CONDITIONS.includes(key))];
  return keys.flatMap((key) => conditionTargets(conditions[key], captured));
}
