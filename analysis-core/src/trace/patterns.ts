/**
 * IAM-style wildcard patterns for actions and resources: `*` matches any run
 * of characters (including '/'), `?` one character. In a resource a literal
 * `*`, `?` or `$` is written `${*}`, `${?}`, `${$}` (IAM's escapes), so an
 * observed resource name can never widen a generated grant.
 */

/** Escapes a concrete name so that, as a pattern, it matches only itself. */
export function escapeLiteral(name: string): string {
  return name.replace(/\$|\*|\?/g, (char) => `\${${char}}`);
}

export function hasWildcard(pattern: string): boolean {
  return /[*?]/.test(pattern.replace(/\$\{[*?$]\}/g, ''));
}

/** Reverses escapeLiteral for a pattern without wildcards. */
export function unescapeLiteral(pattern: string): string {
  return pattern.replace(/\$\{([*?$])\}/g, '$1');
}

/** A compiled pattern: per position, a code point to match, or ANY_RUN (`*`) or ANY_ONE (`?`). */
type CompiledPattern = readonly (string | typeof ANY_RUN | typeof ANY_ONE)[];
const ANY_RUN = 0;
const ANY_ONE = 1;

const compiledCache = new Map<string, CompiledPattern>();

function compile(pattern: string): CompiledPattern {
  const cached = compiledCache.get(pattern);
  if (cached !== undefined) return cached;
  const compiled: (string | typeof ANY_RUN | typeof ANY_ONE)[] = [];
  const chars = Array.from(pattern);
  for (let index = 0; index < chars.length; index++) {
    const char = chars[index]!;
    if (char === '$' && chars[index + 1] === '{' && chars[index + 3] === '}' && '*?$'.includes(chars[index + 2] ?? '')) {
      compiled.push(chars[index + 2]!);
      index += 3;
    } else {
      compiled.push(char === '*' ? ANY_RUN : char === '?' ? ANY_ONE : char);
    }
  }
  if (compiledCache.size > 10_000) compiledCache.clear();
  compiledCache.set(pattern, compiled);
  return compiled;
}

/** Simple case folding of one code point, as a case-insensitive regular expression compares. */
function fold(char: string): string {
  const folded = char.toUpperCase().toLowerCase();
  return Array.from(folded).length === 1 ? folded : char.toLowerCase();
}

/**
 * Whether `text` matches the whole pattern. Iterative, with one saved `*`
 * to return to: when a later part fails, the last `*` takes one more
 * character and matching resumes after it. Earlier stars never need to be
 * revisited (the last one can absorb anything they could), so the worst case
 * is O(pattern x text), where a backtracking regular expression is
 * exponential in the number of stars.
 */
function matches(pattern: string, text: string, ignoreCase: boolean): boolean {
  const compiled = compile(pattern);
  const chars = Array.from(text);
  const same = ignoreCase ? (a: string, b: string) => a === b || fold(a) === fold(b) : (a: string, b: string) => a === b;
  let at = 0;
  let position = 0;
  let star = -1;
  let starAt = 0;
  while (at < chars.length) {
    const token = compiled[position];
    if (token === ANY_ONE || (typeof token === 'string' && same(token, chars[at]!))) {
      position += 1;
      at += 1;
    } else if (token === ANY_RUN) {
      star = position;
      starAt = at;
      position += 1;
    } else if (star >= 0) {
      position = star + 1;
      starAt += 1;
      at = starAt;
    } else {
      return false;
    }
  }
  while (compiled[position] === ANY_RUN) position += 1;
  return position === compiled.length;
}

export function matchesResource(pattern: string, resource: string): boolean {
  return matches(pattern, resource, false);
}

/** Actions compare case-insensitively, as IAM does. */
export function matchesAction(pattern: string, action: string): boolean {
  return matches(pattern, action, true);
}
