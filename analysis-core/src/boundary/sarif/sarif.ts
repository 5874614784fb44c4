/**
 * Findings as SARIF 2.1.0, the format GitHub code scanning ingests: rule
 * metadata with help URIs, results located relative to the root through a
 * uriBaseId, 1-based regions, and partial fingerprints so alerts survive
 * unrelated edits. sarif-schema-2.1.0.json beside this file is the official
 * SARIF 2.1.0 (rtm.5) JSON Schema, as published in the MIT-licensed
 * @microsoft/jest-sarif package; the tests validate this output against it.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { toPosix } from '../planes';
import type { Finding, FindingSeverity, Range, RuleMeta, RuleSeverity } from '../types';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Where rule pages are published; the docs/rules/*.md paths are relative to it. */
export const DOCS_BASE_URL = 'https://github.com/planewise/planewise/blob/main/';
const ROOT_BASE_ID = '%SRCROOT%';

export interface SarifOptions {
  root: string;
  toolVersion: string;
  rules: readonly RuleMeta[];
  docsBaseUrl?: string;
}

function level(severity: RuleSeverity | FindingSeverity): 'error' | 'warning' | 'none' {
  return severity === 'error' ? 'error' : severity === 'warn' ? 'warning' : 'none';
}

function region(range: Range): Record<string, number> {
  const startLine = range.start.line + 1;
  const startColumn = range.start.character + 1;
  const endLine = range.end.line + 1;
  const endColumn = range.end.character + 1;
  const empty = endLine < startLine || (endLine === startLine && endColumn <= startColumn);
  return empty ? { startLine, startColumn } : { startLine, startColumn, endLine, endColumn };
}

function ruleName(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}

export function toSarif(findings: readonly Finding[], options: SarifOptions): Record<string, unknown> {
  const docsBase = options.docsBaseUrl ?? DOCS_BASE_URL;
  const location = (file: string, range: Range) => ({
    physicalLocation: {
      artifactLocation: { uri: toPosix(path.relative(options.root, file)), uriBaseId: ROOT_BASE_ID },
      region: region(range),
    },
  });
  const ruleIndex = new Map(options.rules.map((rule, index) => [rule.id, index]));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'planewise',
            version: options.toolVersion,
            informationUri: 'https://github.com/planewise/planewise',
            rules: options.rules.map((rule) => ({
              id: rule.id,
              name: ruleName(rule.id),
              shortDescription: { text: rule.docs.description.split(/(?<=\.)\s/)[0]! },
              fullDescription: { text: rule.docs.description },
              helpUri: new URL(rule.docs.page, docsBase).href,
              help: { text: `${rule.docs.description} See ${new URL(rule.docs.page, docsBase).href}` },
              defaultConfiguration: { level: level(rule.defaultSeverity) },
              properties: { tags: ['architecture', 'plane-boundary'] },
            })),
          },
        },
        originalUriBaseIds: { [ROOT_BASE_ID]: { uri: `${pathToFileURL(options.root).href.replace(/\/?$/, '/')}` } },
        columnKind: 'utf16CodeUnits',
        results: findings.map((finding) => ({
          ruleId: finding.ruleId,
          ...(ruleIndex.has(finding.ruleId) ? { ruleIndex: ruleIndex.get(finding.ruleId) } : {}),
          level: level(finding.severity),
          message: { text: finding.message },
          locations: [location(finding.file, finding.range)],
          ...(finding.related.length > 0
            ? { relatedLocations: finding.related.map((related, index) => ({ id: index, ...location(related.file, related.range), message: { text: related.message } })) }
            : {}),
          partialFingerprints: { 'planewise/v1': finding.fingerprint },
        })),
      },
    ],
  };
}
