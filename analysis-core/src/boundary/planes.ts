/**
 * Which plane a file belongs to, and whether it is product code. Order of
 * precedence: the file's own `// @plane` comment, then the config's globs,
 * then (only when the config declares no planes) folder-name defaults.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import { DEFAULT_PLANE_FOLDERS, type ResolvedConfig } from './config';
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

/** The plane a folder name implies; the innermost matching folder wins. */
export function planeFromFolders(relativePath: string): Plane | undefined {
  const folders = relativePath.split('/').slice(0, -1).reverse();
  for (const folder of folders) {
    for (const plane of PLANES) {
      if ((DEFAULT_PLANE_FOLDERS[plane] as readonly string[]).includes(folder)) return plane;
    }
  }
  return undefined;
}

/**
 * A file in two planes is a config error (reported on the config); it is then
 * treated as platform so the runtime-protecting rules still apply.
 */
export function assignPlane(relativePath: string, commentPlane: Plane | undefined, matchers: PlaneMatchers): PlaneAssignment {
  const product = matchers.product(relativePath);
  if (commentPlane !== undefined) return { plane: commentPlane, product, source: 'comment' };
  if (matchers.planes !== undefined) {
    for (const plane of PLANES) {
      if (matchers.planes[plane](relativePath)) return { plane, product, source: 'config' };
    }
    return { plane: undefined, product, source: 'none' };
  }
  const plane = planeFromFolders(relativePath);
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
