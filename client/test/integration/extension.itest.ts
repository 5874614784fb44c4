// Runs inside a real VS Code extension host against a temp copy of
// test-workspace/: activation, the language server's diagnostics and quick
// fix, the trace viewer, and every command.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { PlanewiseApi } from '../../src/extension';
import type { TraceViewState } from '../../src/traceEditor/provider';

const EXTENSION_ID = 'planewise.planewise';
const WAIT_MS = 15_000;

interface ExpectedFinding {
  ruleId: string;
  file: string;
  line: number;
}

function root(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with test-workspace open');
  return folder.uri;
}

const inWorkspace = (...parts: string[]) => vscode.Uri.joinPath(root(), ...parts);

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const codeOf = (diagnostic: vscode.Diagnostic) =>
  typeof diagnostic.code === 'object' && diagnostic.code !== null ? String(diagnostic.code.value) : String(diagnostic.code);

function findingAt(uri: vscode.Uri, ruleId: string, line: number): vscode.Diagnostic | undefined {
  return vscode.languages.getDiagnostics(uri).find((diagnostic) => codeOf(diagnostic) === ruleId && diagnostic.range.start.line === line - 1);
}

/** The language server: the forked child of this extension host that runs server/dist/server.js. */
function serverPid(): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid && fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(path.join('server', 'dist', 'server.js'))) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

async function viewState(uri: vscode.Uri): Promise<TraceViewState | undefined> {
  return vscode.commands.executeCommand<TraceViewState | undefined>('planewise.test.getTraceViewState', uri);
}

async function openViewer(uri: vscode.Uri): Promise<TraceViewState> {
  await vscode.commands.executeCommand('vscode.openWith', uri, 'planewise.traceViewer');
  return waitFor(`the trace viewer of ${path.basename(uri.fsPath)} to finish reading`, async () => {
    const state = await viewState(uri);
    return state?.progress?.phase === 'done' && state.summary ? state : undefined;
  });
}

const allTabs = () => vscode.window.tabGroups.all.flatMap((group) => group.tabs);

/** The Markdown preview tab beside the editor of `source`, once both are open. */
function previewBeside(source: vscode.Uri): vscode.Tab | undefined {
  const sourceTab = allTabs().find((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === source.toString());
  const preview = allTabs().find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.includes('markdown.preview'));
  return sourceTab && preview && preview.group.viewColumn !== sourceTab.group.viewColumn ? preview : undefined;
}

