/**
 * Formats the code a fix writes with the project's own Prettier, when the
 * project has a Prettier config and Prettier installed: files the fix creates
 * whole, and in files it edits only what it inserted or replaced (the rest of
 * the file stays byte for byte as it was). Prettier 3 is asynchronous, so this
 * runs after the engine's synchronous fix computation, on a fix's changes.
 *
 * Loading a project's Prettier runs code from that project (its config, its
 * plugins): callers decide whether they may (a trusted workspace, the CLI).
 * Any Prettier failure leaves the change as the fix wrote it.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FileChange, Fix, Position, TextEdit } from '../types';

/** The part of Prettier's API used here; the same in Prettier 2 (synchronous `format`) and 3. */
interface PrettierApi {
  format(text: string, options: Record<string, unknown>): string | Promise<string>;
  resolveConfigFile(file: string): Promise<string | null>;
  resolveConfig(file: string, options: { editorconfig: boolean; useCache: boolean }): Promise<Record<string, unknown> | null>;
  getFileInfo(file: string, options: { ignorePath: string; plugins: unknown[]; resolveConfig: boolean }): Promise<{ ignored: boolean; inferredParser: string | null }>;
}

/** What a file is formatted with: its project's Prettier and the options its config gives it. */
interface FileFormatter {
  project: string;
  format(text: string, range?: { start: number; end: number }): Promise<string>;
}

/** How many formatting results are kept: the fixes of the lines an editor recently asked about. */
const RECENT_RESULTS = 64;

export interface ProjectPrettierOptions {
  /** Told once per project when its Prettier cannot be loaded or fails on a fix; the fix then stays unformatted. */
  log: (message: string) => void;
}

/**
 * The Prettier of each project, loaded once and kept: one per folder holding
 * `node_modules/prettier`. Configs are read again on every use, so an edited
 * `.prettierrc` applies to the next fix.
 */
export class ProjectPrettier {
  private readonly loaded = new Map<string, Promise<PrettierApi>>();
  private readonly logged = new Set<string>();
  /**
   * Recent results by input: an editor asks for the same fix's actions again
   * each time the cursor moves on its line, and formatting is the slow part.
   */
  private readonly recent = new Map<string, string>();

  constructor(private readonly options: ProjectPrettierOptions) {}

  /** The formatter for a file, or undefined when its project has no Prettier config or no Prettier installed. */
  async formatterFor(file: string): Promise<FileFormatter | undefined> {
    const project = projectWithPrettier(path.dirname(file));
    if (project === undefined) return undefined;
    let prettier: PrettierApi;
    try {
      prettier = await this.load(project);
    } catch (error) {
      this.failed(project, `could not load ${path.join(project, 'node_modules', 'prettier')}`, error);
      return undefined;
    }
    try {
      if ((await prettier.resolveConfigFile(file)) === null) return undefined;
      const config = (await prettier.resolveConfig(file, { editorconfig: true, useCache: false })) ?? {};
      const info = await prettier.getFileInfo(file, { ignorePath: path.join(project, '.prettierignore'), plugins: Array.isArray(config.plugins) ? config.plugins : [], resolveConfig: false });
      if (info.ignored || info.inferredParser === null) return undefined;
      return {
        project,
        format: async (text, range) => {
          // Existing files keep their line endings, whatever the config says: only the fix's lines may change.
          const options = { ...config, filepath: file, ...(range === undefined ? {} : { rangeStart: range.start, rangeEnd: range.end, endOfLine: 'auto' }) };
          const key = `${project}\0${JSON.stringify(options)}\0${text}`;
          const known = this.recent.get(key);
          if (known !== undefined) return known;
          const result = await prettier.format(text, options);
          if (this.recent.size >= RECENT_RESULTS) this.recent.delete(this.recent.keys().next().value!);
          this.recent.set(key, result);
          return result;
        },
      };
    } catch (error) {
      this.failed(project, `could not read the Prettier config for ${file}`, error);
      return undefined;
    }
  }

  /** Logs a failure once per project: every fix there falls back the same way, so once says it. */
  failed(project: string, what: string, error: unknown): void {
    if (this.logged.has(project)) return;
    this.logged.add(project);
    const reason = (error instanceof Error ? error.message : String(error)).split('\n').map((line) => line.trim()).filter((line) => line !== '').slice(0, 2).join(' ');
    this.options.log(`Prettier: ${what}; fixes in ${project} are written unformatted (${reason})`);
  }

  private load(project: string): Promise<PrettierApi> {
    let loading = this.loaded.get(project);
    if (loading === undefined) {
      // Resolved from the project itself, as Prettier's editor extensions do: never a copy of our own.
      loading = Promise.resolve().then(() => createRequire(path.join(project, 'package.json'))('prettier') as PrettierApi);
      this.loaded.set(project, loading);
      // A failed load is retried next time: the user may be installing it right now.
      loading.catch(() => this.loaded.delete(project));
    }
    return loading;
  }
}

