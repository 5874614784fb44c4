/**
 * Findings' messages are one line of at most MAX_MESSAGE_LENGTH characters:
 * the editor's Problems panel and hover cut longer lines. Details go to the
 * related information (shown under the message) and the rule's docs page.
 */
export const MAX_MESSAGE_LENGTH = 100;

/** How much source text a message quotes. */
const MAX_SNIPPET_LENGTH = 44;

/** Source text quoted in a message: on one line, elided with "…" past `max` characters. */
export function codeSnippet(text: string, max = MAX_SNIPPET_LENGTH): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** What makes a message unfit for one line in the Problems panel; empty when it fits. */
export function messageProblems(message: string): string[] {
  const problems: string[] = [];
  if (message.length > MAX_MESSAGE_LENGTH) problems.push(`${message.length} characters, over ${MAX_MESSAGE_LENGTH}`);
  if (/[\r\n]/.test(message)) problems.push('more than one line');
  if (message.endsWith('.')) problems.push('ends with a period');
  if (/\{\w+\}/.test(message)) problems.push('an unfilled placeholder');
  return problems;
}
