/**
 * The project's import graph, reversed: which files import a file. Built
 * lazily from the files' facts and dropped whenever a file's imports or the
 * set of files change; it answers which files a change can affect.
 */
import path from 'node:path';
import type { ImportTarget } from './rule';

export interface ImportGraph {
  /** The given files and every file that imports one of them, directly or through others. */
  importersOf(files: Iterable<string>): Set<string>;
  /** Edges changed (a file's imports, or which files exist): rebuilt on the next question. */
  invalidate(): void;
}

export interface ImportGraphSource {
  files(): Iterable<string>;
  /** Where each import of a file points, type-only ones included. */
  importTargets(file: string): Iterable<ImportTarget>;
}

export function createImportGraph(source: ImportGraphSource): ImportGraph {
  let importers: Map<string, Set<string>> | undefined;

  function index(): Map<string, Set<string>> {
    if (importers !== undefined) return importers;
    importers = new Map();
    for (const file of source.files()) {
      for (const target of source.importTargets(file)) {
        if (target.kind !== 'file') continue;
        let set = importers.get(target.file);
        if (set === undefined) importers.set(target.file, (set = new Set()));
        set.add(file);
      }
    }
    return importers;
  }

  return {
    importersOf(files) {
      const result = new Set<string>();
      const queue: string[] = [];
      for (const file of files) {
        if (result.has(file)) continue;
        result.add(file);
        queue.push(file);
      }
      const byTarget = index();
      while (queue.length > 0) {
        const file = queue.pop()!;
        for (const importer of byTarget.get(file) ?? []) {
          if (!result.has(importer)) {
            result.add(importer);
            queue.push(importer);
          }
        }
      }
      return result;
    },
    invalidate() {
      importers = undefined;
    },
  };
}

/** Files whose change can change how imports resolve. */
export function isResolutionInput(file: string): boolean {
  const name = path.basename(file);
  return /^tsconfig(\..+)?\.json$/.test(name) || name === 'package.json' || name === 'pnpm-workspace.yaml';
}
