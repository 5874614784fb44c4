import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  CodeActionRequest,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  FileChangeType,
  LSPErrorCodes,
  ResponseError,
  type CodeAction,
} from 'vscode-languageserver-protocol';
import { CHECK_WORKSPACE_COMMAND, CREATE_CONFIG_COMMAND, type CreateConfigResult } from '../src/protocol';
import { applyWorkspaceEdit, CLIENT_CAPABILITIES, removeProject, startServer, writeProject, type TestClient } from './harness';

/** A small service laid out by folder names (no config): a data-plane service imports an analysis module. */
const SERVICE = {
  'src/analysis/report.ts': 'export function generateReport(input: unknown): string {\n  return JSON.stringify(input);\n}\n',
  'src/services/usage.ts': "import { generateReport } from '../analysis/report';\n\nexport function refreshUsage(input: unknown): string {\n  return generateReport(input);\n}\n",
  'src/handlers/orders.ts': "import { refreshUsage } from '../services/usage';\n\nexport function handleOrder(body: unknown): string {\n  refreshUsage(body);\n  return 'ok';\n}\n",
  'src/storage/rows.ts': 'export const rows: string[] = [];\n',
};

const usageFile = (root: string) => path.join(root, 'src/services/usage.ts');
/** The service's one violation: refreshUsage runs generateReport (its import is named in the finding). */
const hasAnalysisFinding = (client: TestClient, root: string) => client.diagnosticsFor(usageFile(root)).some((d) => d.code === 'no-analysis-in-execution-path');

async function started(files: Record<string, string>, settings: Record<string, unknown> = {}): Promise<{ client: TestClient; root: string }> {
  const root = writeProject(files);
  const client = await startServer('stdio');
  client.settings = settings;
  await client.initialize(root);
  await client.idle();
  return { client, root };
}

describe('config problems', () => {
  let client: TestClient;
  let root: string;
  before(async () => {
    ({ client, root } = await started({ ...SERVICE, 'planewise.config.json': '{\n  "planes": { "data": ["src/services/**"] },\n  "bogus": true\n}\n' }));
  });
  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('are diagnostics on planewise.config.json and in the status, and go away once fixed', async () => {
    const config = path.join(root, 'planewise.config.json');
    const problems = client.diagnosticsFor(config).filter((d) => d.code === 'config');
    assert.ok(problems.some((d) => String(d.message).includes('bogus')), JSON.stringify(problems));
    assert.match(client.statuses.at(-1)!.message ?? '', /planewise\.config\.json/);

    writeFileSync(config, '{\n  "planes": { "data": ["src/services/**"], "intelligence": ["src/analysis/**"] }\n}\n');
    await client.filesChanged([{ file: config, type: FileChangeType.Changed }]);
    await client.waitFor(() => client.diagnosticsFor(config).length === 0 && client.statuses.at(-1)!.message === undefined, 'the config diagnostics to clear');
    await client.waitFor(() => hasAnalysisFinding(client, root), 'the finding under the new config');
  });
});

