/**
 * Trace values are untrusted text. Shown raw, an ESC can clear a terminal or
 * recolour it, a CR can overwrite a line with "all checks passed", and a bidi
 * override can make a name read backwards. `inertText` makes every such
 * character visible instead: `\u001b`, `\r`, `\n`, `\t`, `\u202e`.
 */

/** C0 and C1 controls and DEL (Cc), format characters such as bidi overrides and isolates (Cf), line and paragraph separators. */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(character: string): string {
  const named = NAMED[character];
  if (named !== undefined) return named;
  const code = character.codePointAt(0)!;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every control and format character written as a visible escape. Applying it twice changes nothing more. */
export function inertText(text: string): string {
  return text.replace(UNSAFE, visible);
}
