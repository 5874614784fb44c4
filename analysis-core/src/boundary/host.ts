/**
 * Where the engine reads files from: the disk, or (for tests and the rule
 * tester) a map of paths to texts. Listing applies the config's include and
 * exclude globs relative to the root.
 */
import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { globSync } from 'tinyglobby';
import { escapesRoot } from './config';
import { toPosix } from './planes';

export interface FileHost {
  /** The text of a regular file; undefined for anything else (missing, a folder, a FIFO, a device). */
  readFile(file: string): string | undefined;
  /** Whether a regular file is there. */
  fileExists(file: string): boolean;
  /** Whether anything is there (a config path that is a folder or a FIFO is found, then reported). */
  pathExists(file: string): boolean;
  /** Absolute paths of the regular files under root matching include and not exclude. */
  listFiles(root: string, include: readonly string[], exclude: readonly string[]): string[];
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

export const diskHost: FileHost = {
  readFile(file) {
    let fd: number | undefined;
    try {
      // Non-blocking open: opening a FIFO for reading would otherwise wait for a writer forever.
      fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
      if (!fs.fstatSync(fd).isFile()) return undefined;
      return fs.readFileSync(fd, 'utf8');
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  },
  fileExists(file) {
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  },
  pathExists: (file) => fs.existsSync(file),
  listFiles(root, include, exclude) {
    const patterns = include.filter((glob) => !escapesRoot(glob));
    if (patterns.length === 0) return [];
    // Symlinked folders are not followed: they lead to cycles and to code outside the root.
    return globSync(patterns, { cwd: root, ignore: [...exclude], absolute: true, dot: false, followSymbolicLinks: false, onlyFiles: true })
      .map((file) => path.resolve(file))
      .filter((file) => isInside(root, file) && diskHost.fileExists(file));
  },
};

export function memoryHost(files: Record<string, string>): FileHost & { files: Map<string, string> } {
  const map = new Map(Object.entries(files).map(([file, text]) => [path.resolve(file), text]));
  return {
    files: map,
    readFile: (file) => map.get(path.resolve(file)),
    fileExists: (file) => map.has(path.resolve(file)),
    pathExists: (file) => map.has(path.resolve(file)),
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
