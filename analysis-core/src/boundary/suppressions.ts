/**
 * `// planewise-ignore-next-line <rule>[, <rule>] -- <reason>` comments. A
 * suppression needs a reason and must suppress something; otherwise it is a
 * finding of its own, and one without a reason suppresses nothing.
 */
import type { Range } from './types';

export const SUPPRESSION_RULE_ID = 'suppression';
/** A line comment of its own; the text inside strings or other comments is not a directive. */
const DIRECTIVE = /^\s*\/\/\s*planewise-ignore-next-line\b(.*)$/;

export interface Suppression {
  /** Zero-based line of the comment; it covers the next line. */
  line: number;
  rules: string[];
  reason: string | undefined;
  range: Range;
}

export function parseSuppressions(text: string): Suppression[] {
  const suppressions: Suppression[] = [];
  const lines = text.split('\n');
  lines.forEach((lineText, line) => {
    if (!lineText.includes('planewise-ignore-next-line')) return;
    const match = DIRECTIVE.exec(lineText);
    if (match === null) return;
    const [rulePart, ...reasonParts] = match[1]!.split(' --');
    const reason = reasonParts.join(' --').trim();
    const rules = (rulePart ?? '')
      .split(/[,\s]+/)
      .map((rule) => rule.trim())
      .filter((rule) => rule !== '');
    const start = lineText.indexOf('//');
    suppressions.push({ line, rules, reason: reason === '' ? undefined : reason, range: { start: { line, character: start }, end: { line, character: lineText.replace(/\r$/, '').length } } });
  });
  return suppressions;
}

export function suppressionComment(ruleId: string, indent: string): string {
  return `${indent}// planewise-ignore-next-line ${ruleId} -- \n`;
}
