/**
 * Fix-all, ESLint style: every finding's preferred, enabled fix, combined
 * into one edit set when they do not overlap (a fix that would overlap waits
 * for the next pass, after the others applied and the files were re-checked).
 * Used by `planewise check --fix` and the language server's
 * source.fixAll.planewise.
 */
import type { BoundaryEngine, FileChange, Fix, Range, TextEdit } from '../types';

export interface FixAllOptions {
  /** Only fixes of these rules (`--fix-type`); all rules when undefined. */
  ruleIds?: readonly string[];
}

/** The safe fixes for the findings of one file: preferred, enabled, with edits, and resolving the finding they came from. */
export function safeFixes(engine: BoundaryEngine, file: string, findings: readonly { ruleId: string; range: Range; fingerprint: string }[], options: FixAllOptions = {}): Fix[] {
  const fixes: Fix[] = [];
  for (const finding of findings) {
    if (options.ruleIds !== undefined && !options.ruleIds.includes(finding.ruleId)) continue;
    const fix = engine.fixes(file, finding.range).find((candidate) => candidate.isPreferred === true && candidate.disabled === undefined && candidate.changes.length > 0 && candidate.resolves.includes(finding.fingerprint));
    if (fix !== undefined && !fixes.some((existing) => existing.title === fix.title && JSON.stringify(existing.changes) === JSON.stringify(fix.changes))) fixes.push(fix);
  }
  return fixes;
}

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function editsOverlap(a: TextEdit, b: TextEdit): boolean {
  // Two insertions at one place overlap too: their order would be a guess.
  return !before(a.range.end, b.range.start) && !before(b.range.end, a.range.start);
}

function conflicts(a: readonly FileChange[], b: readonly FileChange[]): boolean {
  return a.some((x) =>
    b.some((y) => {
      if (x.file !== y.file) return false;
      if (x.kind === 'create' || y.kind === 'create') return true;
      return x.edits.some((edit) => y.edits.some((other) => editsOverlap(edit, other)));
    }),
  );
}

/** Fixes that apply together, in order, none overlapping another; the rest wait. */
export function combineFixes(fixes: readonly Fix[]): { applied: Fix[]; changes: FileChange[]; deferred: Fix[] } {
  const applied: Fix[] = [];
  const deferred: Fix[] = [];
  const changes: FileChange[] = [];
  for (const fix of fixes) {
    if (conflicts(changes, fix.changes)) deferred.push(fix);
    else {
      applied.push(fix);
      changes.push(...fix.changes);
    }
  }
  // One entry per edited file, so an editor applies each file's edits at once.
  const merged: FileChange[] = [];
  for (const change of changes) {
    const existing = change.kind === 'edit' ? merged.find((candidate): candidate is Extract<FileChange, { kind: 'edit' }> => candidate.kind === 'edit' && candidate.file === change.file) : undefined;
    if (existing !== undefined && change.kind === 'edit') existing.edits.push(...change.edits);
    else merged.push(change.kind === 'edit' ? { ...change, edits: [...change.edits] } : change);
  }
  return { applied, changes: merged, deferred };
}

function offsetAt(text: string, position: Range['start']): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return -1;
    offset = next + 1;
  }
  return offset + position.character;
}

/**
 * Applies changes to file texts (`read` gives the current text, undefined when
 * the file does not exist). Returns the new texts, or why they do not apply.
 */
export function applyFileChanges(changes: readonly FileChange[], read: (file: string) => string | undefined): { texts: Map<string, string> } | { error: string } {
  const texts = new Map<string, string>();
  for (const change of changes) {
    const current = texts.get(change.file) ?? read(change.file);
    if (change.kind === 'create') {
      if (current !== undefined) return { error: `${change.file}: already exists; a fix would create it` };
      texts.set(change.file, change.text);
      continue;
    }
    if (current === undefined) return { error: `${change.file}: does not exist; a fix would edit it` };
    const edits = change.edits.map((edit) => ({ start: offsetAt(current, edit.range.start), end: offsetAt(current, edit.range.end), text: edit.newText })).sort((a, b) => b.start - a.start);
    let next = current;
    let limit = Infinity;
    for (const edit of edits) {
      if (edit.start < 0 || edit.end < edit.start || edit.end > next.length || edit.end > limit) return { error: `${change.file}: the fixes' edits overlap or lie outside the file` };
      next = next.slice(0, edit.start) + edit.text + next.slice(edit.end);
      limit = edit.start;
    }
    texts.set(change.file, next);
  }
  return { texts };
}

/** A unified diff of one file (no context beyond 3 lines), for `--fix-dry-run`. */
export function unifiedDiff(label: string, before: string | undefined, after: string): string {
  const a = before === undefined || before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after.replace(/\n$/, '').split('\n');
  // Longest common subsequence by lines; source files are small enough for the quadratic table.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: { kind: ' ' | '-' | '+'; line: string; ai: number; bi: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ kind: ' ', line: a[i++]!, ai: i, bi: ++j });
    else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) ops.push({ kind: '+', line: b[j++]!, ai: i, bi: j });
    else ops.push({ kind: '-', line: a[i++]!, ai: i, bi: j });
  }
  const CONTEXT = 3;
  const lines = [`--- ${before === undefined ? '/dev/null' : `a/${label}`}`, `+++ b/${label}`];
  let index = 0;
  while (index < ops.length) {
    if (ops[index]!.kind === ' ') {
      index += 1;
      continue;
    }
    const start = Math.max(0, index - CONTEXT);
    let end = index;
    while (end < ops.length) {
      if (ops[end]!.kind !== ' ') {
        end += 1;
        continue;
      }
      let run = end;
      while (run < ops.length && ops[run]!.kind === ' ') run += 1;
      if (run === ops.length || run - end > CONTEXT * 2) {
        end = Math.min(run, end + CONTEXT);
        break;
      }
      end = run;
    }
    const hunk = ops.slice(start, end);
    const oldStart = hunk.find((op) => op.kind !== '+');
    const newStart = hunk.find((op) => op.kind !== '-');
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    lines.push(`@@ -${oldCount === 0 ? 0 : oldStart!.ai},${oldCount} +${newCount === 0 ? 0 : newStart!.bi},${newCount} @@`);
    for (const op of hunk) lines.push(`${op.kind}${op.line}`);
    index = end;
  }
  return `${lines.join('\n')}\n`;
}