/** The nearest folder, from `dir` upward, with Prettier installed in its node_modules. */
function projectWithPrettier(dir: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    if (fs.existsSync(path.join(current, 'node_modules', 'prettier', 'package.json'))) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

/**
 * The fix with the code it writes formatted by the project's Prettier (see
 * ProjectPrettier); `read` gives a file's current text (an open editor's, or
 * the disk's). Changes Prettier does not apply to are returned as they were.
 */
export async function formatFixChanges(fix: Fix, prettier: ProjectPrettier, read: (file: string) => string | undefined): Promise<Fix> {
  const changes = await formatFileChanges(fix.changes, prettier, read);
  return changes === fix.changes ? fix : { ...fix, changes };
}

/** formatFixChanges for changes of several fixes combined (fix-all): the same array when nothing changed. */
export async function formatFileChanges(changes: FileChange[], prettier: ProjectPrettier, read: (file: string) => string | undefined): Promise<FileChange[]> {
  if (changes.length === 0) return changes;
  const formatted = await Promise.all(changes.map((change) => formatChange(change, prettier, read)));
  return formatted.every((change, index) => change === changes[index]) ? changes : formatted;
}

async function formatChange(change: FileChange, prettier: ProjectPrettier, read: (file: string) => string | undefined): Promise<FileChange> {
  const formatter = await prettier.formatterFor(change.file);
  if (formatter === undefined) return change;
  try {
    if (change.kind === 'create') {
      const text = await formatter.format(change.text);
      return text === change.text ? change : { ...change, text };
    }
    const current = read(change.file);
    if (current === undefined) return change;
    const edits = await formatEdits(current, change.edits, formatter);
    return edits === change.edits ? change : { ...change, edits };
  } catch (error) {
    prettier.failed(formatter.project, `could not format the fix for ${change.file}`, error);
    return change;
  }
}

interface PlacedEdit {
  edit: TextEdit;
  /** Offsets in the original text. */
  start: number;
  end: number;
  /** Offsets of the inserted text in the text after all edits. */
  regionStart: number;
  regionEnd: number;
}

/**
 * Formats what each edit inserts, in the context of the whole file after the
 * fix, with Prettier's range formatting. Prettier's result for an edit is
 * kept only when everything it changed lies on the lines that edit wrote
 * (never in another edit's text): when it would reflow code around the
 * insertion, that edit stays as the fix wrote it.
 */
async function formatEdits(original: string, edits: TextEdit[], formatter: FileFormatter): Promise<TextEdit[]> {
  const starts = lineStarts(original);
  const sorted = edits
    .map((edit) => ({ edit, start: offsetOf(starts, original, edit.range.start), end: offsetOf(starts, original, edit.range.end) }))
    .sort((a, b) => a.start - b.start);
  if (sorted.some((placed, index) => placed.start > placed.end || (index > 0 && placed.start < sorted[index - 1]!.end))) return edits;
  let text = '';
  let cursor = 0;
  const placed: PlacedEdit[] = sorted.map(({ edit, start, end }) => {
    text += original.slice(cursor, start);
    const regionStart = text.length;
    text += edit.newText;
    cursor = end;
    return { edit, start, end, regionStart, regionEnd: text.length };
  });
  text += original.slice(cursor);

  const formatted = new Map<TextEdit, TextEdit>();
  // Last first: formatting an edit then moves no edit still to be formatted.
  for (let index = placed.length - 1; index >= 0; index--) {
    const { edit, start, end, regionStart, regionEnd } = placed[index]!;
    // A snippet edit is applied as its snippet; a blank insertion or a deletion has no code to format.
    if (edit.snippet !== undefined || edit.newText.trim() === '') continue;
    const windowStart = Math.max(text.lastIndexOf('\n', regionStart - 1) + 1, index > 0 ? placed[index - 1]!.regionEnd : 0);
    const lineEnd = regionEnd > regionStart && text[regionEnd - 1] === '\n' ? regionEnd : indexOrEnd(text, '\n', regionEnd);
    const windowEnd = Math.min(lineEnd, index + 1 < placed.length ? placed[index + 1]!.regionStart : text.length);
    // Prettier formats the statements a range touches; a range that starts on a comment would take in the whole enclosing function.
    const codeStart = skipCommentsAndSpace(text, regionStart, regionEnd);
    if (codeStart === regionEnd) continue;
    const result = await formatter.format(text, { start: codeStart, end: regionEnd });
    if (result === text) continue;
    const { prefix, suffix } = commonEnds(text, result);
    if (prefix < windowStart || text.length - suffix > windowEnd) continue;
    // The edit grows past what it wrote only as far as Prettier changed the lines around it.
    const editStart = Math.min(regionStart, prefix);
    const editEnd = Math.max(regionEnd, text.length - suffix);
    formatted.set(edit, {
      range: { start: positionOf(starts, start - (regionStart - editStart)), end: positionOf(starts, end + (editEnd - regionEnd)) },
      newText: result.slice(editStart, editEnd + result.length - text.length),
    });
    text = result;
  }
  return formatted.size === 0 ? edits : edits.map((edit) => formatted.get(edit) ?? edit);
}

/** The first offset from `from` (before `to`) that is neither whitespace nor inside a comment. */
function skipCommentsAndSpace(text: string, from: number, to: number): number {
  let offset = from;
  while (offset < to) {
    if (/\s/.test(text[offset]!)) offset += 1;
    else if (text.startsWith('//', offset)) offset = indexOrEnd(text, '\n', offset);
    else if (text.startsWith('/*', offset)) offset = Math.min(indexOrEnd(text, '*/', offset + 2) + 2, text.length);
    else break;
  }
  return Math.min(offset, to);
}

function commonEnds(a: string, b: string): { prefix: number; suffix: number } {
  const limit = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix += 1;
  let suffix = 0;
  while (suffix < limit - prefix && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) suffix += 1;
  return { prefix, suffix };
}

function indexOrEnd(text: string, search: string, from: number): number {
  const found = text.indexOf(search, from);
  return found === -1 ? text.length : found;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

/** LSP positions count UTF-16 code units, as JavaScript string offsets do. */
function offsetOf(starts: readonly number[], text: string, position: Position): number {
  const lineStart = starts[position.line];
  return lineStart === undefined ? text.length : Math.min(lineStart + position.character, text.length);
}

function positionOf(starts: readonly number[], offset: number): Position {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low, character: offset - starts[low]! };
}
