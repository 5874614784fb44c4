/**
 * `// planewise-ignore-next-line <rule>[, <rule>] -- <reason>` comments. A
 * suppression needs a reason and must suppress something; otherwise it is a
 * finding of its own, and one without a reason suppresses nothing.
 */
import { type EngineFinding, fingerprintOf } from './findings';
import type { FindingSeverity, Range, RuleSeverity } from './types';

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

/** The suppress fix's placeholder for the reason: left as it was, it says nothing, so it is no reason. */
const REASON_PLACEHOLDER = 'reason';

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
    suppressions.push({ line, rules, reason: reason === '' || reason === REASON_PLACEHOLDER ? undefined : reason, range: { start: { line, character: start }, end: { line, character: lineText.replace(/\r$/, '').length } } });
  });
  return suppressions;
}

export function suppressionComment(ruleId: string, indent: string): string {
  return `${indent}// planewise-ignore-next-line ${ruleId} -- \n`;
}

/** The suppression comment as a snippet whose placeholder selects `reason`, so typing replaces it. */
export function suppressionSnippet(ruleId: string, indent: string): string {
  const literal = (text: string) => text.replace(/[$}\\]/g, '\\$&');
  return `${literal(indent)}// planewise-ignore-next-line ${literal(ruleId)} -- \${1:${REASON_PLACEHOLDER}}\n`;
}

export interface SuppressionSettings {
  /** Relative, forward-slash path of the file, for fingerprints. */
  relativePath: string;
  /** The severity of problems with suppressions themselves (`suppression` in the rules). */
  severity: RuleSeverity;
  knownRules: ReadonlySet<string>;
  /** Whether a rule runs on this file: a suppression of a rule that is off suppresses nothing and is not unused. */
  isEnabled(ruleId: string): boolean;
}

/** The findings the file's suppressions leave, plus a finding for each suppression without a rule, a reason or a use. */
export function applySuppressions(file: string, text: string, findings: EngineFinding[], settings: SuppressionSettings): EngineFinding[] {
  const suppressions = parseSuppressions(text);
  if (suppressions.length === 0) return findings;
  const kept: EngineFinding[] = [];
  const used = new Set<number>();
  for (const finding of findings) {
    const index = suppressions.findIndex((suppression) => suppression.line === finding.range.start.line - 1 && suppression.reason !== undefined && suppression.rules.includes(finding.ruleId));
    if (index === -1) kept.push(finding);
    else used.add(index);
  }
  const { severity, knownRules } = settings;
  if (severity === 'off') return kept;
  suppressions.forEach((suppression, index) => {
    const problems: [string, string, FindingSeverity][] = [];
    const unknown = suppression.rules.filter((rule) => !knownRules.has(rule));
    if (suppression.rules.length === 0) problems.push(['noRule', 'This suppression names no rule: write `planewise-ignore-next-line <rule-id> -- <reason>`.', 'error']);
    else if (unknown.length > 0) problems.push(['unknownRule', `This suppression names unknown rule(s) ${unknown.join(', ')}.`, 'error']);
    if (suppression.reason === undefined) {
      problems.push(['noReason', 'A suppression needs a reason after " -- " (e.g. `-- runs after the response is sent`); without one it suppresses nothing.', 'error']);
    } else if (!used.has(index) && unknown.length === 0 && suppression.rules.length > 0) {
      if (suppression.rules.some((ruleId) => settings.isEnabled(ruleId))) problems.push(['unused', `This suppression of ${suppression.rules.join(', ')} suppresses nothing on the next line; remove it.`, 'warn']);
    }
    for (const [messageId, message, level] of problems) {
      kept.push({
        file,
        range: suppression.range,
        ruleId: SUPPRESSION_RULE_ID,
        severity: severity === 'warn' ? 'warn' : level,
        message,
        related: [],
        fingerprint: fingerprintOf([SUPPRESSION_RULE_ID, settings.relativePath, messageId, suppression.rules.join(','), String(index)]),
        messageId,
        fixData: undefined,
      });
    }
  });
  return kept;
}
