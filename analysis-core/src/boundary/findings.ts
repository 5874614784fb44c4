/**
 * A finding as the engine keeps it (with the rule's message id and fix
 * data), and the fingerprint that identifies a finding across edits.
 */
import { createHash } from 'node:crypto';
import { NOT_CHECKED_RULE_ID } from './rule';
import type { Finding, FindingSeverity } from './types';

export interface EngineFinding extends Finding {
  messageId: string;
  fixData: unknown;
}

export function fingerprintOf(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);
}

/** A file no rule (or not every rule) could look at, reported on its first line. */
export function notCheckedFinding(file: string, relativePath: string, severity: FindingSeverity, message: string, key: string): EngineFinding {
  const start = { line: 0, character: 0 };
  return {
    file,
    range: { start, end: start },
    ruleId: NOT_CHECKED_RULE_ID,
    severity,
    message,
    related: [],
    fingerprint: fingerprintOf([NOT_CHECKED_RULE_ID, relativePath, key]),
    messageId: key,
    fixData: undefined,
  };
}

/** The finding as callers outside the engine see it. */
export function publicFinding(finding: EngineFinding): Finding {
  const { messageId: _messageId, fixData: _fixData, ...plain } = finding;
  return plain;
}
