import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseTraceHeader, parseTraceRecord, TraceFormatError, type TraceHeader, type TraceRecord } from '../contracts/trace-record';

export interface TraceFile {
  path: string;
  header: TraceHeader;
  records: TraceRecord[];
  /** Lines that could not be read; the rest of the file is still used. */
  problems: TraceFormatError[];
}

/** Reads a `*.trace.jsonl` or `*.trace.jsonl.gz` artifact. A bad header fails; a bad event line is skipped and reported. */
export function readTraceFile(path: string): TraceFile {
  const bytes = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  const lines = text.split('\n');
  const header = parseTraceHeader(lines[0] ?? '');
  const records: TraceRecord[] = [];
  const problems: TraceFormatError[] = [];
  lines.forEach((line, index) => {
    if (index === 0 || line.trim() === '') return;
    try {
      records.push(parseTraceRecord(line, index + 1));
    } catch (error) {
      if (!(error instanceof TraceFormatError)) throw error;
      problems.push(error);
    }
  });
  return { path, header, records, problems };
}
