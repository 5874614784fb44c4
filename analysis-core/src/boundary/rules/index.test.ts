import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { defineRule } from '../rule';
import { allRules } from '.';

const repoRoot = path.resolve(__dirname, '../../../..');

describe('the rule index', () => {
  it('every rule has its file, a .test.ts beside it and a docs/rules page, and names its scope', () => {
    for (const rule of allRules) {
      const id = rule.meta.id;
      assert.ok(fs.existsSync(path.join(__dirname, `${id}.ts`)), `${id}.ts`);
      assert.ok(fs.existsSync(path.join(__dirname, `${id}.test.ts`)), `${id}.test.ts`);
      assert.equal(rule.meta.docs.page, `docs/rules/${id}.md`);
      assert.ok(fs.existsSync(path.join(repoRoot, rule.meta.docs.page)), rule.meta.docs.page);
      assert.ok(['platform', 'intelligence', 'artifacts'].includes(rule.meta.appliesTo), `${id} appliesTo`);
    }
  });

  it('a report with a message id the rule does not define does not compile', () => {
    const rule = defineRule({
      meta: { id: 'example', appliesTo: 'platform', defaultSeverity: 'error', docs: { description: '', page: '' }, fixable: false, messages: { known: 'Known.' } },
      defaultOptions: undefined,
      check(context) {
        const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
        context.report({ messageId: 'known', range, key: 'a' });
        // @ts-expect-error: 'unknown' is not one of the rule's messages.
        context.report({ messageId: 'unknown', range, key: 'b' });
      },
    });
    assert.deepEqual(Object.keys(rule.meta.messages), ['known']);
  });
});
