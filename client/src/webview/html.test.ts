import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, createNonce, escapeHtml, renderShell } from './html';

const shell = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/client/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/webview.css',
  title: 'run-1.trace.jsonl',
  view: 'trace' as const,
};

describe('webview shell', () => {
  it('allows only the nonce script and the extension origin', () => {
    assert.equal(
      contentSecurityPolicy(shell.cspSource, 'abc'),
      `default-src 'none'; img-src ${shell.cspSource}; style-src ${shell.cspSource}; script-src 'nonce-abc'; font-src ${shell.cspSource}`,
    );
  });

  it('gives every load a different nonce and puts it on the only script tag', () => {
    const first = createNonce();
    assert.notEqual(first, createNonce());
    assert.match(first, /^[A-Za-z0-9_-]{24}$/);
    const html = renderShell(shell, first);
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.ok(html.includes(`<script nonce="${first}" src="${shell.scriptUri}">`));
    assert.ok(html.includes(`content="${escapeHtml(contentSecurityPolicy(shell.cspSource, first))}"`));
    assert.ok(!/\son[a-z]+=/i.test(html), 'no inline handlers');
    assert.ok(!/style=/i.test(html), 'no inline styles');
  });

  it('escapes a hostile title instead of letting it close the tag', () => {
    const html = renderShell({ ...shell, title: '</title><script>alert(1)</script>' }, 'n');
    assert.ok(html.includes('&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.equal(html.match(/<script/g)?.length, 1);
  });

  it('escapes every character that matters in HTML', () => {
    assert.equal(escapeHtml(`<img src=x onerror="a('b')">&`), '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;');
  });
});
