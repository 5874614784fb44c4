// Every rule's messages read as one line in the editor's Problems panel and
// hover, even filled with long names: at most 100 characters, no newline, no
// closing period. Why, and what to do instead, is on the rule's docs page.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeSnippet, MAX_MESSAGE_LENGTH, messageProblems } from '../messageText';
import { formatMessage } from '../rule';
import { allRules } from '.';

/** Long-ish but real: a 30-character function name, a 40-character module path. */
const FUNCTION_NAME = 'reconcileQuarterlyRevenueTotal';
const MODULE_PATH = 'src/intelligence/revenue/quarterTotal.ts';
/** The ways a function is on the execution path, as the messages name them. */
const WHERE = ['Express route handler (POST /orders/:orderId/refunds)', `${FUNCTION_NAME} (control-plane)`, 'Module code of this control-plane file', 'NestJS @Post handler'];
const LICENSE_CHECKS = [
  `${FUNCTION_NAME}()`,
  codeSnippet("organization.subscription.plan === 'enterprise' &&\n    featureFlags.isEnabled('audit')"),
  'process.env.PLANEWISE_ENTERPRISE_LICENSE_KEY',
];
const RUNTIME_USES = ['spawns a process (child_process), which can reach live services', 'calls XMLHttpRequest, reaching a live system', 'uses @aws-sdk/client-dynamodb, a client of live systems'];

const SAMPLES: Record<string, Record<string, Record<string, string | number>[]>> = {
  'no-analysis-in-execution-path': {
    direct: WHERE.map((where) => ({ target: FUNCTION_NAME, where })),
    transitive: [{ helper: FUNCTION_NAME, target: FUNCTION_NAME }],
  },
  'no-runtime-calls-from-analysis': {
    call: RUNTIME_USES.map((what) => ({ what })),
    platformImport: ['@aws-sdk/client-dynamodb', 'child_process'].map((what) => ({ module: MODULE_PATH, what })),
    wrapperCall: ['@aws-sdk/client-dynamodb', 'XMLHttpRequest'].map((what) => ({ callee: codeSnippet(`this.quarterlyRevenue.${FUNCTION_NAME}`, 30), what, uses: ' (12 calls)' })),
  },
  'no-license-gate-in-platform': Object.fromEntries(
    ['gate', 'gateAuthorization', 'gateTraceEmission'].map((id) => [id, LICENSE_CHECKS.flatMap((what) => ['data', 'control'].map((plane) => ({ plane, what })))]),
  ),
  'no-product-import-in-platform': {
    direct: ['intelligence-plane module', 'product module', 'product package'].map((kind) => ({ kind, target: MODULE_PATH, uses: ' (12 imports)' })),
    chain: ['intelligence-plane module', 'product code'].map((kind) => ({ kind, target: MODULE_PATH, hops: 4, uses: ' (12 imports)' })),
  },
  'versioned-trace-artifacts': {
    headerMissingFields: [{ missing: '"schema" and "version"' }],
    badVersion: [{ version: codeSnippet(JSON.stringify('2025-03-03T00:00:00Z-release-candidate')), schema: 'planewise.trace', current: '1.0' }],
    noHeader: [{ target: codeSnippet(`${MODULE_PATH.replace('.ts', '')}/run.trace.jsonl`), schema: 'planewise.trace', current: '1.0' }],
  },
};

describe('rule messages', () => {
  for (const rule of allRules) {
    for (const [messageId, template] of Object.entries(rule.meta.messages)) {
      it(`${rule.meta.id} ${messageId} fits one line with long names`, () => {
        const samples = SAMPLES[rule.meta.id]?.[messageId];
        assert.ok(samples !== undefined && samples.length > 0, `add samples for ${rule.meta.id} ${messageId}`);
        for (const data of samples) {
          const message = formatMessage(template as string, data);
          assert.deepEqual(messageProblems(message), [], message);
        }
      });
    }
  }

  it('quotes source text on one line, elided past its limit', () => {
    const snippet = codeSnippet(`if (\n  account.plan === 'enterprise' ||\n  account.plan === 'business-plus-annual'\n)`);
    assert.equal(snippet, "if ( account.plan === 'enterprise' || accou…");
    assert.equal(codeSnippet('license.verify()'), 'license.verify()');
  });

  it('finds what does not fit', () => {
    assert.deepEqual(messageProblems('Fits'), []);
    assert.deepEqual(messageProblems(`${'x'.repeat(MAX_MESSAGE_LENGTH)}.`), [`${MAX_MESSAGE_LENGTH + 1} characters, over ${MAX_MESSAGE_LENGTH}`, 'ends with a period']);
    assert.deepEqual(messageProblems('Two\nlines {left}'), ['more than one line', 'an unfilled placeholder']);
  });
});