describe('settings and commands', () => {
  let client: TestClient;
  let root: string;
  before(async () => {
    ({ client, root } = await started(SERVICE));
  });
  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('registers for watched files and settings changes', () => {
    assert.ok(client.registrations.includes('workspace/didChangeWatchedFiles'));
    assert.ok(client.registrations.includes('workspace/didChangeConfiguration'));
  });

  test('planewise.rules overrides and planewise.enable re-check the workspace', async () => {
    assert.ok(hasAnalysisFinding(client, root));
    const notify = () => client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });

    client.settings = { rules: { 'no-analysis-in-execution-path': 'off' } };
    await notify();
    await client.waitFor(() => !hasAnalysisFinding(client, root), 'the rule to be turned off');

    client.settings = { rules: { 'no-analysis-in-execution-path': 'warn' } };
    await notify();
    await client.waitFor(() => client.diagnosticsFor(usageFile(root)).find((d) => d.code === 'no-analysis-in-execution-path')?.severity === 2, 'a warning');

    client.settings = { enable: false };
    await notify();
    await client.waitFor(() => [...client.diagnostics.values()].every((p) => p.diagnostics.length === 0) && client.statuses.at(-1)!.filesChecked === 0, 'everything withdrawn');

    client.settings = {};
    await notify();
    await client.waitFor(() => hasAnalysisFinding(client, root), 'the finding back');
  });

  test('createConfig writes planewise.config.json through workspace/applyEdit, and never overwrites it', async () => {
    const config = path.join(root, 'planewise.config.json');
    const first = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: CREATE_CONFIG_COMMAND, arguments: [pathToFileURL(root).href] })) as CreateConfigResult;
    assert.equal(first.created, true, first.message);
    const written = JSON.parse(readFileSync(config, 'utf8'));
    assert.ok(written.planes, readFileSync(config, 'utf8'));

    const second = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: CREATE_CONFIG_COMMAND })) as CreateConfigResult;
    assert.equal(second.created, false);
    assert.match(second.message, /already exists/);
    assert.deepEqual(JSON.parse(readFileSync(config, 'utf8')), written);
  });

  test('a cancelled checkWorkspace answers RequestCancelled and the server goes back to idle', async () => {
    const source = new CancellationTokenSource();
    source.cancel();
    await assert.rejects(
      client.connection.sendRequest(ExecuteCommandRequest.type, { command: CHECK_WORKSPACE_COMMAND }, source.token),
      (error: unknown) => error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled,
    );
    const result = await client.connection.sendRequest(ExecuteCommandRequest.type, { command: CHECK_WORKSPACE_COMMAND });
    assert.ok((result as { filesChecked: number }).filesChecked >= 4);
    await client.waitFor(() => client.statuses.at(-1)!.state === 'idle', 'idle');
  });
});

describe('hostile projects', () => {
  let client: TestClient;
  let root: string;
  before(async () => {
    const files: Record<string, string> = {
      ...SERVICE,
      'src/handlers/broken.ts': 'export function (((\n  const = ;\n',
      'src/services/cycle-a.ts': "import { b } from './cycle-b';\nexport const a = (): number => b() + 1;\n",
      'src/services/cycle-b.ts': "import { a } from './cycle-a';\nexport const b = (): number => (Math.random() > 2 ? a() : 0);\n",
      'src/services/unresolved.ts': "import { missing } from './does-not-exist';\nimport pkg from 'not-installed';\nexport const x = [missing, pkg];\n",
      'node_modules/some-lib/index.js': "require('http').get('http://example.com');\n",
      'src/generated/huge.ts': `// generated\n${'export const value = 1;\n'.repeat(80_000)}`,
    };
    root = writeProject(files);
    symlinkSync(path.join(root, 'src/services/usage.ts'), path.join(root, 'src/services/usage-link.ts'));
    mkdirSync(path.join(root, 'src/nested'));
    symlinkSync(path.join(root, 'src'), path.join(root, 'src/nested/loop'));
    client = await startServer('stdio');
    await client.initialize(root);
    await client.idle();
  });
  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('syntax errors, cycles, unresolved modules, node_modules, symlink loops and huge files do not stop the check', () => {
    const status = client.statuses.at(-1)!;
    assert.notEqual(status.state, 'error', status.message);
    assert.ok(hasAnalysisFinding(client, root));
    assert.ok(![...client.diagnostics.keys()].some((uri) => uri.includes('node_modules')));
    assert.equal(client.child.exitCode, null);
  });

  test('a huge open document is not parsed: a log line and a not-checked warning on it, and the server keeps answering', async () => {
    const huge = path.join(root, 'src/handlers/huge-open.ts');
    // 2.4 MB: over the 2 MB limit.
    await client.open(huge, `// generated\n${'export const value = 1;\n'.repeat(100_000)}`);
    await client.waitFor(() => client.logs.some((log) => log.message.startsWith(`Not checking ${huge}`)), 'the log line');
    const warning = await client.waitFor(() => client.diagnostics.get(pathToFileURL(huge).href)?.diagnostics.find((diagnostic) => diagnostic.code === 'not-checked'), 'the not-checked warning');
    assert.match(String(warning.message), /^Not checked: 2\.4 MB is over the 2 MB limit for source files/);
    assert.equal(warning.severity, DiagnosticSeverity.Warning);
    const broken = path.join(root, 'src/handlers/broken.ts');
    await client.open(broken);
    await client.change(broken, 'export function ((( {{{ \n'.repeat(50));
    const actions = await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: pathToFileURL(usageFile(root)).href },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 10 } },
      context: { diagnostics: [] },
    });
    assert.ok(Array.isArray(actions) && actions.length > 0);
    assert.equal(client.child.exitCode, null);
  });
});

