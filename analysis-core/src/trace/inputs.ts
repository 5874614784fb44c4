/**
 * What the user named on the command line -> the trace files to read. A path
 * that exists is a file or a directory (searched recursively for trace files);
 * otherwise a pattern with glob characters is expanded; `-` is stdin. A file
 * reached twice (named twice, through a symlink, through a linked directory)
 * is read once.
 */
import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { glob, isDynamicPattern } from 'tinyglobby';

const withGzip = (patterns: string[]) => patterns.flatMap((pattern) => [pattern, `${pattern}.gz`]);

/** The extensions the Collector's file exporter is given for OTLP files here: JSON Lines and protobuf records. */
const OTLP_EXTENSIONS = '{json,jsonl,pb,proto}';
/**
 * The timestamp the exporter's `rotation` puts before the last extension of
 * a backup (`traces.otlp-2025-04-30T15-00-00.000-size.pb` for
 * `traces.otlp.pb`); '-' sorts before '.', so backups come before the live
 * file, oldest first.
 */
const ROTATION_STAMP = '[0-9][0-9][0-9][0-9]-*';

/**
 * Paths a directory search picks up; named files are read whatever their
 * name. OpenTelemetry Collector files are taken as `*.otlp.<ext>`, with
 * `.zst` for the exporter's whole-file compression and with its rotated
 * backups (any form is told from the content, not the name). CloudTrail files are taken by their delivery name or their place
 * under `AWSLogs/`, never from the `CloudTrail-Digest` folders beside them
 * (integrity digests, not records); Kubernetes audit logs by the API
 * server's usual names, rotated files included.
 */
export const TRACE_FILE_PATTERNS = [
  ...withGzip(['**/*.trace.jsonl', '**/*.otlp.json', '**/*.otlp.jsonl']),
  '**/*.otlp.{pb,proto}',
  `**/*.otlp.${OTLP_EXTENSIONS}.zst`,
  `**/*.otlp-${ROTATION_STAMP}.${OTLP_EXTENSIONS}`,
  `**/*.otlp.${OTLP_EXTENSIONS}-${ROTATION_STAMP}.zst`,
  '**/*_CloudTrail_*.json.gz',
  '**/AWSLogs/**/CloudTrail/**/*.json.gz',
  ...withGzip(['**/audit.log', '**/audit-*.log', '**/*-audit.log', '**/*.audit.log', '**/*.audit.jsonl']),
];
const LOOKED_FOR = TRACE_FILE_PATTERNS.filter((pattern) => !pattern.endsWith('.gz') || pattern.includes('CloudTrail'))
  .map((pattern) => pattern.replace(/^\*\*\//, ''))
  .join(', ')
  .concat(' (plain or .gz)');
/** Matches absolute paths with '/' separators; `dot` because the folders above the one searched may be hidden. */
const isTracePath = picomatch(TRACE_FILE_PATTERNS, { dot: true });
const isTraceFile = (full: string) => isTracePath(full.split(path.sep).join('/'));

/**
 * `file`: a regular file, read by position (ranges, checkpoints, threads).
 * `stream`: a named pipe, process substitution (`<(cat f)`) or character
 * device, which cannot seek and has no size, so it is read front to back.
 */
export type TraceSource = { kind: 'file'; path: string; name: string; size: number } | { kind: 'stream'; path: string; name: string } | { kind: 'stdin'; name: string };

/** An input that names nothing readable. */
export class TraceInputError extends Error {}

/** A directory (or a file in one) that exists but cannot be read: an input error, never a silent skip. */
export class UnreadableInputError extends TraceInputError {}

/** The file system calls a directory search makes; tests pass one that fails where they want. */
export interface InputFs {
  readdirSync(directory: string, options: { withFileTypes: true }): fs.Dirent[];
  statSync(file: string): fs.Stats;
  realpathSync(file: string): string;
}

function displayName(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
}

function unreadable(what: string, error: unknown): UnreadableInputError {
  const code = (error as NodeJS.ErrnoException).code;
  return new UnreadableInputError(`${what}: cannot be read (${code ?? (error as Error).message})`);
}

/**
 * The trace files under `root`, sorted by path. Symbolic links are followed,
 * but a directory is entered once (by its real path), so `self -> .` or a link
 * to an ancestor cannot loop or count a file twice. Hidden entries and
 * node_modules are left out, as a glob would.
 */
function findTraceFiles(root: string, cwd: string, files: InputFs): string[] {
  const found: string[] = [];
  const entered = new Set<string>();
  const walk = (directory: string) => {
    let real: string;
    let entries: fs.Dirent[];
    try {
      real = files.realpathSync(directory);
      if (entered.has(real)) return;
      entered.add(real);
      entries = files.readdirSync(directory, { withFileTypes: true });
    } catch (error) {
      throw unreadable(displayName(directory, cwd), error);
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(directory, entry.name);
      const isTraceName = isTraceFile(full);
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        let target: fs.Stats;
        try {
          target = files.statSync(full);
        } catch (error) {
          // A dangling link is only an error where a trace file was expected.
          if (isTraceName) throw unreadable(displayName(full, cwd), error);
          continue;
        }
        isDirectory = target.isDirectory();
        if (!isDirectory && !target.isFile()) continue;
      } else if (!isDirectory && !entry.isFile()) {
        continue;
      }
      if (isDirectory) walk(full);
      else if (isTraceName) found.push(full);
    }
  };
  walk(root);
  return found.sort();
}

/** Expands inputs in the order given; within a directory or glob, files sort by path. */
export async function resolveTraceInputs(inputs: string[], cwd: string, files: InputFs = fs): Promise<TraceSource[]> {
  const sources: TraceSource[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    let stat: fs.Stats;
    try {
      stat = files.statSync(file);
    } catch (error) {
      throw unreadable(displayName(file, cwd), error);
    }
    // A named pipe, `<(cat f)` or a character device cannot seek and has no size: it is read front to back.
    // Its /dev/fd path has no real path to de-duplicate by, so it counts by its own name.
    const key = stat.isFile() ? files.realpathSync(file) : file;
    if (seen.has(key)) return;
    seen.add(key);
    const name = displayName(file, cwd);
    sources.push(stat.isFile() ? { kind: 'file', path: file, name, size: stat.size } : { kind: 'stream', path: file, name });
  };
  for (const input of inputs) {
    if (input === '-') {
      if (!seen.has('-')) sources.push({ kind: 'stdin', name: '<stdin>' });
      seen.add('-');
      continue;
    }
    const absolute = path.resolve(cwd, input);
    const stat = fs.statSync(absolute, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      const found = findTraceFiles(absolute, cwd, files);
      if (found.length === 0) throw new TraceInputError(`${input}: no trace files in this directory (looked for ${LOOKED_FOR})`);
      for (const file of found) add(file);
    } else if (stat !== undefined) {
      add(absolute);
    } else if (isDynamicPattern(input)) {
      const matched = await glob(input, { cwd, absolute: true, onlyFiles: true });
      if (matched.length === 0) throw new TraceInputError(`${input}: no files match`);
      for (const file of matched.sort()) add(path.normalize(file));
    } else {
      throw new TraceInputError(`${input}: no such file or directory`);
    }
  }
  return sources;
}
