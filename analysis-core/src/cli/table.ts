/** Plain-text tables for the text output of the trace commands. */
import { inertText } from '../trace/inertText';

/** Cells are trace values: control characters in them are shown as escapes, never sent to the terminal. */
export function table(headers: string[], rows: (string | number)[][], rightAligned: number[] = []): string {
  const cells = [headers, ...rows.map((row) => row.map((cell) => inertText(String(cell))))];
  // A loop, not Math.max(...column): spreading a large table's rows would overflow the stack.
  const widths = headers.map((_, column) => cells.reduce((widest, row) => Math.max(widest, (row[column] ?? '').length), 0));
  return cells
    .map((row) =>
      row
        .map((cell, column) => (rightAligned.includes(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatMs(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(2)}s`;
  if (value >= 10) return `${value.toFixed(0)}ms`;
  return `${value.toFixed(2)}ms`;
}

export function formatTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
