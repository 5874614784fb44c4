import type { BoundaryEngine, Fix } from '@planewise/analysis-core/boundary';

/** Any range covers "the whole file" for the engine's file-level fixes. */
const WHOLE_FILE = { start: { line: 0, character: 0 }, end: { line: Number.MAX_SAFE_INTEGER, character: 0 } };
/** The fix is the same on every file; asking a few is enough to find it, asking all would be slow on a big project. */
const MAX_FILES_ASKED = 20;

/**
 * The engine offers "Create planewise.config.json from the detected planes"
 * among a file's fixes while the folder has no config; find it on one of the
 * candidate files.
 */
export function findCreateConfigFix(engine: BoundaryEngine, configPath: string, candidates: Iterable<string>): Fix | undefined {
  let asked = 0;
  for (const file of candidates) {
    if (asked++ >= MAX_FILES_ASKED) break;
    const fix = engine.fixes(file, WHOLE_FILE).find((candidate) => candidate.changes.some((change) => change.kind === 'create' && change.file === configPath));
    if (fix) return fix;
  }
  return undefined;
}