describe('an analysis whose result is the response', () => {
  const files = {
    'package.json': '{ "name": "shop", "type": "module", "dependencies": { "hono": "^4.6.0" } }\n',
    'src/analysis/insights.ts': 'export function rankRecommendations(history: string[]) {\n  return [...history].sort();\n}\n',
    'src/routes/recommendations.ts': "import { Hono } from 'hono';\nimport { rankRecommendations } from '../analysis/insights';\n\nexport const app = new Hono();\n\napp.get('/recommendations', (c) => {\n  const history = (c.req.query('history') ?? '').split(',');\n  return c.json(rankRecommendations(history));\n});\n",
  };
  let client: TestClient;
  let root: string;
  before(async () => {
    root = writeProject(files);
    client = await startServer('stdio');
    // A client that shows why an action is disabled gets the declined move too.
    await client.initialize(root, { ...CLIENT_CAPABILITIES, textDocument: { ...CLIENT_CAPABILITIES.textDocument, codeAction: { ...CLIENT_CAPABILITIES.textDocument!.codeAction, disabledSupport: true } } });
    await client.idle();
  });
  after(async () => {
    await client.stop();
    removeProject(root);
  });

  test('offers "Serve the last post-execution result" beside the disabled move, and applying it removes the finding', async () => {
    const handler = path.join(root, 'src/routes/recommendations.ts');
    const diagnostic = client.diagnosticsFor(handler).find((d) => d.code === 'no-analysis-in-execution-path');
    assert.ok(diagnostic);
    const note = diagnostic.relatedInformation?.map((information) => information.message).find((message) => message.startsWith('The fix cannot move it as it is: '));
    assert.match(note ?? '', /"Serve the last post-execution result" runs it after execution and serves its last result here instead\.$/, JSON.stringify(diagnostic.relatedInformation));
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: pathToFileURL(handler).href }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
    const move = actions.find((action) => action.title === 'Move analysis out of the execution path');
    assert.deepEqual(move?.disabled, { reason: 'unavailable: the result of `rankRecommendations` is used on line 8, and that use is part of the response' });
    const serve = actions.find((action) => action.title === 'Serve the last post-execution result');
    assert.ok(serve?.edit?.documentChanges, actions.map((action) => action.title).join('\n'));
    assert.deepEqual(serve.diagnostics, [diagnostic]);
    assert.notEqual(serve.isPreferred, true);
    const touched = applyWorkspaceEdit(serve.edit);
    assert.ok(existsSync(path.join(root, 'src/artifacts/lastResults.ts')) && existsSync(path.join(root, 'src/analysis/postExecution.ts')));
    assert.match(readFileSync(handler, 'utf8'), /return c\.json\(lastRankRecommendations\)/);
    await client.filesChanged(touched.map((file) => ({ file, type: FileChangeType.Changed })));
    await client.waitFor(() => !client.diagnosticsFor(handler).some((d) => d.code === 'no-analysis-in-execution-path'), 'the finding to go away');
  });
});

test('the server also runs over --socket', async () => {
  const root = writeProject(SERVICE);
  const client = await startServer('socket');
  try {
    const result = await client.initialize(root);
    assert.equal(result.serverInfo?.name, 'planewise');
    await client.idle();
    assert.ok(hasAnalysisFinding(client, root));
  } finally {
    await client.stop();
    removeProject(root);
  }
  assert.ok(!existsSync(root));
});
