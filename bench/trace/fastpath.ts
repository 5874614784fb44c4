// How often the reader's fast path (the WebAssembly scanner) answers a line,
// for each way other writers format the same events: the styles the trace
// benchmark's generator mixes (bench/trace/generate.mjs: our writer, keys in
// another order, Python's json.dumps, raw and escaped non-ASCII, escaped
// quotes, optional fields present or absent), over the first lines it writes
// (the same bytes as the start of every benchmark trace), each with its style.
// A line the scanner does not answer is read correctly by JSON.parse (the
// slow path), only slower. Prints a table, or with --json the counts
// (bench/trace/run.mjs puts them in its report).
//
//   node --import tsx bench/trace/fastpath.ts [--json] [EVENTS]
import { CoreEventScanner } from '../../analysis-core/src/trace/fast/coreScanner';
import { STYLES, traceLines } from './generate.mjs';

const json = process.argv.includes('--json');
const events = Number(process.argv.slice(2).find((arg) => arg !== '--json') ?? '200000');

const styles = (STYLES as { name: string }[]).map((style) => ({ name: style.name, spans: { lines: 0, answered: 0 }, decisions: { lines: 0, answered: 0 } }));
const scanner = new CoreEventScanner();
let seen = 0;
for (const { style, line } of traceLines() as Iterable<{ style: number; line: string }>) {
  if (style < 0) continue; // the header
  if (seen++ === events) break;
  const bytes = Buffer.from(line);
  const tally = (JSON.parse(line) as { kind: string }).kind === 'span' ? styles[style]!.spans : styles[style]!.decisions;
  tally.lines += 1;
  // Without the newline, as the reader hands lines over.
  if (scanner.scanLine(bytes, 0, 0, bytes.length - 1, 0) !== 0) tally.answered += 1;
}

if (json) {
  process.stdout.write(`${JSON.stringify({ events, styles })}\n`);
} else {
  const rate = ({ lines, answered }: { lines: number; answered: number }) => `${((answered / lines) * 100).toFixed(1)}% of ${lines.toLocaleString('en-US')}`;
  console.log('| line style | spans answered | decisions answered |');
  console.log('| --- | ---: | ---: |');
  for (const style of styles) console.log(`| ${style.name} | ${rate(style.spans)} | ${rate(style.decisions)} |`);
}
