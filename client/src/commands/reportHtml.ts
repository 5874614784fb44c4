/**
 * Prepares a self-contained report HTML for a webview: a CSP that forbids
 * scripts, frames, forms and remote loads, and allows exactly the report's
 * inline <style> blocks by their SHA-256.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../webview/html';

const STYLE_BLOCK = /<style\b[^>]*>([\s\S]*?)<\/style>/gi;

export function reportCsp(html: string, cspSource: string): string {
  const hashes = [...html.matchAll(STYLE_BLOCK)].map((match) => `'sha256-${createHash('sha256').update(match[1] ?? '', 'utf8').digest('base64')}'`);
  return ["default-src 'none'", `img-src ${cspSource} data:`, `style-src ${cspSource} ${hashes.join(' ')}`.trim(), "script-src 'none'", "form-action 'none'", "frame-src 'none'"].join('; ');
}

/** The report with the CSP meta as the first element of <head> (one is created if missing). */
export function reportDocument(html: string, cspSource: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(reportCsp(html, cspSource))}">`;
  if (/<head\b[^>]*>/i.test(html)) return html.replace(/<head\b[^>]*>/i, (head) => `${head}\n${meta}`);
  return `<!DOCTYPE html><html><head>${meta}</head><body>${html}</body></html>`;
}
