/**
 * Where the engine reads files from: the disk, or (for tests and the rule
 * tester) a map of paths to texts. Listing applies the config's include and
 * exclude globs relative to the root.
 */
import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { globSync } from 'tinyglobby';
import { toPosix } from './planes';

export interface FileHost {
  readFile(file: string): string | undefined;
  fileExists(file: string): boolean;
  /** Absolute paths of the files under root matching include and not exclude. */
  listFiles(root: string, include: readonly string[], exclude: readonly string[]): string[];
}

export const diskHost: FileHost = {
  readFile(file) {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
  fileExists(file) {
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  },
  listFiles(root, include, exclude) {
    // Symlinked folders are not followed: they lead to cycles and to code outside the root.
    return globSync([...include], { cwd: root, ignore: [...exclude], absolute: true, dot: false, followSymbolicLinks: false, onlyFiles: true }).map((file) =>
      path.resolve(file),
    );
  },
};

export function memoryHost(files: Record<string, string>): FileHost & { files: Map<string, string> } {
  const map = new Map(Object.entries(files).map(([file, text]) => [path.resolve(file), text]));
  return {
    files: map,
    readFile: (file) => map.get(path.resolve(file)),
    fileExists: (file) => map.has(path.resolve(file)),
    listFiles(root, include, exclude) {
      const included = picomatch([...include], { dot: false });
      const excluded = picomatch([...exclude], { dot: true });
      return [...map.keys()].filter((file) => {
        const relative = toPosix(path.relative(root, file));
        return !relative.startsWith('..') && included(relative) && !excluded(relative);
      });
    },
  };
}
