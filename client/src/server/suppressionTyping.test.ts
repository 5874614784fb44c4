import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { problemsToShow } from './suppressionTyping';

const comment = { start: { line: 4, character: 2 }, end: { line: 4, character: 60 } };
const noReason = { range: comment, source: 'planewise', code: 'suppression' };
const finding = { range: comment, source: 'planewise', code: 'no-analysis-in-execution-path' };
const other = { range: comment, source: 'ts', code: 'suppression' };

describe('suppression problems while the comment is being typed', () => {
  it('waits while a cursor is in the comment, its end included', () => {
    assert.deepEqual(problemsToShow([noReason, finding, other], [{ line: 4, character: 60 }]), [finding, other]);
    assert.deepEqual(problemsToShow([noReason], [{ line: 4, character: 2 }]), []);
  });

  it('shows them once every cursor has left the comment', () => {
    assert.deepEqual(problemsToShow([noReason], [{ line: 5, character: 0 }]), [noReason]);
    assert.deepEqual(problemsToShow([noReason], [{ line: 4, character: 1 }]), [noReason]);
    assert.deepEqual(problemsToShow([noReason], []), [noReason]);
  });

  it('recognises the code in its object form', () => {
    assert.deepEqual(problemsToShow([{ ...noReason, code: { value: 'suppression' } }], [{ line: 4, character: 30 }]), []);
  });
});
