// Proves the end-to-end harness against a real workbench with a tiny extension
// written here (a command with a notification, a diagnostic, a quick fix), so
// a broken helper shows up as such and not as a Planewise failure.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { goToProblem, notifications, openFile, openQuickFix, problemsRows, runCommand, startVsCode, withScreenshotOnFailure, type VsCodeSession } from './harness';

const PROBE_EXTENSION = `
const vscode = require('vscode');
exports.activate = (context) => {
  const diagnostics = vscode.languages.createDiagnosticCollection('probe');
  const flag = (document) => {
    const at = document.getText().indexOf('PROBE');
    if (at < 0) return;
    const range = new vscode.Range(document.positionAt(at), document.positionAt(at + 5));
    diagnostics.set(document.uri, [new vscode.Diagnostic(range, 'probe marker found', vscode.DiagnosticSeverity.Warning)]);
  };
  context.subscriptions.push(
    diagnostics,
    vscode.commands.registerCommand('probe.greet', () => vscode.window.showInformationMessage('Hello from the probe')),
    vscode.workspace.onDidOpenTextDocument(flag),
    vscode.languages.registerCodeActionsProvider('plaintext', {
      provideCodeActions: (document, range, context) =>
        context.diagnostics.map((diagnostic) => new vscode.CodeAction('Remove the probe marker', vscode.CodeActionKind.QuickFix)),
    }),
  );
  vscode.workspace.textDocuments.forEach(flag);
};
`;

const PROBE_MANIFEST = {
  name: 'probe',
  publisher: 'planewise-test',
  version: '0.0.1',
  engines: { vscode: '^1.80.0' },
  main: './extension.js',
  activationEvents: ['onStartupFinished'],
  contributes: { commands: [{ command: 'probe.greet', title: 'Probe: Greet' }] },
};

describe('end-to-end harness (real workbench, slow: ~20 s)', () => {
  let fixtures: string;
  let vscode: VsCodeSession;

  before(async () => {
    fixtures = mkdtempSync(path.join(os.tmpdir(), 'planewise-harness-e2e-'));
    const extension = path.join(fixtures, 'extension');
    const workspace = path.join(fixtures, 'workspace');
    mkdirSync(extension);
    mkdirSync(path.join(workspace, 'notes'), { recursive: true });
    writeFileSync(path.join(extension, 'package.json'), JSON.stringify(PROBE_MANIFEST));
    writeFileSync(path.join(extension, 'extension.js'), PROBE_EXTENSION);
    writeFileSync(path.join(workspace, 'notes', 'todo.txt'), 'first line\nsecond PROBE line\n');
    vscode = await startVsCode({ workspace, extensionFolder: extension });
  });

  after(async () => {
    await vscode?.stop();
    if (fixtures) rmSync(fixtures, { recursive: true, force: true });
  });

  it('runs a command from the palette and sees its notification', () =>
    withScreenshotOnFailure(vscode, 'harness-command', async () => {
      await runCommand(vscode.page, 'Probe: Greet');
      await notifications(vscode.page).filter({ hasText: 'Hello from the probe' }).first().waitFor();
    }));

  it('opens a file, lists its diagnostic in Problems and offers the quick fix', () =>
    withScreenshotOnFailure(vscode, 'harness-quick-fix', async () => {
      await openFile(vscode.page, 'notes/todo.txt');
      const rows = await problemsRows(vscode.page);
      await rows.filter({ hasText: 'probe marker found' }).first().waitFor();
      await goToProblem(vscode.page, rows.filter({ hasText: 'probe marker found' }).first());
      const fixes = await openQuickFix(vscode.page);
      assert.deepEqual(await fixes.allTextContents(), ['Remove the probe marker']);
    }));

  it('keeps the original workspace untouched (tests work on a copy)', () => {
    assert.ok(vscode.workspace.startsWith(os.tmpdir()));
    assert.notEqual(path.dirname(path.dirname(vscode.workspace)), fixtures);
  });
});
