import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { reportCsp, reportDocument } from './reportHtml';

describe('report webview document', () => {
  const css = 'body { color: red; }';
  const html = `<!DOCTYPE html><html><head><title>r</title><style>${css}</style></head><body><p>&lt;script&gt;</p></body></html>`;

  it('allows the report styles by hash and no script at all', () => {
    const csp = reportCsp(html, 'vscode-resource:');
    const hash = createHash('sha256').update(css).digest('base64');
    assert.ok(csp.includes(`style-src vscode-resource: 'sha256-${hash}'`));
    assert.ok(csp.includes("script-src 'none'"));
    assert.ok(csp.startsWith("default-src 'none'"));
  });

  it('puts the policy first in <head>, before anything the report contains', () => {
    const document = reportDocument(html, 'vscode-resource:');
    assert.ok(document.indexOf('Content-Security-Policy') < document.indexOf('<title>'));
    assert.equal(document.match(/Content-Security-Policy/g)?.length, 1);
  });

  it('wraps a fragment without <head> in a document that carries the policy', () => {
    const document = reportDocument('<h1>Report</h1>', 'x:');
    assert.match(document, /^<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy"/);
    assert.ok(document.endsWith('<body><h1>Report</h1></body></html>'));
  });
});
