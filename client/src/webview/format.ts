/** Number and time formatting shared by the webview views (pure, unit tested). */

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 100) return `${Math.round(value)} ms`;
  return `${Number(value.toFixed(value >= 10 ? 1 : 2))} ms`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatTimestamp(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return '-';
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

export function formatWindow(startMs: number, endMs: number): string {
  return `${formatTimestamp(startMs)} to ${formatTimestamp(endMs)} (${formatMs(Math.max(0, endMs - startMs))})`;
}

export function percent(part: number, whole: number): number {
  return whole <= 0 ? 0 : Math.min(100, Math.round((part / whole) * 100));
}

/** `2025-03-03`: the UTC day of a timestamp, the date separator of the events table. */
export function formatDay(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return '-';
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** `09:00:00.005`: the UTC time of day; the day is shown once, on the first row of each day. */
export function formatTimeOfDay(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return '-';
  return new Date(epochMs).toISOString().slice(11, 23);
}

/**
 * Splits a long identifier where its middle may be elided and its end must
 * stay visible: `arn:aws:iam::123456789012:role/svc-9` → head
 * `arn:aws:iam::123456789012`, tail `:role/svc-9`. Text that is not an ARN
 * (or has no resource part) is all head: it is clipped at its end as usual.
 */
export function splitForElision(text: string): { head: string; tail: string } {
  if (!text.startsWith('arn:')) return { head: text, tail: '' };
  let cut = text.lastIndexOf(':');
  if (cut <= 'arn:'.length) return { head: text, tail: '' };
  // A long resource path keeps its last segment: `…/svc-9`.
  if (text.length - cut > MAX_ELISION_TAIL) cut = Math.max(cut, text.lastIndexOf('/'));
  return { head: text.slice(0, cut), tail: text.slice(cut) };
}
const MAX_ELISION_TAIL = 32;

const naturalCollator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural order: `svc-2` before `svc-10`, case ignored, ties by plain order. */
export function naturalCompare(a: string, b: string): number {
  return naturalCollator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** `1 statement`, `2 statements`, `1,072 events`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

/** One delta format everywhere: `+12 (+4%)`, `−1,072 (−85%)` (a real minus sign); no percentage from zero. */
export function formatDelta(before: number, after: number): string {
  const delta = after - before;
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const amount = `${sign}${formatCount(Math.abs(delta))}`;
  if (before === 0) return amount;
  const ratio = Math.round((Math.abs(delta) / before) * 100);
  return `${amount} (${sign}${ratio}%)`;
}

/** Control characters as visible escapes (`\u0000`), never as empty boxes. */
export function showControlCharacters(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export type JsonTokenKind = 'key' | 'string' | 'number' | 'literal' | 'punctuation' | 'space';

/**
 * JSON text (as JSON.stringify writes it, possibly cut after a line) as
 * tokens to colour like the editor does: keys, strings, numbers, literals.
 * Anything else stays one plain token, so the text always round-trips.
 */
export function jsonTokens(json: string): { kind: JsonTokenKind; text: string }[] {
  const tokens: { kind: JsonTokenKind; text: string }[] = [];
  const pattern = /("(?:[^"\\\n]|\\.)*")(?=\s*:)|("(?:[^"\\\n]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b|([{}[\],:])|(\s+)|([^"\s{}[\],:]+|")/g;
  for (const match of json.matchAll(pattern)) {
    const [text, key, string, number, literal, punctuation, space] = match;
    const kind: JsonTokenKind = key ? 'key' : string ? 'string' : number ? 'number' : literal ? 'literal' : punctuation ? 'punctuation' : space ? 'space' : 'punctuation';
    const last = tokens[tokens.length - 1];
    // Runs of punctuation and spaces are one text node: a large document stays a few thousand nodes.
    if (last !== undefined && (kind === 'punctuation' || kind === 'space') && (last.kind === 'punctuation' || last.kind === 'space')) last.text += text;
    else tokens.push({ kind: kind === 'space' ? 'punctuation' : kind, text });
  }
  return tokens;
}
