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

const regexCache = new Map<string, RegExp>();

/** Compiles a pattern; actions compare case-insensitively, as IAM does. */
export function compilePattern(pattern: string, options: { ignoreCase: boolean }): RegExp {
  const key = `${options.ignoreCase ? 'i' : 's'}${pattern}`;
  const cached = regexCache.get(key);
  if (cached !== undefined) return cached;
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
  const regex = new RegExp(`^${source}$`, options.ignoreCase ? 'iu' : 'u');
  if (regexCache.size > 10_000) regexCache.clear();
  regexCache.set(key, regex);
  return regex;
}

export function matchesResource(pattern: string, resource: string): boolean {
  return compilePattern(pattern, { ignoreCase: false }).test(resource);
}

export function matchesAction(pattern: string, action: string): boolean {
  return compilePattern(pattern, { ignoreCase: true }).test(action);
}
