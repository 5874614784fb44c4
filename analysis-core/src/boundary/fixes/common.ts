/**
 * Code actions every finding gets (suppress with a reason, open the rule's
 * docs) and "Create planewise.config.json from the detected planes".
 */
import path from 'node:path';
import { CONFIG_FILE_NAME, DEFAULT_PLANE_FOLDERS } from '../config';
import { PLANES, toPosix } from '../planes';
import type { ParsedSource } from '../rule';
import { suppressionComment, suppressionSnippet } from '../suppressions';
import type { Finding, Fix, Plane, PlaneAssignment, RuleMeta } from '../types';

export const OPEN_RULE_DOCS_COMMAND = 'planewise.openRuleDocs';

export function suppressFix(source: ParsedSource, finding: Finding): Fix {
  const line = finding.range.start.line;
  const lineText = source.getFullText().split('\n')[line] ?? '';
  const indent = /^\s*/.exec(lineText)?.[0] ?? '';
  return {
    title: `Suppress ${finding.ruleId} on this line (write the reason after --)`,
    kind: 'quickfix',
    resolves: [finding.fingerprint],
    changes: [{ kind: 'edit', file: finding.file, edits: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: suppressionComment(finding.ruleId, indent), snippet: suppressionSnippet(finding.ruleId, indent) }] }],
  };
}

export function docsFix(meta: RuleMeta, fingerprint: string): Fix {
  return {
    title: `Open documentation for ${meta.id}`,
    kind: 'quickfix',
    resolves: [fingerprint],
    changes: [],
    command: { title: `Open documentation for ${meta.id}`, id: OPEN_RULE_DOCS_COMMAND, arguments: [meta.id, meta.docs.page] },
  };
}

/**
 * The config a user would write from what the engine found: the folders that
 * gave each plane its files, as globs, and every file that defines or
 * registers request handlers in a folder named for another plane (data plane
 * by its handlers), by name, so that writing the config keeps it data plane.
 */
export function detectedPlaneGlobs(root: string, files: readonly string[], planeOf: (file: string) => PlaneAssignment): Record<Plane, string[]> {
  const globs: Record<Plane, Set<string>> = { data: new Set(), control: new Set(), intelligence: new Set() };
  for (const file of files) {
    const assignment = planeOf(file);
    if (assignment.plane === undefined) continue;
    if (assignment.source === 'handler') {
      globs[assignment.plane].add(toPosix(path.relative(root, file)));
      continue;
    }
    if (assignment.source !== 'default') continue;
    const folders = toPosix(path.relative(root, path.dirname(file))).split('/');
    // Cut at the folder that gave the plane, so one glob covers the whole folder.
    const cut = folders.findLastIndex((folder) => planeFolderMatches(folder, assignment.plane!));
    globs[assignment.plane].add(`${folders.slice(0, cut + 1).join('/')}/**`);
  }
  return { data: [...globs.data].sort(), control: [...globs.control].sort(), intelligence: [...globs.intelligence].sort() };
}

function planeFolderMatches(folder: string, plane: Plane): boolean {
  return PLANE_FOLDER_NAMES[plane].includes(folder);
}

const PLANE_FOLDER_NAMES: Record<Plane, readonly string[]> = DEFAULT_PLANE_FOLDERS;
/** How many names a fix's detail lists before "and N more". */
const LISTED_NAMES = 8;

function listed(names: readonly string[]): string {
  return names.length <= LISTED_NAMES ? names.join(', ') : `${names.slice(0, LISTED_NAMES).join(', ')} and ${names.length - LISTED_NAMES} more`;
}

/**
 * What the config leaves to the user: the files it put in the data plane for
 * their request handlers, and the folders it could give no plane, with the
 * request handlers found there (entry points the rules check whatever their plane).
 */
function createConfigDetail(root: string, files: readonly string[], planeOf: (file: string) => PlaneAssignment, handlesRequests: (file: string) => boolean): string | undefined {
  const handlers: string[] = [];
  const unassigned = new Map<string, string[]>();
  for (const file of files) {
    const assignment = planeOf(file);
    const relative = toPosix(path.relative(root, file));
    if (assignment.source === 'handler') handlers.push(relative);
    else if (assignment.plane === undefined && !assignment.product) {
      const folder = relative.includes('/') ? `${path.posix.dirname(relative)}/` : relative;
      const entries = unassigned.get(folder) ?? [];
      if (handlesRequests(file)) entries.push(path.posix.basename(relative));
      unassigned.set(folder, entries);
    }
  }
  const parts: string[] = [];
  if (handlers.length > 0) parts.push(`Request handlers put in the data plane: ${listed(handlers.sort())}.`);
  if (unassigned.size > 0) {
    const folders = [...unassigned].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([folder, entries]) => (entries.length === 0 ? folder : `${folder} (request handlers: ${entries.sort().join(', ')})`));
    parts.push(`No plane for: ${listed(folders)}; add those that hold platform code to "planes".`);
  }
  return parts.length === 0 ? undefined : parts.join(' ');
}

export function createConfigFix(root: string, files: readonly string[], planeOf: (file: string) => PlaneAssignment, handlesRequests: (file: string) => boolean, resolves: string[]): Fix | undefined {
  const planes = detectedPlaneGlobs(root, files, planeOf);
  if (PLANES.every((plane) => planes[plane].length === 0)) return undefined;
  const text = `${JSON.stringify({ planes, productPackages: [] }, null, 2)}\n`;
  const detail = createConfigDetail(root, files, planeOf, handlesRequests);
  return {
    title: `Create ${CONFIG_FILE_NAME} from the detected planes`,
    kind: 'quickfix',
    resolves,
    changes: [{ kind: 'create', file: path.join(root, CONFIG_FILE_NAME), text }],
    ...(detail !== undefined ? { detail } : {}),
  };
}

/**
 * For platform findings in a file whose plane only came from its folder name:
 * the file may really be analysis that sits in the wrong folder.
 */
export function declarePlaneFix(file: string, plane: Plane, resolves: string[]): Fix {
  return {
    title: `Declare this file ${plane}-plane code (// @plane ${plane})`,
    kind: 'quickfix',
    resolves,
    changes: [{ kind: 'edit', file, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `// @plane ${plane}\n` }] }],
  };
}
