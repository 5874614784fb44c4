// What one core can do at most on a trace file, for the trace benchmark to
// report each job against (bench/trace/run.mjs runs this once per run):
//   split: read the file in the reader's chunk size and find every newline
//          (Buffer.indexOf, the reader's own way), nothing else;
//   scan:  the same, and the reader's WebAssembly scanner over every line,
//          with no sink (no tallies, no events): what the fast path costs.
// The scan also counts the spans and decisions the fast path answered, which
// the runner divides by the totals every tool agreed on: the hit rate per kind
// over the whole file (fastpath.ts gives it per writer style). Prints one
// JSON object.
//
//   node --import tsx bench/trace/limits.ts FILE
import fs from 'node:fs';
import { CoreEventScanner, SCAN_AUTHZ, SCAN_SPAN } from '../../analysis-core/src/trace/fast/coreScanner';

/** The reader's chunk size (analysis-core/src/trace/reader.ts, CHUNK_BYTES). */
const CHUNK_BYTES = 1024 * 1024;

const [file] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: limits.ts FILE');
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

process.stdout.write(`${JSON.stringify({ bytes: fs.statSync(file).size, lines, splitSeconds, scanSeconds, answered })}\n`);
