/**
 * What the user named on the command line -> the trace files to read. A path
 * that exists is a file or a directory (searched recursively for trace files);
 * otherwise a pattern with glob characters is expanded; `-` is stdin.
 */
import fs from 'node:fs';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

/** File names a directory search picks up; named files are read whatever their name. */
export const TRACE_FILE_PATTERNS = ['**/*.trace.jsonl', '**/*.trace.jsonl.gz', '**/*.otlp.json', '**/*.otlp.jsonl', '**/*.otlp.json.gz', '**/*.otlp.jsonl.gz'];

/**
 * `file`: a regular file, read by position (ranges, checkpoints, threads).
 * `stream`: a named pipe, process substitution (`<(cat f)`) or character
 * device, which cannot seek and has no size, so it is read front to back.
 */
export type TraceSource = { kind: 'file'; path: string; name: string; size: number } | { kind: 'stream'; path: string; name: string } | { kind: 'stdin'; name: string };

/** An input that names nothing readable. */
export class TraceInputError extends Error {}

function fileSource(absolute: string, cwd: string, stat = fs.statSync(absolute)): TraceSource {
  const relative = path.relative(cwd, absolute);
  const name = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
  return stat.isFile() ? { kind: 'file', path: absolute, name, size: stat.size } : { kind: 'stream', path: absolute, name };
}

/** Expands inputs in the order given; within a directory or glob, files sort by path. */
export async function resolveTraceInputs(inputs: string[], cwd: string): Promise<TraceSource[]> {
  const sources: TraceSource[] = [];
  const seen = new Set<string>();
  const add = (source: TraceSource) => {
    const key = source.kind === 'stdin' ? '-' : source.path;
    if (seen.has(key)) return;
    seen.add(key);
    sources.push(source);
  };
  for (const input of inputs) {
    if (input === '-') {
      add({ kind: 'stdin', name: '<stdin>' });
      continue;
    }
    const absolute = path.resolve(cwd, input);
    const stat = fs.statSync(absolute, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      const files = await glob(TRACE_FILE_PATTERNS, { cwd: absolute, absolute: true, onlyFiles: true, ignore: ['**/node_modules/**'] });
      if (files.length === 0) throw new TraceInputError(`${input}: no trace files in this directory (looked for ${TRACE_FILE_PATTERNS.map((pattern) => pattern.slice(3)).join(', ')})`);
      for (const file of files.sort()) add(fileSource(path.normalize(file), cwd));
    } else if (stat !== undefined) {
      add(fileSource(absolute, cwd, stat));
    } else if (isDynamicPattern(input)) {
      const files = await glob(input, { cwd, absolute: true, onlyFiles: true });
      if (files.length === 0) throw new TraceInputError(`${input}: no files match`);
      for (const file of files.sort()) add(fileSource(path.normalize(file), cwd));
    } else {
      throw new TraceInputError(`${input}: no such file or directory`);
    }
  }
  return sources;
}
