// Text output of many distinct names: nothing spreads a large list into a call (which overflows the stack at about 150,000).
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { TraceDiff } from '../trace';
import type { CommandContext } from './command';
import { diffText } from './commands/diff';
import { table } from './table';

const MANY = 200_000;

const context: CommandContext = {
  io: { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd: '.' },
  positionals: [],
  values: {},
};

test('a table of 200,000 rows', () => {
  const rows = Array.from({ length: MANY }, (_, index) => [`op${index}`, index]);
  const text = table(['operation', 'count'], rows, [1]);
  const lines = text.split('\n');
  assert.equal(lines.length, MANY + 1);
  assert.equal(lines.at(-1), `${`op${MANY - 1}`.padEnd('operation'.length)}  ${MANY - 1}`);
});

test('diff text with 200,000 added operations and services', () => {
  const operations = Array.from({ length: MANY }, (_, index) => ({ service: 's', operation: `op${index}`, count: 1 }));
  const diff: TraceDiff = {
    services: { added: operations.map((operation) => operation.operation), removed: [], changed: [] },
    operations: { added: operations, removed: [], changed: [] },
    permissions: { added: [], removed: [] },
    denials: { added: [], removed: [] },
    principals: { added: [], removed: [] },
  };
  const text = diffText(diff, context);
  assert.equal(text.split('\n').filter((line) => line.startsWith('+ s op')).length, MANY);
});
