/**
 * A finding as the engine keeps it (with the rule's message id and fix
 * data), and the fingerprint that identifies a finding across edits.
 */
import { createHash } from 'node:crypto';
import { type ImportUse, NOT_CHECKED_RULE_ID } from './rule';
import type { Finding, FindingSeverity, Range } from './types';

export interface EngineFinding extends Finding {
  messageId: string;
  fixData: unknown;
  /** The import the reported call goes through, when it does. */
  viaImport?: ImportUse;
  /** The value names the import finding's one statement imports. */
  importedNames?: string[];
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
  const { messageId: _messageId, fixData: _fixData, viaImport: _viaImport, importedNames: _importedNames, ...plain } = finding;
  return plain;
}

const sameStart = (a: Range, b: Range) => a.start.line === b.start.line && a.start.character === b.start.character;

/**
 * One violation, one finding: an import finding (of a rule in `importRules`)
 * on one statement whose every imported name is called in reported call
 * findings is dropped, and those findings name it in their related
 * information. An import that also brings code no reported call stands for
 * stays a finding of its own.
 */
export function foldImportFindings(findings: EngineFinding[], importRules: ReadonlySet<string>): EngineFinding[] {
  const calls = findings.filter((finding) => finding.viaImport !== undefined);
  if (calls.length === 0) return findings;
  return findings.filter((finding) => {
    if (!importRules.has(finding.ruleId) || finding.importedNames === undefined) return true;
    const using = calls.filter((call) => sameStart(call.viaImport!.range, finding.range));
    const called = new Set(using.map((call) => call.viaImport!.name));
    if (using.length === 0 || !finding.importedNames.every((name) => called.has(name))) return true;
    for (const call of using) call.related = [...call.related, { file: finding.file, range: finding.range, message: `Imported here: ${finding.message}` }];
    return false;
  });
}
