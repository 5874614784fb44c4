import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CodeActionRequest, ExecuteCommandRequest, FileChangeType, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol';
import { CHECK_WORKSPACE_COMMAND, CREATE_CONFIG_COMMAND, OPEN_RULE_DOCS_COMMAND, type CheckWorkspaceResult } from '../src/protocol';
import {
  applyWorkspaceEdit,
  copyTestWorkspace,
  removeProject,
  repoRoot,
  startServer,
  testWorkspace,
  type TestClient,
  type Transport,
} from './harness';

interface ExpectedFinding {
  ruleId: string;
  file: string;
  line: number;
}

const expected: ExpectedFinding[] = JSON.parse(readFileSync(path.join(testWorkspace, 'EXPECTED-FINDINGS.json'), 'utf8'));

function key(finding: ExpectedFinding): string {
  return `${finding.ruleId} ${finding.file}:${finding.line}`;
}

/** Every published diagnostic of a workspace, as rule, relative file and 1-based line. */
function publishedFindings(client: TestClient, root: string): string[] {
  const found: string[] = [];
  for (const [uri, params] of client.diagnostics) {
    const file = path.relative(root, fileURLToPath(uri)).split(path.sep).join('/');
    for (const diagnostic of params.diagnostics) found.push(key({ ruleId: String(diagnostic.code), file, line: diagnostic.range.start.line + 1 }));
  }
  return found.sort();
}

function codeActions(client: TestClient, file: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
  return client.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: pathToFileURL(file).href },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  }) as Promise<CodeAction[]>;
}

function verboseChecks(client: TestClient, from: number): string[] {
  return client.logs
    .slice(from)
    .map((log) => log.message)
    .filter((message) => message.startsWith('incremental check of'));
}

for (const transport of ['stdio', 'ipc'] as Transport[]) {
  describe(`language server over ${transport} on test-workspace`, () => {
    let client: TestClient;
    before(async () => {
      client = await startServer(transport);
    });
    after(async () => {
      await client.stop();
    });

    test('initialize announces what the server does', async () => {
      const result = await client.initialize(testWorkspace);
      assert.equal(result.serverInfo?.name, 'planewise');
      const capabilities = result.capabilities;
      assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
      assert.ok(capabilities.codeActionProvider);
      assert.deepEqual((capabilities.executeCommandProvider?.commands ?? []).sort(), [CHECK_WORKSPACE_COMMAND, CREATE_CONFIG_COMMAND, OPEN_RULE_DOCS_COMMAND].sort());
      assert.equal(capabilities.workspace?.workspaceFolders?.supported, true);
    });

    test('the workspace check publishes exactly the planted violations, with docs links and fingerprints', async () => {
      const status = await client.idle();
      assert.deepEqual(publishedFindings(client, testWorkspace), expected.map(key).sort());
      assert.equal(status.findings, expected.length);
      for (const params of client.diagnostics.values()) {
        for (const diagnostic of params.diagnostics) {
          assert.equal(diagnostic.source, 'planewise');
          const href = diagnostic.codeDescription?.href ?? '';
          assert.ok(href.endsWith(`/docs/rules/${diagnostic.code}.md`), href);
          assert.ok(existsSync(fileURLToPath(href)), `${href} exists`);
          assert.equal(typeof (diagnostic.data as { fingerprint?: unknown }).fingerprint, 'string');
        }
      }
      // The whole-workspace check reported progress from begin to end.
      const kinds = client.progress.map((p) => (p as { value: { kind: string } }).value.kind);
      assert.equal(kinds[0], 'begin');
      assert.equal(kinds.at(-1), 'end');
    });

    test('status notifications follow the check: starting, checking, then idle with planes and counts', () => {
      const states = client.statuses.map((s) => s.state);
      assert.equal(states[0], 'starting');
      assert.ok(states.includes('checking'));
      const last = client.statuses.at(-1)!;
      assert.equal(last.state, 'idle');
      assert.ok(last.filesChecked > 10, `files checked: ${last.filesChecked}`);
      assert.ok(last.planes.data! > 0 && last.planes.control! > 0 && last.planes.intelligence! > 0, JSON.stringify(last.planes));
      assert.ok(last.lastCheckAt !== undefined && last.lastCheckAt <= Date.now());
    });

    test('the analysis-in-handler finding offers the move fix, a suppression and its docs page', async () => {
      const handler = path.join(testWorkspace, 'src/handlers/objects.ts');
      const diagnostic = client.diagnosticsFor(handler).find((d) => d.code === 'no-analysis-in-execution-path');
      assert.ok(diagnostic);
      const actions = await codeActions(client, handler, diagnostic);
      const move = actions.find((action) => action.title.startsWith('Move analysis out of the execution path'));
      assert.ok(move?.edit?.documentChanges, actions.map((a) => a.title).join('\n'));
      assert.deepEqual(move.diagnostics, [diagnostic]);
      assert.ok(actions.some((action) => action.title.startsWith('Suppress no-analysis-in-execution-path')));
      const docs = actions.find((action) => action.command?.command === OPEN_RULE_DOCS_COMMAND);
      assert.ok(docs?.command?.arguments?.[0]);
      assert.equal(await client.connection.sendRequest(ExecuteCommandRequest.type, docs.command), true);
      assert.equal(client.shownDocuments.at(-1), pathToFileURL(path.join(repoRoot, 'docs/rules/no-analysis-in-execution-path.md')).href);
    });

    test('checkWorkspace returns the totals', async () => {
      const result = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: CHECK_WORKSPACE_COMMAND })) as CheckWorkspaceResult;
      assert.ok(result.filesChecked > 10);
      assert.equal(result.errors + result.warnings, expected.length);
      assert.equal(result.warnings, expected.filter((f) => f.ruleId === 'versioned-trace-artifacts').length);
    });
  });
}

