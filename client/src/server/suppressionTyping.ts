/**
 * A suppression comment is incomplete while it is being written: it has no
 * reason yet, or half a rule id. Its problems wait until the cursor leaves
 * the comment, so inserting one (the Suppress quick fix puts the cursor on
 * `reason`) never shows an error for the line the user is typing.
 */
import { DIAGNOSTIC_SOURCE, SUPPRESSION_CODE } from '@planewise/server/protocol';

interface Position {
  line: number;
  character: number;
}

interface ProblemLike {
  range: { start: Position; end: Position };
  source?: string;
  code?: string | number | { value: string | number };
}

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character < b.character);

function isSuppressionProblem(problem: ProblemLike): boolean {
  const code = typeof problem.code === 'object' ? problem.code.value : problem.code;
  return problem.source === DIAGNOSTIC_SOURCE && code === SUPPRESSION_CODE;
}

/** The problems to show now: all but the suppression problems of a comment a cursor is in (its end included, where typing happens). */
export function problemsToShow<Problem extends ProblemLike>(problems: readonly Problem[], cursors: readonly Position[]): Problem[] {
  return problems.filter((problem) => !isSuppressionProblem(problem) || !cursors.some((cursor) => !before(cursor, problem.range.start) && !before(problem.range.end, cursor)));
}
