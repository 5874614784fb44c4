/**
 * Quick fixes formatted with the project's own Prettier, over the real
 * protocol: only when the client says the workspace is trusted (VS Code) or,
 * for editors that say nothing about trust, when formatWithPrettier is on.
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, type CodeAction, type CreateFile, type TextDocumentEdit, type TextEdit } from 'vscode-languageserver-protocol';
import type { PlanewiseInitializationOptions } from '../src/protocol';
import { CLIENT_CAPABILITIES, removeProject, startServer, writeProject, type TestClient } from './harness';

const HANDLER = "import { generateReport } from '../analysis/report';\n\nexport function createOrder(id: string): string {\n  generateReport(id);\n  return id;\n}\n";

const PROJECT = {
  'package.json': '{ "name": "orders", "private": true }\n',
  '.prettierrc': JSON.stringify({ singleQuote: false, semi: false, printWidth: 60, trailingComma: 'all' }),
  'src/handlers/orders.ts': HANDLER,
  'src/analysis/report.ts': 'export function generateReport(id: string): string {\n  return id;\n}\n',
};

let client: TestClient | undefined;
let root: string | undefined;
afterEach(async () => {
  await client?.stop();
  if (root !== undefined) removeProject(root);
});

/** The move fix's edits to the handler and the text of the emitter it creates, as the server offers them. */
async function moveFix(settings: Record<string, unknown>, initializationOptions: PlanewiseInitializationOptions): Promise<{ handlerEdits: TextEdit[]; emitter: string }> {
  root = writeProject(PROJECT);
  mkdirSync(path.join(root, 'node_modules'));
  symlinkSync(path.dirname(require.resolve('prettier/package.json')), path.join(root, 'node_modules', 'prettier'), 'dir');
  client = await startServer('stdio');
  client.settings = settings;
  await client.initialize(root, CLIENT_CAPABILITIES, initializationOptions);
  await client.idle();
  const handler = path.join(root, 'src/handlers/orders.ts');
  const diagnostic = client.diagnosticsFor(handler).find((d) => d.code === 'no-analysis-in-execution-path');
  assert.ok(diagnostic);
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: pathToFileURL(handler).href }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
  const move = actions.find((action) => action.title.startsWith('Move analysis out of the execution path'));
  const changes = (move?.edit?.documentChanges ?? []) as (TextDocumentEdit | CreateFile)[];
  const edits = (file: string) => changes.filter((change): change is TextDocumentEdit => 'textDocument' in change && change.textDocument.uri === pathToFileURL(path.join(root!, file)).href).flatMap((change) => change.edits as TextEdit[]);
  return { handlerEdits: edits('src/handlers/orders.ts'), emitter: edits('src/tracing/emitTraceEvent.ts').map((edit) => edit.newText).join('') };
}

const FORMATTED_EVENT = '// Runs after execution, from this event: ../analysis/postExecution.ts\n  emitTraceEvent("planewise.analysis.generateReport", {\n    "planewise.inputs": JSON.stringify({ id }),\n  })';
const UNFORMATTED_EVENT = "// Runs after execution, from this event: ../analysis/postExecution.ts\n  emitTraceEvent('planewise.analysis.generateReport', { 'planewise.inputs': JSON.stringify({ id }) });";

describe("quick fixes and the project's Prettier", () => {
  test('in a workspace the client trusts, the fix writes Prettier-formatted code', async () => {
    const { handlerEdits, emitter } = await moveFix({ formatWithPrettier: true }, { workspaceTrusted: true });
    assert.ok(handlerEdits.some((edit) => edit.newText === FORMATTED_EVENT), JSON.stringify(handlerEdits));
    assert.ok(handlerEdits.some((edit) => edit.newText === 'import { emitTraceEvent } from "../tracing/emitTraceEvent"\n'), JSON.stringify(handlerEdits));
    assert.match(emitter, /^import \{ randomUUID \} from "node:crypto"$/m);
  });

  test('in a workspace the client does not trust, never, whatever the setting', async () => {
    const { handlerEdits, emitter } = await moveFix({ formatWithPrettier: true }, { workspaceTrusted: false });
    assert.ok(handlerEdits.some((edit) => edit.newText === UNFORMATTED_EVENT), JSON.stringify(handlerEdits));
    assert.match(emitter, /^import \{ randomUUID \} from 'node:crypto';$/m);
  });

  test('a client that says nothing about trust gets it only with formatWithPrettier on', async () => {
    const { handlerEdits } = await moveFix({}, {});
    assert.ok(handlerEdits.some((edit) => edit.newText === UNFORMATTED_EVENT), JSON.stringify(handlerEdits));
    await client!.stop();
    removeProject(root!);
    const { handlerEdits: opted } = await moveFix({ formatWithPrettier: true }, {});
    assert.ok(opted.some((edit) => edit.newText === FORMATTED_EVENT), JSON.stringify(opted));
  });
});
