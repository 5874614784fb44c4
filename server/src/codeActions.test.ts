import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Fix } from '@planewise/analysis-core/boundary';
import { type CodeActionContext, type EditSupport, fixToCodeAction } from './codeActions';

const handler = '/project/src/handlers/orders.ts';
const postExecution = '/project/src/analysis/postExecution.ts';
const start = { line: 0, character: 0 };
const fix: Fix = {
  title: 'Move analysis out of the execution path',
  kind: 'quickfix',
  resolves: [],
  changes: [
    { kind: 'edit', file: handler, edits: [{ range: { start, end: start }, newText: '// moved\n' }] },
    { kind: 'create', file: postExecution, text: 'export {};\n' },
  ],
};

function context(support: EditSupport): CodeActionContext {
  return { diagnostics: [], versionOf: () => 1, docsHref: (page) => page, support, activeFile: handler };
}

const VS_CODE: EditSupport = { documentChanges: true, createFiles: true, disabledActions: true, changeAnnotations: true };

test('our extension applies a fix that changes other files at once', () => {
  const action = fixToCodeAction(fix, context({ ...VS_CODE, applyFixesAtOnce: true }))!;
  assert.equal(action.command, undefined);
  // Nothing needs confirmation: VS Code's preview would leave such edits unticked, and Apply would drop them.
  assert.equal(action.edit?.changeAnnotations, undefined);
  assert.ok(action.edit?.documentChanges?.every((change) => !('annotationId' in change) || change.annotationId === undefined));
});

test('another client with change annotations previews the other files before they apply', () => {
  const action = fixToCodeAction(fix, context(VS_CODE))!;
  assert.equal(action.command, undefined);
  const annotations = Object.values(action.edit?.changeAnnotations ?? {});
  assert.equal(annotations.length, 1);
  assert.equal(annotations[0]!.needsConfirmation, true);
  assert.match(annotations[0]!.label, /also changes 1 other file/);
});

test('a fix that changes only the file in the editor needs no confirmation either way', () => {
  const local: Fix = { ...fix, changes: [fix.changes[0]!] };
  const action = fixToCodeAction(local, context({ ...VS_CODE, applyFixesAtOnce: true }))!;
  assert.equal(action.command, undefined);
  assert.equal(action.edit?.changeAnnotations, undefined);
});
