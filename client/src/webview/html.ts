/**
 * The HTML shell of every Planewise webview. All content is built later by the
 * bundled script from typed messages; the shell carries no data, so nothing
 * from a trace or a report ever reaches the HTML parser.
 */
import { randomBytes } from 'node:crypto';

export interface WebviewShell {
  /** The webview's `cspSource` (the origin asWebviewUri serves from). */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  title: string;
  /** Which UI the script builds: the trace viewer or a report. */
  view: 'trace' | 'report';
}

/** A fresh nonce per page load: only the script tag carrying it may run. */
export function createNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

const ATTRIBUTE_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML attribute value or element content. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ATTRIBUTE_ESCAPES[char] ?? char);
}

export function renderShell(shell: WebviewShell, nonce = createNonce()): string {
  const csp = escapeHtml(contentSecurityPolicy(shell.cspSource, nonce));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(shell.styleUri)}">
<title>${escapeHtml(shell.title)}</title>
</head>
<body data-view="${escapeHtml(shell.view)}">
<main id="app" aria-busy="true"></main>
<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(shell.scriptUri)}"></script>
</body>
</html>
`;
}
