/**
 * Baselines let a large repository adopt the check: known findings are
 * written once, and later runs report only findings whose fingerprint is not
 * in the file. Fingerprints ignore line numbers, so edits elsewhere in a file
 * do not resurface old findings.
 */
import path from 'node:path';
import { z } from 'zod';
import { toPosix } from './planes';
import type { Finding } from './types';

export const BASELINE_VERSION = 1;

const baselineSchema = z.object({
  version: z.literal(BASELINE_VERSION),
  findings: z.array(z.object({ fingerprint: z.string().min(1), ruleId: z.string(), file: z.string(), message: z.string() })),
});
export type Baseline = z.infer<typeof baselineSchema>;

export function createBaseline(root: string, findings: readonly Finding[]): Baseline {
  const entries = findings.map((finding) => ({ fingerprint: finding.fingerprint, ruleId: finding.ruleId, file: toPosix(path.relative(root, finding.file)), message: finding.message }));
  entries.sort((a, b) => a.file.localeCompare(b.file) || a.ruleId.localeCompare(b.ruleId) || a.fingerprint.localeCompare(b.fingerprint));
  return { version: BASELINE_VERSION, findings: entries };
}

/** Parses a baseline file's text; throws an Error naming the problem when it is not one. */
export function parseBaseline(text: string, source: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = baselineSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${source} is not a planewise baseline (version ${BASELINE_VERSION}): ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** Findings not in the baseline, and how many were known. */
export function filterBaseline<T extends Finding>(findings: readonly T[], baseline: Baseline): { fresh: T[]; known: number } {
  const known = new Set(baseline.findings.map((entry) => entry.fingerprint));
  const fresh = findings.filter((finding) => !known.has(finding.fingerprint));
  return { fresh, known: findings.length - fresh.length };
}
