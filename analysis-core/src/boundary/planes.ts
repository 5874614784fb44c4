/**
 * Which plane a file belongs to, and whether it is product code. Order of
 * precedence: the file's own `// @plane` comment, then the config's globs,
 * then (only when the config declares no planes) folder-name defaults.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import { BROWSER_FOLDERS, DEFAULT_PLANE_FOLDERS, REQUEST_FOLDERS, type ResolvedConfig } from './config';
import type { Plane, PlaneAssignment } from './types';

export const PLANES: readonly Plane[] = ['data', 'control', 'intelligence'];

export function isPlane(value: string): value is Plane {
  return (PLANES as readonly string[]).includes(value);
}

export function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}

type Matcher = (relativePath: string) => boolean;

function matcher(globs: readonly string[]): Matcher {
  if (globs.length === 0) return () => false;
  return picomatch(globs as string[], { dot: true });
}

export interface PlaneMatchers {
  planes: Record<Plane, Matcher> | undefined;
  /** Each glob on its own, to report globs that match nothing and files in two planes. */
  planeGlobs: { plane: Plane; glob: string; index: number; matches: Matcher }[];
  product: Matcher;
  productPackage: Matcher;
}

export function planeMatchers(config: ResolvedConfig): PlaneMatchers {
  const planeGlobs: PlaneMatchers['planeGlobs'] = [];
  if (config.planes !== undefined) {
    for (const plane of PLANES) {
      config.planes[plane].forEach((glob, index) => planeGlobs.push({ plane, glob, index, matches: matcher([glob]) }));
    }
  }
  return {
    planes:
      config.planes === undefined
        ? undefined
        : { data: matcher(config.planes.data), control: matcher(config.planes.control), intelligence: matcher(config.planes.intelligence) },
    planeGlobs,
    product: matcher(config.productPaths),
    productPackage: matcher(config.productPackages),
  };
}

/**
 * The plane a folder name implies; the innermost matching folder wins, except
 * that an intelligence-plane name under a request-serving folder
 * (`app/api/reports/route.ts`) names a URL: the file serves requests.
 */
export function planeFromFolders(relativePath: string): Plane | undefined {
  const folders = relativePath.split('/').slice(0, -1);
  if (folders.some((folder) => BROWSER_FOLDERS.includes(folder))) return undefined;
  for (const [index, folder] of [...folders.entries()].reverse()) {
    for (const plane of PLANES) {
      if (!(DEFAULT_PLANE_FOLDERS[plane] as readonly string[]).includes(folder)) continue;
      if (plane === 'intelligence' && folders.slice(0, index).some((outer) => REQUEST_FOLDERS.includes(outer))) return 'data';
      return plane;
    }
  }
  return undefined;
}

/** Browser code: a `'use client'` module, or a React component file (.tsx/.jsx). Folder names give it no plane. */
export function isBrowserCode(relativePath: string, useClient: boolean): boolean {
  return useClient || /\.(tsx|jsx)$/.test(relativePath);
}

/** A `'use client'` directive before any statement (comments may precede it). */
export function hasUseClientDirective(text: string): boolean {
  return /^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*['"]use client['"]/.test(text.slice(0, 2000));
}

/**
 * A file in two planes is a config error (reported on the config); it is then
 * treated as platform so the runtime-protecting rules still apply.
 */
export function assignPlane(relativePath: string, commentPlane: Plane | undefined, matchers: PlaneMatchers, browser = false): PlaneAssignment {
  const product = matchers.product(relativePath);
  if (commentPlane !== undefined) return { plane: commentPlane, product, source: 'comment' };
  if (matchers.planes !== undefined) {
    for (const plane of PLANES) {
      if (matchers.planes[plane](relativePath)) return { plane, product, source: 'config' };
    }
    return { plane: undefined, product, source: 'none' };
  }
  const plane = browser ? undefined : planeFromFolders(relativePath);
  return plane === undefined ? { plane: undefined, product, source: 'none' } : { plane, product, source: 'default' };
}

/** Platform code: what runs while the system is alive, and is not product code. */
export function isPlatform(assignment: PlaneAssignment): boolean {
  return !assignment.product && (assignment.plane === 'data' || assignment.plane === 'control');
}

/** Product code: the intelligence plane or anything marked product. */
export function isProductSide(assignment: PlaneAssignment): boolean {
  return assignment.product || assignment.plane === 'intelligence';
}