describe('language server on a copy of test-workspace (edits)', () => {
  let client: TestClient;
  let root: string;
  before(async () => {
    root = copyTestWorkspace();
    client = await startServer('stdio');
    client.settings = { trace: { server: 'verbose' } };
    await client.initialize(root);
    await client.idle();
  });
  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('applying "Move analysis out of the execution path" removes the finding', async () => {
    const handler = path.join(root, 'src/handlers/objects.ts');
    const diagnostic = client.diagnosticsFor(handler).find((d) => d.code === 'no-analysis-in-execution-path');
    assert.ok(diagnostic);
    const move = (await codeActions(client, handler, diagnostic)).find((action) => action.title.startsWith('Move analysis out of the execution path'));
    assert.ok(move?.edit);
    const touched = applyWorkspaceEdit(move.edit);
    assert.ok(touched.includes(handler));
    const logMark = client.logs.length;
    await client.filesChanged(touched.map((file) => ({ file, type: FileChangeType.Changed })));
    await client.waitFor(() => verboseChecks(client, logMark).length > 0 && !client.diagnosticsFor(handler).some((d) => d.code === 'no-analysis-in-execution-path'), 'the finding to go away');
  });

  test('an edit re-checks the edited file and its dependents only', async () => {
    const anomalies = path.join(root, 'src/analysis/anomalies.ts');
    const text = readFileSync(anomalies, 'utf8');
    await client.open(anomalies, text);
    await client.waitFor(() => verboseChecks(client, 0).some((m) => m.includes('anomalies.ts')), 'the open check');
    const logMark = client.logs.length;
    await client.change(anomalies, `${text}\nexport const EXTRA_THRESHOLD = 1;\n`);
    const [checked] = await client.waitFor(() => verboseChecks(client, logMark).length > 0 && verboseChecks(client, logMark), 'the re-check after the edit');
    // anomalies.ts is imported by the router (and what imports that), not by the storage layer.
    assert.match(checked!, /anomalies\.ts/);
    assert.match(checked!, /gateway\/router\.ts/);
    assert.doesNotMatch(checked!, /storage\//);
    const total = client.statuses.at(-1)!.filesChecked;
    const count = Number(/incremental check of (\d+) files/.exec(checked!)![1]);
    assert.ok(count < total, `${count} of ${total} files re-checked`);
  });

  test('rapid edits end with diagnostics for the latest version', async () => {
    const router = path.join(root, 'src/gateway/router.ts');
    const text = readFileSync(router, 'utf8');
    await client.open(router, text);
    let version = 0;
    for (let i = 0; i < 8; i++) version = await client.change(router, `${text}\n// edit ${i}\n`);
    await client.waitFor(() => client.diagnostics.get(pathToFileURL(router).href)?.version === version, `diagnostics for version ${version}`);
    assert.ok(client.diagnosticsFor(router).some((d) => d.code === 'no-product-import-in-platform'));
  });
});
