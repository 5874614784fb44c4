import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Fix, SUPPRESSION_RULE_ID } from '@planewise/analysis-core/boundary';
import { SUPPRESSION_CODE } from './protocol';
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

const suppress: Fix = {
  title: 'Suppress no-analysis-in-execution-path on this line (write the reason after --)',
  kind: 'quickfix',
  resolves: [],
  changes: [{ kind: 'edit', file: handler, edits: [{ range: { start, end: start }, newText: '// planewise-ignore-next-line r -- \n', snippet: '// planewise-ignore-next-line r -- ${1:reason}\n' }] }],
};

test('a client that takes snippet edits gets the suppression with the cursor on its reason', () => {
  const action = fixToCodeAction(suppress, context({ ...VS_CODE, snippetEdits: true }))!;
  const [change] = action.edit!.documentChanges!;
  assert.ok(change && 'edits' in change);
  assert.deepEqual(change.edits[0], { range: { start, end: start }, snippet: { kind: 'snippet', value: '// planewise-ignore-next-line r -- ${1:reason}\n' } });
});

test('other clients get the plain text of a snippet edit, in documentChanges and in changes', () => {
  const withDocumentChanges = fixToCodeAction(suppress, context(VS_CODE))!;
  const [change] = withDocumentChanges.edit!.documentChanges!;
  assert.ok(change && 'edits' in change);
  assert.deepEqual(change.edits[0], { range: { start, end: start }, newText: '// planewise-ignore-next-line r -- \n' });
  const plain = fixToCodeAction(suppress, context({ documentChanges: false, createFiles: false }))!;
  assert.deepEqual(Object.values(plain.edit!.changes!)[0], [{ range: { start, end: start }, newText: '// planewise-ignore-next-line r -- \n' }]);
});

test('the suppression problem code the extension recognises is the engine rule id', () => {
  assert.equal(SUPPRESSION_CODE, SUPPRESSION_RULE_ID);
});