describe('Planewise in VS Code', () => {
  let api: PlanewiseApi;

  before(async () => {
    const extension = vscode.extensions.getExtension<PlanewiseApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates, records its activation time and starts the language server for a workspace with a config', async () => {
    assert.equal(typeof api.activationMs, 'number');
    assert.ok(api.activationMs > 0);
    console.log(`      activation took ${api.activationMs.toFixed(1)} ms`);
    assert.equal(await api.serverReady, true);
  });

  it('reports every planted violation as a diagnostic', async function () {
    // The first check pays for the language server loading the project into TypeScript.
    this.timeout(120_000);
    const expected = JSON.parse(fs.readFileSync(inWorkspace('EXPECTED-FINDINGS.json').fsPath, 'utf8')) as ExpectedFinding[];
    assert.ok(expected.length > 0);
    for (const finding of expected) {
      const uri = inWorkspace(finding.file);
      await vscode.window.showTextDocument(uri);
      const diagnostic = await waitFor(`${finding.ruleId} at ${finding.file}:${finding.line}`, () => findingAt(uri, finding.ruleId, finding.line), 30_000);
      assert.equal(diagnostic.source, 'planewise');
    }
    // One violation, one row: the handler's import of the analysis is named in the call's finding, not reported again.
    const objects = vscode.languages.getDiagnostics(inWorkspace('src/handlers/objects.ts')).filter((diagnostic) => diagnostic.source === 'planewise');
    assert.deepEqual(objects.map((diagnostic) => diagnostic.range.start.line + 1), [9]);
    assert.ok(objects[0]!.relatedInformation?.some((related) => related.location.range.start.line === 0 && related.message.startsWith('Imported here')));
  });

  it('applies "Move analysis out of the execution path" and the diagnostic goes away', async function () {
    this.timeout(60_000);
    const uri = inWorkspace('src/handlers/objects.ts');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const diagnostic = await waitFor('the no-analysis-in-execution-path diagnostic', () => findingAt(uri, 'no-analysis-in-execution-path', 9), 30_000);
    const offered = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
    // A fix that changes other files comes without its edit until it is chosen (resolved), when the files it changes are announced.
    assert.equal(offered.find((action) => action.title === 'Move analysis out of the execution path')?.edit, undefined);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, undefined, 20);
    const move = actions.find((action) => action.title === 'Move analysis out of the execution path');
    assert.ok(move, `quick fixes offered: ${actions.map((action) => action.title).join(' | ')}`);
    assert.ok(move.edit, 'the resolved fix carries its edit');
    // It also changes the post-execution module, applied at once (no edit waits for confirmation).
    assert.ok(move.edit.entries().some(([changed]) => changed.path.endsWith('post-execution.ts')));
    assert.equal(await vscode.workspace.applyEdit(move.edit), true);
    await vscode.workspace.saveAll(false);
    await waitFor('the diagnostic to disappear', () =>
      vscode.languages.getDiagnostics(uri).every((candidate) => codeOf(candidate) !== 'no-analysis-in-execution-path') ? true : undefined, 30_000);
  });

  it('suppresses with the cursor on the reason, and a missing reason waits until the cursor leaves the comment', async function () {
    this.timeout(60_000);
    const uri = inWorkspace('src/telemetry/tracer.ts');
    const editor = await vscode.window.showTextDocument(uri);
    const gate = await waitFor('the no-license-gate-in-platform diagnostic', () => findingAt(uri, 'no-license-gate-in-platform', 11), 30_000);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, gate.range);
    const suppress = actions.find((action) => action.title.startsWith('Suppress no-license-gate-in-platform'));
    assert.ok(suppress?.edit, `quick fixes offered: ${actions.map((action) => action.title).join(' | ')}`);
    try {
      assert.equal(await vscode.workspace.applyEdit(suppress.edit), true);
      const comment = editor.document.lineAt(10);
      assert.match(comment.text, /^\s*\/\/ planewise-ignore-next-line no-license-gate-in-platform -- reason$/);
      // The placeholder is selected: typing replaces it.
      assert.equal(editor.document.getText(editor.selection), 'reason');
      const suppressionProblem = () => vscode.languages.getDiagnostics(uri).find((diagnostic) => codeOf(diagnostic) === 'suppression');
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      await waitFor('the missing reason once the cursor left the comment', suppressionProblem, 30_000);
      editor.selection = new vscode.Selection(10, comment.text.length, 10, comment.text.length);
      await waitFor('the missing reason to wait while the cursor is back in the comment', () => suppressionProblem() === undefined, 10_000);
      const placeholder = comment.text.lastIndexOf('reason');
      await editor.edit((edit) => edit.replace(new vscode.Range(10, placeholder, 10, placeholder + 'reason'.length), 'enterprise tracing is the product'));
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      await waitFor('the suppressed finding to go', () => (findingAt(uri, 'no-license-gate-in-platform', 12) === undefined && suppressionProblem() === undefined ? true : undefined), 30_000);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('opens a trace in the viewer and reports its summary and policy', async () => {
    const uri = inWorkspace('traces', 'run-1.trace.jsonl');
    await openViewer(uri);
    const state = await waitFor('the webview to load its script and say ready', async () => {
      const current = await viewState(uri);
      return current?.ready ? current : undefined;
    });
    assert.equal(state.rejectedMessages, 0);
    const summary = state.summary!;
    assert.ok(summary.events > 0);
    assert.equal(summary.events, summary.spans + summary.authz);
    assert.ok(summary.operations.length > 0);
    assert.ok(summary.principals.length > 0);
    assert.ok(state.policy && state.policy.principals.length > 0);
    // The overview lists principals; a principal's document is sent when the view asks for it.
    const principal = state.policy.principals.find((entry) => entry.statements > 0)!.principal;
    await vscode.commands.executeCommand('planewise.test.traceViewer', uri, 'message', { type: 'showPrincipal', principal });
    const detail = await waitFor(`the policy of ${principal}`, async () => {
      const shown = (await viewState(uri))?.principalPolicy;
      return shown?.principal === principal ? shown : undefined;
    });
    assert.ok((JSON.parse(detail.json) as { Statement: unknown[] }).Statement.length > 0);
    assert.equal(detail.omittedLines, 0);
  });

  it('reads a gzipped trace and lists the invalid lines of a broken one', async () => {
    const plain = await viewState(inWorkspace('traces', 'run-1.trace.jsonl'));
    const gz = await openViewer(inWorkspace('traces', 'run-1.trace.jsonl.gz'));
    assert.equal(gz.summary?.events, plain?.summary?.events);
    const broken = await openViewer(inWorkspace('traces', 'broken.trace.jsonl'));
    assert.ok(broken.problems && broken.problems.total > 0);
    assert.ok(broken.problems.items.every((problem) => problem.line > 0 && problem.reason.length > 0));
  });

  it("opens the OpenTelemetry Collector's protobuf output in the trace viewer by default", async () => {
    const uri = inWorkspace('collector', 'collector.otlp.pb');
    await vscode.commands.executeCommand('vscode.open', uri);
    const state = await waitFor('the viewer of collector.otlp.pb to finish reading', async () => {
      const current = await viewState(uri);
      return current?.progress?.phase === 'done' && current.summary ? current : undefined;
    });
    // scripts/collector-fixture.mjs: 3 batches of 6 spans, with 21 authorization decisions.
    assert.equal(state.summary?.spans, 18);
    assert.equal(state.problems?.total ?? 0, 0);
  });

  it('keeps hostile values from a malicious trace as plain data', async () => {
    const state = await openViewer(inWorkspace('traces', 'malicious.trace.jsonl'));
    const names = state.summary!.operations.map((row) => row.operation);
    assert.ok(names.includes('<img src=x onerror=alert(1)>'));
    assert.ok(names.includes('</script><script>alert(2)</script>'));
  });

  it('rejects a malformed message from the webview without acting on it', async () => {
    const uri = inWorkspace('traces', 'run-1.trace.jsonl');
    await openViewer(uri);
    const before = (await viewState(uri))!.rejectedMessages;
    await vscode.commands.executeCommand('planewise.test.traceViewer', uri, 'message', { type: 'openLine', line: '1; rm -rf /' });
    await vscode.commands.executeCommand('planewise.test.traceViewer', uri, 'message', { type: 'noSuchMessage' });
    assert.equal((await viewState(uri))!.rejectedMessages, before + 2);
  });

  it('follows a trace that grows on disk and starts over when it is rewritten', async () => {
    const source = fs.readFileSync(inWorkspace('traces', 'run-1.trace.jsonl').fsPath, 'utf8');
    const uri = inWorkspace('traces', 'growing.trace.jsonl');
    fs.writeFileSync(uri.fsPath, source);
    const first = await openViewer(uri);
    const events = first.summary!.events;
    const lastEvent = source.trimEnd().split('\n').at(-1)!;
    fs.appendFileSync(uri.fsPath, `${lastEvent}\n${lastEvent}\n`);
    await waitFor('the appended events', async () => ((await viewState(uri))?.summary?.events === events + 2 ? true : undefined));
    fs.writeFileSync(uri.fsPath, `${source.split('\n')[0]}\n${lastEvent}\n`);
    await waitFor('the re-read after a rewrite', async () => ((await viewState(uri))?.summary?.events === 1 ? true : undefined));
  });

  it('saves the viewer policy, compares with another run, and switches to text', async () => {
    const uri = inWorkspace('traces', 'run-1.trace.jsonl');
    await openViewer(uri);
    const target = inWorkspace('out', 'viewer.policy.json');
    await vscode.commands.executeCommand('planewise.test.traceViewer', uri, 'savePolicy', target);
    const saved = JSON.parse(fs.readFileSync(target.fsPath, 'utf8')) as { schema: string; principals: unknown[] };
    assert.ok(saved.principals.length > 0);
    // The same document `planewise policy --format json` writes.
    assert.equal(saved.schema, 'planewise.policy/1');

    await vscode.commands.executeCommand('planewise.test.traceViewer', uri, 'compare', inWorkspace('traces', 'run-2.trace.jsonl'));
    const compared = await viewState(uri);
    assert.equal(compared?.compare?.state, 'done');
    assert.ok(compared.compare.changes.length > 0);

    await vscode.commands.executeCommand('planewise.openTraceAsText', uri);
    await waitFor('the text editor', () => (vscode.window.activeTextEditor?.document.uri.fsPath === uri.fsPath ? true : undefined));
    assert.equal(vscode.window.activeTextEditor?.document.languageId, 'trace-jsonl');
  });

  it('groups the trace commands in a Planewise submenu of the explorer, shown on trace files and folders only', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { submenus: { id: string; label: string }[]; menus: Record<string, { command?: string; submenu?: string; when?: string }[]> };
    };
    const { submenus, menus } = manifest.contributes;
    const explorer = menus['explorer/context'] ?? [];
    assert.equal(explorer.length, 1, 'nothing but the submenu in the explorer context menu');
    const entry = explorer[0]!;
    assert.equal(submenus.find((submenu) => submenu.id === entry.submenu)?.label, 'Planewise');
    assert.match(entry.when ?? '', /explorerResourceIsFolder/);
    assert.match(entry.when ?? '', /trace\\\.jsonl/);
    const inSubmenu = (menus[entry.submenu!] ?? []).map((item) => item.command);
    assert.deepEqual(inSubmenu, ['planewise.summarizeTrace', 'planewise.generatePolicy', 'planewise.compareTraces', 'planewise.checkDrift', 'planewise.createReport']);
  });

  describe('commands', () => {
    const run1 = () => inWorkspace('traces', 'run-1.trace.jsonl');
    const run2 = () => inWorkspace('traces', 'run-2.trace.jsonl');

    it('Generate Policy writes a new file and refuses to replace one', async () => {
      const target = inWorkspace('out', 'generated.policy.json');
      const written = await vscode.commands.executeCommand<vscode.Uri>('planewise.generatePolicy', run1(), [run1(), run2()], { output: target });
      assert.equal(written.fsPath, target.fsPath);
      const policies = JSON.parse(fs.readFileSync(target.fsPath, 'utf8')) as { principals: { principal: string }[] };
      assert.ok(policies.principals.length > 0);
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('planewise.generatePolicy', run1(), undefined, { output: target })), /already exists/);
      const untitled = await vscode.commands.executeCommand<vscode.Uri>('planewise.generatePolicy', inWorkspace('traces'), undefined, { format: 'json' });
      assert.equal(untitled.scheme, 'untitled');
      assert.equal(vscode.window.activeTextEditor?.document.languageId, 'json');
      assert.equal(JSON.parse(vscode.window.activeTextEditor!.document.getText()).schema, 'planewise.policy/1');
    });

    it('Generate Policy and the viewer write the formats of planewise policy --format', async () => {
      const template = inWorkspace('out', 'generated.policy.cfn.json');
      await vscode.commands.executeCommand('planewise.generatePolicy', run1(), undefined, { output: template, format: 'cloudformation' });
      const resources = Object.values((JSON.parse(fs.readFileSync(template.fsPath, 'utf8')) as { Resources: Record<string, { Type: string }> }).Resources);
      assert.ok(resources.length > 0 && resources.every((resource) => resource.Type === 'AWS::IAM::ManagedPolicy'));
      await vscode.commands.executeCommand('planewise.generatePolicy', run1(), undefined, { format: 'terraform-hcl' });
      assert.match(vscode.window.activeTextEditor!.document.getText(), /data "aws_iam_policy_document"/);
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('planewise.generatePolicy', run1(), undefined, { format: 'xml' })), /unknown policy format/);

      await openViewer(run1());
      const saved = inWorkspace('out', 'viewer.iam.json');
      await vscode.commands.executeCommand('planewise.test.traceViewer', run1(), 'savePolicy', saved, 'iam');
      assert.match((JSON.parse(fs.readFileSync(saved.fsPath, 'utf8')) as { schema: string }).schema, /^planewise\.iam\//);
    });

    it('Summarize Trace opens the viewer for one trace and a Markdown summary for a folder', async () => {
      await vscode.commands.executeCommand('planewise.summarizeTrace', run1());
      assert.ok(await viewState(run1()));
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const summary = await vscode.commands.executeCommand<vscode.Uri>('planewise.summarizeTrace', inWorkspace('traces'));
      const document = await vscode.workspace.openTextDocument(summary);
      assert.match(document.getText(), /^# Trace summary/);
      await waitFor('the summary rendered in a Markdown preview beside it', () => previewBeside(summary));
    });

    it('Summarize Trace run from a trace viewer summarizes that trace without asking', async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await openViewer(run1());
      await waitFor('the viewer as the active tab', () => {
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        return input instanceof vscode.TabInputCustom && input.uri.fsPath === run1().fsPath ? true : undefined;
      });
      const summary = await vscode.commands.executeCommand<vscode.Uri>('planewise.summarizeTrace');
      assert.equal(summary.scheme, 'untitled');
      assert.match((await vscode.workspace.openTextDocument(summary)).getText(), /^# Trace summary/);
      await waitFor('the summary rendered in a Markdown preview beside it', () => previewBeside(summary));
    });

    it('Compare Traces opens the second dialog where the first pick was, and shows the comparison as a preview', async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const realOpenDialog = vscode.window.showOpenDialog;
      const dialogs: (vscode.OpenDialogOptions | undefined)[] = [];
      (vscode.window as { showOpenDialog: typeof vscode.window.showOpenDialog }).showOpenDialog = async (options) => {
        dialogs.push(options);
        return [run2()];
      };
      let diff: vscode.Uri;
      try {
        diff = await vscode.commands.executeCommand<vscode.Uri>('planewise.compareTraces', run1());
      } finally {
        (vscode.window as { showOpenDialog: typeof vscode.window.showOpenDialog }).showOpenDialog = realOpenDialog;
      }
      assert.equal(dialogs.length, 1, 'only the "after" trace was asked for');
      assert.equal(dialogs[0]?.defaultUri?.fsPath, inWorkspace('traces').fsPath);
      assert.match((await vscode.workspace.openTextDocument(diff)).getText(), /^# Trace comparison/);
      await waitFor('the comparison rendered in a Markdown preview beside it', () => previewBeside(diff));
    });

    it('Compare Traces and Check Drift produce their documents', async () => {
      const diff = await vscode.commands.executeCommand<vscode.Uri>('planewise.compareTraces', run1(), run2());
      assert.match((await vscode.workspace.openTextDocument(diff)).getText(), /^# Trace comparison/);
      const policy = inWorkspace('out', 'drift-base.policy.json');
      await vscode.commands.executeCommand('planewise.generatePolicy', run1(), undefined, { output: policy, overwrite: true });
      const drift = await vscode.commands.executeCommand<vscode.Uri>('planewise.checkDrift', run2(), undefined, { policy });
      assert.match((await vscode.workspace.openTextDocument(drift)).getText(), /^# Policy drift/);
    });

    it('Create Compliance Report saves HTML and shows it in a webview', async () => {
      const target = inWorkspace('out', 'report.html');
      await vscode.commands.executeCommand('planewise.createReport', inWorkspace('traces', 'malicious.trace.jsonl'), undefined, { output: target });
      const html = fs.readFileSync(target.fsPath, 'utf8');
      assert.ok(!html.includes('<img src=x'), 'trace values are escaped in the report');
      const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('planewise.createReport', run1());
      assert.match(panel.webview.html, /script-src (&#39;|')none(&#39;|')/);
      assert.equal(panel.webview.options.enableScripts, false);
      assert.match(panel.webview.html, /background:var\(--vscode-editor-background\)/, 'the webview follows the theme');

      const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, { command?: string; when?: string }[]> } };
      const button = manifest.contributes.menus['editor/title']?.find((item) => item.command === 'planewise.saveReport');
      assert.equal(button?.when, `activeWebviewPanelId == '${panel.viewType}'`, 'Save Report is a button on the report panel');
      const saved = inWorkspace('out', 'saved-report.html');
      await vscode.commands.executeCommand('planewise.saveReport', { output: saved, overwrite: true });
      const savedHtml = fs.readFileSync(saved.fsPath, 'utf8');
      assert.match(savedHtml, /^<!DOCTYPE html>/);
      assert.ok(!savedHtml.includes('--vscode-'), 'the saved report is self-contained and theme-neutral');
      panel.dispose();
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('planewise.saveReport', { output: saved, overwrite: true })), /No compliance report is open/);
    });

    it('Check Workspace Boundaries, Create Config and Restart Server talk to the server', async () => {
      const check = await vscode.commands.executeCommand<{ filesChecked: number; errors: number }>('planewise.checkWorkspace');
      assert.ok(check.filesChecked > 0);
      assert.ok(check.errors > 0, 'the planted violations are errors');
      const config = await vscode.commands.executeCommand<{ created: boolean; uri?: string }>('planewise.createConfig');
      assert.equal(config.created, false, 'the workspace already has a config');
      assert.ok(config.uri?.endsWith('planewise.config.json'));
      const realInformation = vscode.window.showInformationMessage;
      const notices: string[] = [];
      (vscode.window as { showInformationMessage: (message: string) => Thenable<undefined> }).showInformationMessage = async (message: string) => {
        notices.push(message);
        return undefined;
      };
      try {
        await vscode.commands.executeCommand('planewise.restartServer');
      } finally {
        (vscode.window as { showInformationMessage: typeof realInformation }).showInformationMessage = realInformation;
      }
      assert.ok(notices.some((notice) => /language server restarted/.test(notice)), `notifications: ${notices.join(' | ')}`);
      assert.match(await vscode.commands.executeCommand<string>('planewise.test.serverStatusText'), /^Planewise: (running|\d+ findings?)/);
      const again = await vscode.commands.executeCommand<{ filesChecked: number }>('planewise.checkWorkspace');
      assert.equal(again.filesChecked, check.filesChecked);
    });

    it('restarts the language server after it is killed, and the new one reports the findings again', async () => {
      const router = inWorkspace('src', 'gateway', 'router.ts');
      await vscode.window.showTextDocument(router);
      await waitFor('the router finding', () => findingAt(router, 'no-product-import-in-platform', 2));
      const crashed = await waitFor('the language server process', serverPid);
      process.kill(crashed, 'SIGKILL');
      const restarted = await waitFor('a restarted language server', () => {
        const pid = serverPid();
        return pid !== undefined && pid !== crashed ? pid : undefined;
      }, 30_000);
      assert.notEqual(restarted, crashed);
      await waitFor('the router finding from the restarted server', () => findingAt(router, 'no-product-import-in-platform', 2), 30_000);
      const check = await vscode.commands.executeCommand<{ filesChecked: number }>('planewise.checkWorkspace');
      assert.ok(check.filesChecked > 0, 'the restarted server checks the workspace');
    });

    it('opens a rule page as a rendered Markdown preview, not as its source', async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const page = vscode.Uri.joinPath(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri, 'docs', 'rules', 'no-analysis-in-execution-path.md');
      await vscode.commands.executeCommand('planewise.server.openRuleDocs', page.toString());
      await waitFor('the rule page preview', () =>
        allTabs().find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.includes('markdown.preview')) ? true : undefined);
      assert.ok(!allTabs().some((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.fsPath === page.fsPath), 'no text editor on the page');
    });

    it('Open in Trace Viewer and Show Output run', async () => {
      await vscode.commands.executeCommand('planewise.openTraceViewer', run2());
      await waitFor('the run-2 viewer', async () => ((await viewState(run2()))?.summary ? true : undefined));
      await vscode.commands.executeCommand('planewise.showOutput');
    });
  });
});
