/**
 * Prepares a self-contained report HTML for a webview: a CSP that forbids
 * scripts, frames, forms and remote loads, and allows exactly the report's
 * inline <style> blocks by their SHA-256. In the webview the report also
 * follows the VS Code theme; the saved file stays as generated.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../webview/html';

const STYLE_BLOCK = /<style\b[^>]*>([\s\S]*?)<\/style>/gi;

/**
 * Maps the report's fixed light/dark colours to the theme's variables (which
 * VS Code sets on every webview). Comes after the report's own styles, so it
 * wins over them and over their prefers-color-scheme rules.
 */
export const REPORT_THEME_CSS = [
  'body{color:var(--vscode-foreground);background:var(--vscode-editor-background);font-family:var(--vscode-font-family)}',
  'h2,th,td{border-color:var(--vscode-panel-border,var(--vscode-widget-border))}',
  'th,pre{background:var(--vscode-textCodeBlock-background)}',
  'a{color:var(--vscode-textLink-foreground)}',
].join('');

export function reportCsp(html: string, cspSource: string): string {
  const hashes = [...html.matchAll(STYLE_BLOCK)].map((match) => `'sha256-${createHash('sha256').update(match[1] ?? '', 'utf8').digest('base64')}'`);
  return ["default-src 'none'", `img-src ${cspSource} data:`, `style-src ${cspSource} ${hashes.join(' ')}`.trim(), "script-src 'none'", "form-action 'none'", "frame-src 'none'"].join('; ');
}

/** The report with the theme styles last in <head> and the CSP meta as its first element (a <head> is created if missing). */
export function reportDocument(html: string, cspSource: string): string {
  const theme = `<style>${REPORT_THEME_CSS}</style>`;
  const themed = /<\/head>/i.test(html) ? html.replace(/<\/head>/i, `${theme}\n</head>`) : `<!DOCTYPE html><html><head>${theme}</head><body>${html}</body></html>`;
  const meta = `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(reportCsp(themed, cspSource))}">`;
  return themed.replace(/<head\b[^>]*>/i, (head) => `${head}\n${meta}`);
}
