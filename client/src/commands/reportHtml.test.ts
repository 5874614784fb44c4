import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { REPORT_THEME_CSS, reportCsp, reportDocument } from './reportHtml';

describe('report webview document', () => {
  const css = 'body { color: red; }';
  const html = `<!DOCTYPE html><html><head><title>r</title><style>${css}</style></head><body><p>&lt;script&gt;</p></body></html>`;
  const sha = (text: string) => createHash('sha256').update(text).digest('base64');

  it('allows the report styles by hash and no script at all', () => {
    const csp = reportCsp(html, 'vscode-resource:');
    assert.ok(csp.includes(`style-src vscode-resource: 'sha256-${sha(css)}'`));
    assert.ok(csp.includes("script-src 'none'"));
    assert.ok(csp.startsWith("default-src 'none'"));
  });

  it('puts the policy first in <head>, before anything the report contains', () => {
    const document = reportDocument(html, 'vscode-resource:');
    assert.ok(document.indexOf('Content-Security-Policy') < document.indexOf('<title>'));
    assert.equal(document.match(/Content-Security-Policy/g)?.length, 1);
  });

  it('follows the theme in the webview: theme variables after the report styles, allowed by hash', () => {
    const document = reportDocument(html, 'vscode-resource:');
    assert.match(REPORT_THEME_CSS, /background:var\(--vscode-editor-background\)/);
    assert.match(REPORT_THEME_CSS, /color:var\(--vscode-foreground\)/);
    assert.ok(document.indexOf(REPORT_THEME_CSS) > document.indexOf(css), 'the theme overrides the report colours');
    assert.ok(document.includes(`sha256-${sha(REPORT_THEME_CSS)}`));
    assert.ok(!html.includes('--vscode-'), 'the report itself stays theme-neutral');
  });

  it('wraps a fragment without <head> in a document that carries the policy and the theme', () => {
    const document = reportDocument('<h1>Report</h1>', 'x:');
    assert.match(document, /^<!DOCTYPE html><html><head>\n?<meta http-equiv="Content-Security-Policy"/);
    assert.ok(document.includes(REPORT_THEME_CSS));
    assert.ok(document.endsWith('<body><h1>Report</h1></body></html>'));
  });
});
