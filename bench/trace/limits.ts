// What one core can do at most on a trace file, for the trace benchmark to
// report each job against (bench/trace/run.mjs runs this once per run):
//   split: read the file in the reader's chunk size and find every newline
//          (Buffer.indexOf, the reader's own way), nothing else;
//   scan:  the same, and the reader's WebAssembly scanner over every line,
//          with no sink (no tallies, no events): what the fast path costs.
// Then how often the fast path answers the file's lines: per kind over the
// whole file (the scan above counts what it answered; the runner divides by
// the totals every tool agreed on), and per kind and writer style over the
// file's first lines, which bench/trace/generate.mjs regenerates with their
// style (same seed, same bytes). Prints one JSON object.
//
//   node --import tsx bench/trace/limits.ts FILE [SAMPLE_LINES]
import fs from 'node:fs';
import { CoreEventScanner, SCAN_AUTHZ, SCAN_SPAN } from '../../analysis-core/src/trace/fast/coreScanner';
import { STYLES, traceLines } from './generate.mjs';

/** The reader's chunk size (analysis-core/src/trace/reader.ts, CHUNK_BYTES). */
const CHUNK_BYTES = 1024 * 1024;

const [file, sampleText = '200000'] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: limits.ts FILE [SAMPLE_LINES]');
  process.exit(2);
}

/**
 * Reads `file` front to back in CHUNK_BYTES reads, calling `onLine` with each
 * whole line's bounds in `buffer`; a line cut by a read moves to the buffer's
 * front before the next read, as the reader's carry does. Returns seconds.
 */
function eachLine(onLine: (buffer: Buffer, base: number, start: number, end: number) => void): number {
  const started = process.hrtime.bigint();
  const fd = fs.openSync(file!, 'r');
  const buffer = Buffer.allocUnsafe(2 * CHUNK_BYTES);
  let carried = 0;
  let base = 0;
  for (;;) {
    const bytesRead = fs.readSync(fd, buffer, carried, CHUNK_BYTES, base + carried);
    if (bytesRead === 0) break;
    const filled = carried + bytesRead;
    let start = 0;
    for (let newline = buffer.indexOf(10, start); newline !== -1 && newline < filled; newline = buffer.indexOf(10, start)) {
      onLine(buffer, base, start, newline);
      start = newline + 1;
    }
    buffer.copy(buffer, 0, start, filled);
    carried = filled - start;
    base += start;
  }
  fs.closeSync(fd);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

let lines = 0;
const splitSeconds = eachLine(() => {
  lines += 1;
});

const scanner = new CoreEventScanner();
const answered = { spans: 0, decisions: 0 };
const scanSeconds = eachLine((buffer, base, start, end) => {
  const kind = scanner.scanLine(buffer, base, start, end, 0);
  if (kind === SCAN_SPAN) answered.spans += 1;
  else if (kind === SCAN_AUTHZ) answered.decisions += 1;
});

// Per style: the file's first lines, with the style each was written in.
const sampleLines = Number(sampleText);
const styles = (STYLES as { name: string }[]).map((style) => ({ name: style.name, spans: { lines: 0, answered: 0 }, decisions: { lines: 0, answered: 0 } }));
const sampleScanner = new CoreEventScanner();
let sampled = 0;
for (const { style, line } of traceLines() as Iterable<{ style: number; line: string }>) {
  if (style < 0) continue; // the header
  if (sampled++ === sampleLines) break;
  const bytes = Buffer.from(line);
  const tally = JSON.parse(line).kind === 'span' ? styles[style]!.spans : styles[style]!.decisions;
  tally.lines += 1;
  if (sampleScanner.scanLine(bytes, 0, 0, bytes.length - 1, 0) !== 0) tally.answered += 1;
}

process.stdout.write(`${JSON.stringify({ bytes: fs.statSync(file).size, lines, splitSeconds, scanSeconds, answered, sampleLines, styles })}\n`);
