import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Finding, RuleMeta } from '@planewise/analysis-core/boundary';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { DIAGNOSTIC_SOURCE } from './protocol';


/** Carried in Diagnostic.data so a code action request can name the findings it is about. */
export interface DiagnosticData {
  ruleId: string;
  fingerprint: string;
}

export function isDiagnosticData(value: unknown): value is DiagnosticData {
  const data = value as Partial<DiagnosticData> | undefined;
  return typeof data?.fingerprint === 'string' && typeof data.ruleId === 'string';
}

export function fileToUri(file: string): string {
  return pathToFileURL(file).href;
}

/** The absolute path of a `file:` URI; undefined for other schemes (untitled:, git:, ...), which are not on disk. */
export function uriToFile(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/**
 * Where a rule's page is: under `docsBaseUrl` when the user set one, else the
 * Markdown page shipped with the extension (`page` is relative to its root).
 */
export function ruleDocsHref(page: string, extensionRoot: string, docsBaseUrl: string | undefined): string {
  if (docsBaseUrl) {
    const base = docsBaseUrl.endsWith('/') ? docsBaseUrl : `${docsBaseUrl}/`;
    return new URL(path.posix.basename(page), base).href;
  }
  return pathToFileURL(path.join(extensionRoot, page)).href;
}

export function findingToDiagnostic(finding: Finding, rule: RuleMeta | undefined, docsHref: (page: string) => string): Diagnostic {
  const data: DiagnosticData = { ruleId: finding.ruleId, fingerprint: finding.fingerprint };
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: finding.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    code: finding.ruleId,
    message: finding.message,
    data,
  };
  if (rule) diagnostic.codeDescription = { href: docsHref(rule.docs.page) };
  if (finding.related.length > 0) {
    diagnostic.relatedInformation = finding.related.map((related) => ({
      location: { uri: fileToUri(related.file), range: related.range },
      message: related.message,
    }));
  }
  return diagnostic;
}
