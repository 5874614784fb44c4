import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { workbenchUrl } from './host.mjs';
import { formatLogArgs, isWorkbenchChatter, parseArgs } from './launch.mjs';

describe('launch.mjs arguments', () => {
  it('reads the arguments runTests passes, in both --name=value and --name value forms', () => {
    const parsed = parseArgs([
      '/tmp/ws',
      '--no-sandbox',
      '--disable-extensions',
      '--extensionTestsPath=/x/out/index.js',
      '--extensionDevelopmentPath=/x',
      '--extensionDevelopmentPath',
      '/y',
      '--user-data-dir',
      'rel/user',
      '--extensions-dir=/ext',
    ]);
    assert.deepEqual(parsed, {
      extensionDevelopmentPaths: ['/x', '/y'],
      extensionTestsPath: '/x/out/index.js',
      userDataDir: path.resolve('rel/user'),
      extensionsDir: '/ext',
      disableExtensions: true,
      folder: '/tmp/ws',
    });
  });

  it('refuses a run without tests, a flag without value and two folders', () => {
    assert.throws(() => parseArgs(['/ws']), /--extensionTestsPath is required/);
    assert.throws(() => parseArgs(['--extensionTestsPath']), /needs a value/);
    assert.throws(() => parseArgs(['--extensionTestsPath=/t', '/a', '/b']), /only one folder/);
  });
});

describe('workbench URL and log forwarding', () => {
  it('carries the folder and the test payload as vscode-remote URIs', () => {
    const url = new URL(workbenchUrl('http://127.0.0.1:4321', { folder: '/w s', extensionDevelopmentPaths: ['/ext'], extensionTestsPath: '/ext/out/index.js' }));
    assert.equal(url.searchParams.get('folder'), '/w s');
    assert.deepEqual(JSON.parse(url.searchParams.get('payload')!), [
      ['extensionDevelopmentPath', 'vscode-remote://127.0.0.1:4321/ext'],
      ['extensionTestsPath', 'vscode-remote://127.0.0.1:4321/ext/out/index.js'],
    ]);
    assert.equal(new URL(workbenchUrl('http://127.0.0.1:1', { folder: '/a/b.code-workspace' })).searchParams.get('workspace'), '/a/b.code-workspace');
  });

  it("formats console.log's printf arguments and drops only workbench chatter", () => {
    assert.equal(formatLogArgs(['%d passing (%s)', 3, '12ms']), '3 passing (12ms)');
    assert.ok(isWorkbenchChatter('Creating a socket (renderer-Management-1)...'));
    assert.ok(isWorkbenchChatter('Error: x\n    at y (http://127.0.0.1:1/stable-1/static/out/vs/code/browser/workbench/workbench.js:1:2)'));
    assert.ok(!isWorkbenchChatter('  1 passing (12ms)'));
  });
});
