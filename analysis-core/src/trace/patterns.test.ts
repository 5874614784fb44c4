import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { escapeLiteral, matchesAction, matchesResource } from './patterns';

/** The regular expression the matcher replaced: the reference for what the patterns mean. */
function regexMatches(pattern: string, text: string, ignoreCase: boolean): boolean {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const escape = /^\$\{([*?$])\}/.exec(pattern.slice(index, index + 4));
    if (escape !== null) {
      source += `\\${escape[1]}`;
      index += 3;
    } else if (pattern[index] === '*') {
      source += '[^]*';
    } else if (pattern[index] === '?') {
      source += '[^]';
    } else {
      source += pattern[index]!.replace(/[\\^$.|+()[\]{}/]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u').test(text);
}

// Few distinct characters, so that random patterns and texts often match.
const alphabet = fc.constantFrom('a', 'b', 'B', '/', '.', ':', '*', '?', '$', '{', '}', 'é', 'É', '😀');
const word = (max: number) => fc.array(alphabet, { maxLength: max }).map((chars) => chars.join(''));
const escapes = fc.constantFrom('${*}', '${?}', '${$}');
const pattern = fc.array(fc.oneof(alphabet, escapes), { maxLength: 10 }).map((parts) => parts.join(''));

test('property: the iterative matcher agrees with the regular expression on random patterns and texts', () => {
  fc.assert(
    fc.property(pattern, word(14), (p, text) => {
      assert.equal(matchesResource(p, text), regexMatches(p, text, false), `resource ${JSON.stringify(p)} ~ ${JSON.stringify(text)}`);
      assert.equal(matchesAction(p, text), regexMatches(p, text, true), `action ${JSON.stringify(p)} ~ ${JSON.stringify(text)}`);
    }),
    { numRuns: 20_000 },
  );
});

test('IAM semantics: * crosses "/", ? is one character, escapes are literal, actions ignore case', () => {
  assert.equal(matchesResource('bucket/*', 'bucket/a/b/c'), true);
  assert.equal(matchesResource('bucket/?', 'bucket/😀'), true);
  assert.equal(matchesResource('bucket/?', 'bucket/ab'), false);
  assert.equal(matchesResource(escapeLiteral('a*b'), 'a*b'), true);
  assert.equal(matchesResource(escapeLiteral('a*b'), 'axb'), false);
  assert.equal(matchesAction('Storage:get*', 'storage:GetObject'), true);
  assert.equal(matchesResource('Bucket/*', 'bucket/a'), false);
});

test('a hostile resource against a many-star pattern is answered (a backtracking regex would not finish)', () => {
  // 830 characters with many '/' and no ".json" ending: the regex took minutes on 5 stars; with 12 it would never end.
  const resource = `storage:bucket/${'ab/'.repeat(272)}x`;
  const manyStars = `storage:bucket/${'*/'.repeat(12)}*.json`;
  assert.equal(matchesResource(manyStars, resource), false);
  assert.equal(matchesResource(manyStars, `${resource}.json`), true);
  assert.equal(matchesResource('storage:bucket/*/*/*/*.json', resource), false);
});
