/**
 * The only way the webview builds DOM: elements by name, text through
 * textContent. No innerHTML anywhere, so a value such as `<img onerror=...>`
 * from a trace is shown as the characters it is.
 */
import { formatCount } from './format';
import { TABLE_ROWS_SHOWN } from './messages';

type Child = Node | string | number | null | undefined | false;

export interface Attributes {
  [name: string]: string | number | boolean | undefined;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

export interface Column<T> {
  title: string;
  value: (row: T) => string | number;
  numeric?: boolean;
  /** Short words (a change kind): never wrapped. */
  nowrap?: boolean;
}

const cellClass = (column: { numeric?: boolean; nowrap?: boolean }): string | undefined =>
  [column.numeric && 'num', (column.numeric || column.nowrap) && 'nowrap'].filter(Boolean).join(' ') || undefined;

/** Captions of the tables the user expanded; they stay expanded when the view re-renders. */
const expandedTables = new Set<string>();

/**
 * A plain, accessible table: a caption, column headers, one row per item (the
 * first TABLE_ROWS_SHOWN until the user asks for all). `totalRows` is more
 * than `rows` while a snapshot carries only the first rows of a file being read.
 */
export function table<T>(caption: string, columns: Column<T>[], rows: T[], empty: string, totalRows = rows.length): HTMLElement {
  if (rows.length === 0) return el('p', { class: 'empty' }, empty);
  const body = el('tbody', {});
  const row = (item: T) => el('tr', {}, ...columns.map((column) => el('td', { class: cellClass(column) }, column.value(item))));
  const shown = expandedTables.has(caption) ? rows.length : Math.min(rows.length, TABLE_ROWS_SHOWN);
  append(body, rows.slice(0, shown).map(row));
  const data = el(
    'table',
    { class: 'data' },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, ...columns.map((column) => el('th', { scope: 'col', class: cellClass(column) }, column.title)))),
    body,
  );
  if (rows.length < totalRows) return el('div', {}, data, el('p', { class: 'muted table-more' }, `Showing ${formatCount(shown)} of ${formatCount(totalRows)} rows; the rest come when the file is read.`));
  if (shown === rows.length) return data;
  const more = el('button', { type: 'button', class: 'secondary' }, `Show all ${formatCount(rows.length)} rows`);
  const note = el('p', { class: 'muted table-more' }, `Showing ${formatCount(shown)} of ${formatCount(rows.length)} rows. `, more);
  more.addEventListener('click', () => {
    expandedTables.add(caption);
    append(body, rows.slice(shown).map(row));
    note.remove();
  });
  return el('div', {}, data, note);
}
