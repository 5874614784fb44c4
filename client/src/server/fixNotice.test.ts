import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixNotice } from './fixNotice';

describe('the notice after a fix that changed other files', () => {
  it('names each file, apart from those it created', () => {
    assert.equal(
      fixNotice('Move analysis out of the execution path', [
        { path: 'src/handlers/orders.ts', created: false },
        { path: 'src/analysis/post-execution.ts', created: true },
      ]),
      'Move analysis out of the execution path changed src/handlers/orders.ts and created src/analysis/post-execution.ts (not saved yet).',
    );
    assert.equal(
      fixNotice('Serve the last post-execution result', [
        { path: 'a.ts', created: false },
        { path: 'b.ts', created: false },
        { path: 'c.ts', created: false },
      ]),
      'Serve the last post-execution result changed a.ts, b.ts and c.ts (not saved yet).',
    );
  });
});
