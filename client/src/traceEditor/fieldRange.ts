/**
 * Where in a raw trace line the field a problem names is: `"decision":5` for
 * `decision is 5; expected "allow" or "deny"`. The first field of the line
 * whose name the reason mentions as a word wins; none: undefined.
 */
export function fieldRange(line: string, reason: string): { start: number; end: number } | undefined {
  const key = /"((?:[^"\\]|\\.)*)"\s*:/g;
  for (let match = key.exec(line); match; match = key.exec(line)) {
    const name = match[1]!;
    if (!name || !new RegExp(`(^|[^\\w.])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w])`).test(reason)) continue;
    return { start: match.index, end: valueEnd(line, match.index + match[0].length) };
  }
  return undefined;
}

/** The end of the JSON value starting at (or after spaces from) `from`: a string, or up to the next `,` or `}` outside strings. */
function valueEnd(line: string, from: number): number {
  let at = from;
  while (line[at] === ' ') at += 1;
  if (line[at] === '"') {
    for (at += 1; at < line.length; at += 1) {
      if (line[at] === '\\') at += 1;
      else if (line[at] === '"') return at + 1;
    }
    return line.length;
  }
  let depth = 0;
  for (; at < line.length; at += 1) {
    const char = line[at];
    if (char === '{' || char === '[') depth += 1;
    else if ((char === '}' || char === ']') && depth > 0) depth -= 1;
    else if ((char === ',' || char === '}') && depth === 0) return at;
  }
  return line.length;
}
