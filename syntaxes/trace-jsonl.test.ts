// Tokenises real trace lines with the same TextMate engine VS Code uses
// (vscode-textmate + the Oniguruma WebAssembly build) and checks the scopes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type StateStack } from 'vscode-textmate';
import { OnigScanner, OnigString, loadWASM } from 'vscode-oniguruma';

const grammarFile = path.join(__dirname, 'trace-jsonl.tmLanguage.json');

interface Token {
  text: string;
  scopes: string[];
}

let grammar: IGrammar;

before(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new OnigScanner(sources),
      createOnigString: (text: string) => new OnigString(text),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === 'source.trace-jsonl' ? parseRawGrammar(fs.readFileSync(grammarFile, 'utf8'), grammarFile) : null,
  });
  const loaded = await registry.loadGrammar('source.trace-jsonl');
  assert.ok(loaded, 'grammar loads');
  grammar = loaded;
});

function tokenize(lines: string[]): Token[][] {
  let state: StateStack = INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((token) => ({ text: line.slice(token.startIndex, token.endIndex), scopes: token.scopes }));
  });
}

/** The scopes of the first token whose text is exactly `text`. */
function scopesOf(tokens: Token[], text: string): string[] {
  const token = tokens.find((candidate) => candidate.text === text);
  assert.ok(token, `no token "${text}" in ${JSON.stringify(tokens.map((t) => t.text))}`);
  return token.scopes;
}

const header = '{"kind":"header","schema":"planewise.trace","version":"1.0","producer":{"name":"checkout-tests"}}';
const span =
  '{"kind":"span","ts":1714000000000,"service":"checkout","operation":"POST /orders","traceId":"4bf92f35","spanId":"00f067aa","parentSpanId":"a1b2c3d4","durationMs":12.5,"status":"error","attributes":{"retry":true,"http.status":503}}';
const allow =
  '{"kind":"authz","ts":1714000000001,"service":"checkout","principal":"svc-checkout","action":"storage:GetObject","resource":"storage:bucket/a","decision":"allow","matchedStatements":["s1","s2"]}';
const deny = '{ "kind": "authz", "decision": "deny", "denyReason": "implicit", "principal": "svc-report" }';

describe('trace-jsonl grammar', () => {
  it('marks the header line and its kind and schema', () => {
    const [tokens] = tokenize([header]);
    assert.ok(tokens.every((token) => token.scopes.includes('meta.header.trace-jsonl')));
    assert.ok(scopesOf(tokens, 'header').includes('entity.name.section.header.trace-jsonl'));
    assert.ok(scopesOf(tokens, 'planewise.trace').includes('entity.name.section.schema.trace-jsonl'));
    assert.ok(scopesOf(tokens, 'producer').includes('support.type.property-name.trace-jsonl'));
  });

  it('marks event kinds, ids, numbers, strings and constants', () => {
    const [tokens] = tokenize([span]);
    assert.ok(tokens.every((token) => token.scopes.includes('meta.event.span.trace-jsonl')));
    assert.ok(scopesOf(tokens, 'span').includes('entity.name.type.kind.trace-jsonl'));
    for (const id of ['4bf92f35', '00f067aa', 'a1b2c3d4']) assert.ok(scopesOf(tokens, id).includes('constant.other.id.trace-jsonl'), id);
    assert.ok(scopesOf(tokens, '1714000000000').includes('constant.numeric.trace-jsonl'));
    assert.ok(scopesOf(tokens, '12.5').includes('constant.numeric.trace-jsonl'));
    assert.ok(scopesOf(tokens, 'POST /orders').includes('string.quoted.double.trace-jsonl'));
    assert.ok(scopesOf(tokens, 'true').includes('constant.language.trace-jsonl'));
    assert.ok(scopesOf(tokens, 'error').includes('keyword.other.status.error.trace-jsonl'));
    // Nested attribute keys are property names, not ids or kinds.
    assert.ok(scopesOf(tokens, 'http.status').includes('support.type.property-name.trace-jsonl'));
  });

  it('tells allow and deny decisions apart', () => {
    const [allowTokens, denyTokens] = tokenize([allow, deny]);
    assert.ok(scopesOf(allowTokens, 'authz').includes('meta.event.authz.trace-jsonl'));
    const allowScopes = scopesOf(allowTokens, 'allow');
    assert.ok(allowScopes.includes('keyword.other.decision.allow.trace-jsonl'));
    assert.ok(!allowScopes.some((scope) => scope.startsWith('invalid')));
    const denyScopes = scopesOf(denyTokens, 'deny');
    assert.ok(denyScopes.includes('keyword.other.decision.deny.trace-jsonl'));
    assert.ok(denyScopes.includes('invalid.deprecated.decision.deny.trace-jsonl'));
    assert.ok(scopesOf(allowTokens, 's2').includes('meta.structure.array.trace-jsonl'));
  });

  it('does not treat a quoted "kind" inside a string value as the event kind', () => {
    const [tokens] = tokenize(['{"kind":"span","attributes":{"note":"\\"kind\\":\\"header\\""}}']);
    assert.ok(tokens.every((token) => !token.scopes.includes('meta.header.trace-jsonl')));
    assert.ok(scopesOf(tokens, '\\"').includes('constant.character.escape.trace-jsonl'));
  });

  it('keeps a truncated line from colouring the next one', () => {
    const [truncated, next] = tokenize(['{"kind":"span","service":"chec', allow]);
    assert.ok(scopesOf(truncated, 'chec').includes('string.quoted.double.trace-jsonl'));
    assert.ok(next.every((token) => !token.scopes.includes('meta.event.span.trace-jsonl')));
    assert.ok(scopesOf(next, 'allow').includes('keyword.other.decision.allow.trace-jsonl'));
  });

  it('flags a line that is not a JSON object', () => {
    const [tokens] = tokenize(['not json at all']);
    assert.deepEqual(tokens[0]?.scopes, ['source.trace-jsonl', 'invalid.illegal.line.trace-jsonl']);
  });
});
