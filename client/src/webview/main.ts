/**
 * The trace viewer's webview: tabs for Summary, Policy, Events, Problems and
 * Compare, built from validated messages. Plain DOM, no framework.
 */
import { append, el, replaceChildren, table } from './dom';
import { formatBytes, formatCount, formatDay, jsonTokens, plural, formatMs, formatTimeOfDay, formatTimestamp, formatWindow, percent, showControlCharacters, splitForElision } from './format';
import {
  DEFAULT_POLICY_OPTIONS,
  EVENT_COLUMNS,
  VIEWS,
  appendOperations,
  parseToWebview,
  type CompareView,
  type EventColumn,
  type EventRow,
  type EventSort,
  type FileInfo,
  type FromWebview,
  type PolicyView,
  type PrincipalPolicyView,
  type Problems,
  type Progress,
  type RowsPage,
  type SummaryView,
  type ToWebview,
  type ViewName,
} from './messages';
import { RowCache } from './rowCache';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (message: FromWebview): void => vscode.postMessage(message);

const VIEW_TITLES: Record<ViewName, string> = {
  summary: 'Summary',
  policy: 'Policy',
  events: 'Events',
  problems: 'Problems',
  compare: 'Compare',
};
const ROW_HEIGHT = 24;
const PAGE_SIZE = 200;

interface State {
  file: FileInfo | undefined;
  progress: Progress | undefined;
  summary: SummaryView | undefined;
  problems: Problems;
  policy: PolicyView | undefined;
  compare: CompareView | undefined;
  view: ViewName;
  filter: string;
  /** The principal whose policy the Policy tab shows. */
  principal: string | undefined;
  /** The events table's order; undefined: file order. */
  sort: EventSort | undefined;
}

const saved = vscode.getState() as { view?: unknown; filter?: unknown; principal?: unknown; sort?: unknown; columnWidths?: unknown } | undefined;
let savedColumnWidths: unknown = saved?.columnWidths;
const state: State = {
  file: undefined,
  progress: undefined,
  summary: undefined,
  problems: { total: 0, items: [] },
  policy: undefined,
  compare: undefined,
  view: VIEWS.includes(saved?.view as ViewName) ? (saved?.view as ViewName) : 'summary',
  filter: typeof saved?.filter === 'string' ? saved.filter : '',
  principal: typeof saved?.principal === 'string' ? saved.principal : undefined,
  sort: validSort(saved?.sort),
};

function validSort(value: unknown): EventSort | undefined {
  const candidate = value as Partial<EventSort> | undefined;
  if (!candidate || !EVENT_COLUMNS.includes(candidate.column as EventColumn) || typeof candidate.descending !== 'boolean') return undefined;
  return { column: candidate.column as EventColumn, descending: candidate.descending };
}

// ---- layout -----------------------------------------------------------------

const app = document.getElementById('app') as HTMLElement;
const title = el('h1', { class: 'title' }, 'Trace');
const progressBar = el('progress', { class: 'progress', max: 100, value: 0, 'aria-label': 'Reading the trace' });
const progressText = el('span', { class: 'progress-text', role: 'status', 'aria-live': 'polite' });
const cancelButton = el('button', { type: 'button', class: 'secondary' }, 'Cancel');
const reloadButton = el('button', { type: 'button', class: 'secondary', title: 'Read the whole file again' }, 'Reload');
const textButton = el('button', { type: 'button', class: 'secondary', title: 'Open the file in the text editor' }, 'Open as Text');
const notice = el('div', { class: 'notice', role: 'alert', hidden: true });
const tabList = el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Trace views' });
const panels = {} as Record<ViewName, HTMLElement>;
const tabs = {} as Record<ViewName, HTMLButtonElement>;

for (const view of VIEWS) {
  const tab = el('button', {
    type: 'button',
    role: 'tab',
    id: `tab-${view}`,
    'aria-controls': `panel-${view}`,
    'data-view': view,
  });
  tab.textContent = VIEW_TITLES[view];
  tab.addEventListener('click', () => selectView(view, true));
  tabs[view] = tab;
  tabList.appendChild(tab);
  // No tabindex: every panel's first stop is one of its own controls, so Tab never lands on an invisible panel.
  panels[view] = el('section', { class: 'panel', role: 'tabpanel', id: `panel-${view}`, 'aria-labelledby': `tab-${view}` });
}

tabList.addEventListener('keydown', (event) => {
  const index = VIEWS.indexOf(state.view);
  const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: VIEWS.length - 1 };
  const target = moves[event.key];
  if (target === undefined) return;
  event.preventDefault();
  selectView(VIEWS[(target + VIEWS.length) % VIEWS.length] as ViewName, true);
});

cancelButton.addEventListener('click', () => post({ type: 'cancel' }));
reloadButton.addEventListener('click', () => post({ type: 'reload' }));
textButton.addEventListener('click', () => post({ type: 'openAsText' }));

// The toolbar and the tab strip stay in view while a long panel scrolls.
replaceChildren(
  app,
  el(
    'div',
    { class: 'sticky-header' },
    el('header', { class: 'toolbar' }, title, el('div', { class: 'progress-group' }, progressBar, progressText), cancelButton, reloadButton, textButton),
    tabList,
  ),
  ...VIEWS.map((view) => panels[view]),
);

function selectView(view: ViewName, focus: boolean): void {
  state.view = view;
  persist();
  for (const name of VIEWS) {
    const selected = name === view;
    tabs[name].setAttribute('aria-selected', String(selected));
    tabs[name].tabIndex = selected ? 0 : -1;
    panels[name].hidden = !selected;
  }
  // A banner belongs to the tab it was shown on.
  if (notice.parentElement !== panels[view]) notice.hidden = true;
  renderShownIfStale();
  if (focus) tabs[view].focus();
  post({ type: 'viewChanged', view });
  if (view === 'events') events.refresh();
}

function persist(): void {
  vscode.setState({ view: state.view, filter: state.filter, principal: state.principal, sort: state.sort, columnWidths: savedColumnWidths });
}

// ---- header and progress -------------------------------------------------------

function renderProgress(): void {
  const progress = state.progress;
  const reading = progress?.phase === 'reading';
  cancelButton.hidden = !reading;
  app.setAttribute('aria-busy', String(reading));
  if (!progress) return;
  const value = progress.totalBytes > 0 ? percent(progress.bytesRead, progress.totalBytes) : reading ? 0 : 100;
  progressBar.value = value;
  progressBar.hidden = !reading;
  const size = `${formatBytes(progress.bytesRead)} of ${formatBytes(progress.totalBytes)}`;
  const words: Record<Progress['phase'], string> = {
    reading: `Reading… ${size} (${value}%)`,
    done: `Read ${formatBytes(progress.totalBytes)}${progress.live ? ' · watching for changes' : ''}`,
    cancelled: `Cancelled after reading ${size}: the figures are partial`,
    error: `Could not read the trace: ${progress.message ?? 'unknown error'}`,
  };
  progressText.textContent = words[progress.phase];
  progressText.classList.toggle('error', progress.phase === 'error');
}

/** How long a confirmation ("Saved the policy…") stays; errors stay until the tab changes. */
const INFO_NOTICE_MS = 6_000;
let noticeTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows a banner at the top of the current tab's panel. */
function showNotice(level: 'info' | 'error', message: string): void {
  clearTimeout(noticeTimer);
  panels[state.view].prepend(notice);
  notice.hidden = false;
  notice.className = `notice ${level}`;
  notice.textContent = message;
  if (level === 'info') noticeTimer = setTimeout(() => (notice.hidden = true), INFO_NOTICE_MS);
}

// ---- summary --------------------------------------------------------------------

function stat(label: string, value: string, extraClass?: string): HTMLElement {
  // A cancelled read counted only part of the file: each figure says so.
  const partial = state.progress?.phase === 'cancelled';
  return el(
    'div',
    { class: `stat${extraClass ? ` ${extraClass}` : ''}`, role: 'listitem' },
    el('div', { class: 'stat-value' }, partial ? `≥ ${value}` : value),
    el('div', { class: 'stat-label' }, partial ? `${label} (partial)` : label),
  );
}

function renderSummary(): void {
  const panel = panels.summary;
  const summary = state.summary;
  if (!summary) {
    replaceChildren(panel, el('p', { class: 'empty' }, state.progress?.phase === 'error' ? 'No summary: the trace could not be read.' : 'Reading…'));
    return;
  }
  replaceChildren(
    panel,
    el('h2', {}, 'Summary'),
    el(
      'div',
      { class: 'stats', role: 'list', 'aria-label': 'Totals' },
      stat('events', formatCount(summary.events)),
      stat('spans', formatCount(summary.spans)),
      stat('authorization decisions', formatCount(summary.authz)),
      stat('span errors', formatCount(summary.spanErrors), summary.spanErrors > 0 ? 'bad' : undefined),
      stat('denied', formatCount(summary.denied), summary.denied > 0 ? 'bad' : undefined),
      stat('invalid lines', formatCount(summary.invalidLines), summary.invalidLines > 0 ? 'bad' : undefined),
    ),
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, 'Time window'),
      el('dd', {}, summary.window ? formatWindow(summary.window.startMs, summary.window.endMs) : 'no timed events'),
      el('dt', {}, 'Producer'),
      el('dd', {}, summary.producer ?? 'no header'),
      el('dt', {}, 'Schema version'),
      el('dd', {}, summary.schemaVersion ?? '-'),
      el('dt', {}, 'Runs'),
      el('dd', {}, summary.runIds.length > 0 ? summary.runIds.join(', ') : '-'),
    ),
    el('h3', {}, 'Services and operations'),
    table(
      'Spans per service and operation, with latency percentiles',
      [
        { title: 'Service', value: (row) => row.service },
        { title: 'Operation', value: (row) => row.operation },
        { title: 'Count', value: (row) => formatCount(row.count), numeric: true },
        { title: 'Errors', value: (row) => formatCount(row.errors), numeric: true },
        { title: 'p50', value: (row) => formatMs(row.p50Ms), numeric: true },
        { title: 'p95', value: (row) => formatMs(row.p95Ms), numeric: true },
        { title: 'p99', value: (row) => formatMs(row.p99Ms), numeric: true },
        { title: 'Max', value: (row) => formatMs(row.maxMs), numeric: true },
      ],
      summary.operations,
      'No spans.',
      summary.operationsTotal,
    ),
    el('h3', {}, 'Principals'),
    table(
      'Authorization decisions per principal',
      [
        { title: 'Principal', value: (row) => row.principal },
        { title: 'Actions', value: (row) => formatCount(row.actions), numeric: true },
        { title: 'Allowed', value: (row) => formatCount(row.allow), numeric: true },
        { title: 'Denied', value: (row) => formatCount(row.deny), numeric: true },
      ],
      summary.principals,
      'No authorization decisions.',
    ),
    el('h3', {}, 'Allow and deny by action'),
    table(
      'Decisions per action',
      [
        { title: 'Action', value: (row) => row.action },
        { title: 'Allowed', value: (row) => formatCount(row.allow), numeric: true },
        { title: 'Denied (explicit)', value: (row) => formatCount(row.explicitDeny), numeric: true },
        { title: 'Denied (implicit)', value: (row) => formatCount(row.implicitDeny), numeric: true },
      ],
      summary.actions,
      'No authorization decisions.',
    ),
  );
}

// ---- policy ----------------------------------------------------------------------

const WILDCARD_CHOICES: [string, number | null][] = [
  ['Exact resources', null],
  ['More than 1 sibling → prefix*', 1],
  ['More than 3 siblings → prefix*', 3],
  ['More than 10 siblings → prefix*', 10],
];
const generalizeSelect = el(
  'select',
  { id: 'policy-generalize' },
  ...WILDCARD_CHOICES.map(([label, threshold]) => el('option', { value: threshold === null ? 'off' : String(threshold) }, label)),
);
const copyAllButton = el('button', { type: 'button', title: 'Copy the policies of every principal' }, 'Copy All Principals');
const saveButton = el('button', { type: 'button' }, 'Save Policy…');
const policyBody = el('div', { class: 'policy-body' });
generalizeSelect.addEventListener('change', () =>
  post({ type: 'setPolicyOptions', options: { wildcardThreshold: generalizeSelect.value === 'off' ? null : Number(generalizeSelect.value) } }),
);
copyAllButton.addEventListener('click', () => post({ type: 'copyPolicy' }));
saveButton.addEventListener('click', () => post({ type: 'savePolicy' }));
append(panels.policy, [
  el('h2', {}, 'Least-privilege policy'),
  el('div', { class: 'controls' }, el('label', { for: 'policy-generalize' }, 'Resources'), generalizeSelect, copyAllButton, saveButton),
  el('p', { class: 'muted' }, 'Grants exactly what was allowed in this trace; pairs that were only ever denied are listed, never granted.'),
  policyBody,
]);
generalizeSelect.value = DEFAULT_POLICY_OPTIONS.wildcardThreshold === null ? 'off' : String(DEFAULT_POLICY_OPTIONS.wildcardThreshold);

const principalSelect = el('select', { id: 'policy-principal' });
const principalCopy = el('button', { type: 'button', class: 'secondary', title: 'Copy the policy of the principal shown' }, 'Copy This Principal');
const principalDetail = el('div', { class: 'principal-detail' });
principalSelect.addEventListener('change', () => showPrincipal(principalSelect.value));
principalCopy.addEventListener('click', () => post({ type: 'copyPolicy', principal: principalSelect.value }));

/** Asks for one principal's document; the answer arrives as a principalPolicy message. */
function showPrincipal(principal: string): void {
  state.principal = principal;
  persist();
  replaceChildren(principalDetail, el('p', { class: 'empty' }, `Loading the policy of ${principal}…`));
  post({ type: 'showPrincipal', principal });
}

function renderPolicy(): void {
  const policy = state.policy;
  if (!policy) {
    replaceChildren(policyBody, el('p', { class: 'empty' }, 'Reading…'));
    return;
  }
  const threshold = policy.options.wildcardThreshold;
  generalizeSelect.value = threshold === null ? 'off' : String(threshold);
  copyAllButton.disabled = saveButton.disabled = policy.principals.length === 0;
  if (policy.principals.length === 0) {
    replaceChildren(policyBody, el('p', { class: 'empty' }, 'No authorization decisions in this trace, so there is no policy to generate.'));
    return;
  }
  replaceChildren(
    principalSelect,
    ...policy.principals.map((entry) =>
      el('option', { value: entry.principal }, `${entry.principal}: ${plural(entry.statements, 'statement')}, ${plural(entry.actions, 'action')}, ${plural(entry.resources, 'resource')}${entry.deniedPairs > 0 ? `; ${plural(entry.deniedPairs, 'denied pair')} not granted` : ''}`),
    ),
  );
  const known = policy.principals.some((entry) => entry.principal === state.principal);
  const principal = known && state.principal !== undefined ? state.principal : policy.principals[0]!.principal;
  principalSelect.value = principal;
  const invalid = state.summary?.invalidLines ?? 0;
  replaceChildren(
    policyBody,
    invalid > 0 && el('p', { class: 'warning-text' }, `${plural(invalid, 'invalid line')} skipped: the policy grants only what the valid lines show (see Problems).`),
    el('div', { class: 'controls' }, el('label', { for: 'policy-principal' }, 'Principal'), principalSelect, principalCopy),
    principalDetail,
  );
  // The overview changed (more was read, or other options): the shown document may be stale.
  showPrincipal(principal);
}

function renderPrincipalPolicy(detail: PrincipalPolicyView): void {
  if (detail.principal !== state.principal) return;
  const threshold = detail.options.wildcardThreshold;
  const generalized = /\*"/.test(detail.json);
  replaceChildren(
    principalDetail,
    threshold !== null &&
      !generalized &&
      el('p', { class: 'muted' }, `Generalizing changed nothing here: no resource prefix is shared by more than ${plural(threshold, 'resource')}.`),
    el('pre', { class: 'code', tabindex: 0, 'aria-label': `Policy document of ${detail.principal}` }, ...jsonTokens(detail.json).map((token) => (token.kind === 'punctuation' ? token.text : el('span', { class: `json-${token.kind}` }, token.text)))),
    detail.omittedLines > 0 &&
      el('p', { class: 'muted' }, `${formatCount(detail.omittedLines)} more lines are not shown here; Copy and Save Policy take the whole document.`),
    detail.denied.length > 0 &&
      table(
        `Denied for ${detail.principal} (not granted)`,
        [
          { title: 'Action', value: (row) => row.action },
          { title: 'Resource', value: (row) => row.resource },
          { title: 'Denied', value: (row) => row.reason },
          { title: 'Times', value: (row) => formatCount(row.count), numeric: true },
        ],
        detail.denied,
        '',
      ),
    detail.deniedTotal > detail.denied.length && el('p', { class: 'muted' }, `Showing the first ${formatCount(detail.denied.length)} of ${formatCount(detail.deniedTotal)} denied pairs.`),
  );
}

// ---- events (virtualised) -----------------------------------------------------------

const filterInput = el('input', { type: 'search', id: 'events-filter', placeholder: 'Filter events (text in the raw line)', 'aria-label': 'Filter events' });
const eventsStatus = el('span', { class: 'muted', role: 'status', 'aria-live': 'polite' });

interface EventColumnSpec {
  id: EventColumn;
  title: string;
  /** The narrowest it gets, in px (never narrower than its header's text either). */
  width: number;
  /** Share of the free width until the user resizes it; 0: fixed. */
  grow: number;
  /** Long identifiers (ARNs) lose their middle, not their end. */
  elide?: boolean;
  /** A value as wide as the widest the column shows whole. */
  sample?: string;
}
const EVENT_COLUMN_SPECS: EventColumnSpec[] = [
  { id: 'line', title: 'Line', width: 48, grow: 0, sample: '1000000' },
  { id: 'time', title: 'Time (UTC)', width: 96, grow: 0, sample: '2025-12-31 23:59:59.999' },
  { id: 'kind', title: 'Kind', width: 48, grow: 0, sample: 'authz' },
  { id: 'service', title: 'Service', width: 64, grow: 1 },
  { id: 'name', title: 'Operation / action', width: 80, grow: 1.5 },
  { id: 'principal', title: 'Principal', width: 120, grow: 1.5, elide: true },
  { id: 'outcome', title: 'Outcome', width: 56, grow: 0, sample: 'unset' },
  { id: 'detail', title: 'Detail', width: 120, grow: 2, elide: true },
];
const RESIZE_STEP_PX = 16;

const grid = el('div', { class: 'grid', role: 'grid', 'aria-label': 'Events', tabindex: 0, 'aria-rowcount': 0 });
const headerCells = EVENT_COLUMN_SPECS.map((column, position) => {
  const sortButton = el(
    'button',
    { type: 'button', class: 'sort', title: `Sort by ${column.title.toLowerCase()}` },
    el('span', { class: 'label' }, column.title),
    el('span', { class: 'sort-indicator', 'aria-hidden': 'true' }),
  );
  sortButton.addEventListener('click', () => events.sortBy(column.id));
  const handle = el('div', {
    class: 'resize-handle',
    role: 'separator',
    'aria-orientation': 'vertical',
    'aria-label': `Resize the ${column.title} column`,
    title: 'Drag to resize; Alt+Left or Alt+Right on the column header',
  });
  handle.addEventListener('pointerdown', (event) => events.startResize(position, event));
  sortButton.addEventListener('keydown', (event) => {
    if (!event.altKey || (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight')) return;
    event.preventDefault();
    event.stopPropagation();
    events.resizeBy(position, event.key === 'ArrowRight' ? RESIZE_STEP_PX : -RESIZE_STEP_PX);
  });
  return el('div', { role: 'columnheader', class: 'cell head-cell', 'data-column': column.id }, sortButton, handle);
});
const gridHead = el('div', { class: 'grid-row grid-head', role: 'row', 'aria-rowindex': 1 }, ...headerCells);
const gridSpacer = el('div', { class: 'grid-spacer' });
const gridRows = el('div', { class: 'grid-rows', role: 'rowgroup' });
append(gridSpacer, [gridRows]);
append(grid, [gridHead, gridSpacer]);
append(panels.events, [el('div', { class: 'controls' }, filterInput, eventsStatus), grid]);
filterInput.value = state.filter;

const events = (() => {
  const cache = new RowCache(PAGE_SIZE);
  let requestId = 0;
  let total = -1;
  let partial = false;
  /** The row the keyboard is on; the grid keeps the focus and points at it (aria-activedescendant). */
  let activeIndex = 0;
  /** Keys pressed while a new order or filter loads (the row count is unknown): played once it arrives, never lost. */
  const pendingKeys: string[] = [];
  let filterTimer: ReturnType<typeof setTimeout> | undefined;
  /** Widths the user set by resizing (px); the other columns share the free width. */
  const widths: (number | null)[] = EVENT_COLUMN_SPECS.map((_, position) =>
    Array.isArray(savedColumnWidths) && typeof savedColumnWidths[position] === 'number' ? (savedColumnWidths[position] as number) : null,
  );
  let minimumWidths: number[] | undefined;

  const viewKey = (filter: string, sort: EventSort | undefined): string => JSON.stringify([filter, sort ?? null]);

  function request(page: number): void {
    if (!cache.startRequest(page, viewKey(state.filter, state.sort))) return;
    requestId += 1;
    post({ type: 'requestRows', requestId, start: page * PAGE_SIZE, count: PAGE_SIZE, filter: state.filter, ...(state.sort ? { sort: state.sort } : {}) });
  }

  /** Headers are never cut and sample values fit: each column is at least as wide as both, measured in the editor's font. */
  function measureHeaders(): void {
    if (minimumWidths || grid.clientWidth === 0) return;
    const probe = el('div', { class: 'cell measure-probe', 'aria-hidden': 'true' });
    gridRows.appendChild(probe);
    gridHead.style.gridTemplateColumns = EVENT_COLUMN_SPECS.map(() => 'max-content').join(' ');
    minimumWidths = EVENT_COLUMN_SPECS.map((column, position) => {
      probe.textContent = column.sample ?? '';
      const sampleWidth = column.sample ? probe.getBoundingClientRect().width : 0;
      return Math.ceil(Math.max(column.width, sampleWidth, headerCells[position]!.getBoundingClientRect().width)) + 2;
    });
    gridHead.style.gridTemplateColumns = '';
    probe.remove();
    applyWidths();
  }

  function applyWidths(): void {
    const least = EVENT_COLUMN_SPECS.map((column, position) => Math.max(widths[position] ?? 0, minimumWidths?.[position] ?? column.width));
    const template = EVENT_COLUMN_SPECS.map((column, position) =>
      widths[position] === null && column.grow > 0 ? `minmax(${least[position]}px, ${column.grow}fr)` : `${least[position]}px`,
    ).join(' ');
    grid.style.setProperty('--event-columns', template);
    grid.style.setProperty('--event-table-width', `${least.reduce((sum, width) => sum + width, 0)}px`);
  }

  /** The width a column has on screen now. */
  const shownWidth = (position: number): number => headerCells[position]!.getBoundingClientRect().width;

  function setWidth(position: number, width: number): void {
    widths[position] = Math.max(minimumWidths?.[position] ?? 24, Math.round(width));
    applyWidths();
    savedColumnWidths = [...widths];
    persist();
  }

  const resizeBy = (position: number, delta: number): void => setWidth(position, shownWidth(position) + delta);

  function startResize(position: number, down: PointerEvent): void {
    down.preventDefault();
    const handle = down.currentTarget as HTMLElement;
    handle.setPointerCapture(down.pointerId);
    const startX = down.clientX;
    const startWidth = shownWidth(position);
    const move = (event: PointerEvent) => setWidth(position, startWidth + event.clientX - startX);
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  }

  function sortBy(column: EventColumn): void {
    const current = state.sort;
    state.sort = current?.column === column ? { column, descending: !current.descending } : { column, descending: false };
    persist();
    reset();
  }

  function renderSortIndicators(): void {
    const sort = state.sort ?? { column: 'line', descending: false };
    EVENT_COLUMN_SPECS.forEach((column, position) => {
      const cell = headerCells[position]!;
      const sorted = column.id === sort.column;
      cell.setAttribute('aria-sort', sorted ? (sort.descending ? 'descending' : 'ascending') : 'none');
      cell.querySelector('.sort-indicator')!.textContent = sorted ? (sort.descending ? '▼' : '▲') : '';
    });
  }

  function render(): void {
    if (state.view !== 'events') return;
    measureHeaders();
    renderSortIndicators();
    // Until the first page of a new order or filter arrives, the rows on screen are the old ones.
    grid.setAttribute('aria-busy', String(total < 0));
    if (total < 0) {
      request(Math.floor(grid.scrollTop / ROW_HEIGHT / PAGE_SIZE));
      return;
    }
    grid.setAttribute('aria-rowcount', String(total + 1));
    gridSpacer.style.height = `${total * ROW_HEIGHT}px`;
    eventsStatus.textContent = `${formatCount(total)}${partial ? '+' : ''} ${state.filter ? 'matching ' : ''}${total === 1 && !partial ? 'event' : 'events'}`;
    const topIndex = Math.floor(grid.scrollTop / ROW_HEIGHT);
    const first = Math.max(0, topIndex - 5);
    const visible = Math.ceil(grid.clientHeight / ROW_HEIGHT) + 10;
    const last = Math.min(total, first + visible);
    const rows: HTMLElement[] = [];
    for (let index = first; index < last; index += 1) {
      const row = cache.get(index);
      if (!row) {
        request(Math.floor(index / PAGE_SIZE));
        rows.push(placeholderRow(index));
        continue;
      }
      const previous = index > topIndex ? cache.get(index - 1) : undefined;
      rows.push(eventRow(row, index, previous === undefined || formatDay(previous.ts) !== formatDay(row.ts)));
    }
    gridRows.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    gridRows.replaceChildren(...rows);
    if (total === 0) grid.removeAttribute('aria-activedescendant');
    else grid.setAttribute('aria-activedescendant', rowId(activeIndex));
  }

  const rowId = (index: number): string => `event-row-${index}`;

  function placeholderRow(index: number): HTMLElement {
    return el(
      'div',
      { class: `grid-row loading${index === activeIndex ? ' active' : ''}`, role: 'row', id: rowId(index), 'aria-rowindex': index + 2, 'data-index': index },
      el('div', { class: 'cell', role: 'gridcell' }, '…'),
    );
  }

  function textCell(raw: string, extraClass = ''): HTMLElement {
    const value = showControlCharacters(raw);
    return el('div', { class: `cell${extraClass}`, role: 'gridcell', title: value || undefined }, value);
  }

  /** An ARN keeps its resource end (`…:role/svc-9`) when its column is narrow. */
  function elidedCell(raw: string): HTMLElement {
    const value = showControlCharacters(raw);
    const { head, tail } = splitForElision(value);
    if (!tail) return textCell(value);
    return el('div', { class: 'cell elide', role: 'gridcell', title: value }, el('span', { class: 'elide-head' }, head), el('span', { class: 'elide-tail' }, tail));
  }

  function eventRow(row: EventRow, index: number, showDay: boolean): HTMLElement {
    const outcomeClass = row.outcome === 'deny' || row.outcome === 'error' ? ' bad' : row.outcome === 'allow' || row.outcome === 'ok' ? ' good' : '';
    const time = el(
      'div',
      { class: 'cell time', role: 'gridcell', title: formatTimestamp(row.ts) },
      showDay && el('span', { class: 'day' }, `${formatDay(row.ts)} `),
      formatTimeOfDay(row.ts),
    );
    const values: Record<EventColumn, HTMLElement> = {
      line: el('div', { class: 'cell num', role: 'gridcell', title: `Open line ${row.line} in the text editor` }, String(row.line)),
      time,
      kind: textCell(row.kind),
      service: textCell(row.service),
      name: textCell(row.name),
      principal: elidedCell(row.principal),
      outcome: textCell(row.outcome, ` outcome${outcomeClass}`),
      detail: elidedCell(row.detail),
    };
    return el(
      'div',
      {
        class: `grid-row${index === activeIndex ? ' active' : ''}${showDay ? ' new-day' : ''}`,
        role: 'row',
        id: rowId(index),
        'aria-rowindex': index + 2,
        'aria-selected': String(index === activeIndex),
        'data-line': row.line,
        'data-index': index,
      },
      ...EVENT_COLUMN_SPECS.map((column) => values[column.id]),
    );
  }

  /** Moves the keyboard's row and scrolls it into view below the sticky header; the focus never leaves the grid. */
  function moveActive(index: number): void {
    if (total <= 0) return;
    activeIndex = Math.max(0, Math.min(total - 1, index));
    const top = activeIndex * ROW_HEIGHT;
    const viewHeight = grid.clientHeight - gridHead.offsetHeight;
    if (top < grid.scrollTop) grid.scrollTop = top;
    else if (top + ROW_HEIGHT > grid.scrollTop + viewHeight) grid.scrollTop = top + ROW_HEIGHT - viewHeight;
    render();
  }

  gridRows.addEventListener('click', (event) => {
    const row = (event.target as Element).closest<HTMLElement>('[data-index]');
    if (!row) return;
    activeIndex = Number(row.dataset.index);
    grid.focus();
    render();
    if (row.dataset.line) post({ type: 'openLine', line: Number(row.dataset.line) });
  });
  /** The row a navigation key moves to, or undefined for other keys. */
  function targetOf(key: string): number | undefined {
    const pageRows = Math.max(1, Math.floor((grid.clientHeight - gridHead.offsetHeight) / ROW_HEIGHT) - 1);
    const targets: Record<string, number> = {
      ArrowDown: activeIndex + 1,
      ArrowUp: activeIndex - 1,
      PageDown: activeIndex + pageRows,
      PageUp: activeIndex - pageRows,
      Home: 0,
      End: total - 1,
    };
    return targets[key];
  }

  grid.addEventListener('keydown', (event) => {
    // Keys on the header's buttons are theirs (Enter sorts, Alt+arrows resize).
    if (event.target !== grid) return;
    const target = targetOf(event.key);
    if (target !== undefined) {
      event.preventDefault();
      if (total < 0) pendingKeys.push(event.key);
      else moveActive(target);
    } else if (event.key === 'Enter') {
      const row = cache.get(activeIndex);
      if (!row) return;
      event.preventDefault();
      post({ type: 'openLine', line: row.line });
    }
  });
  grid.addEventListener('scroll', () => render(), { passive: true });
  filterInput.addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      state.filter = filterInput.value;
      persist();
      reset();
    }, 200);
  });

  function reset(): void {
    cache.clear();
    total = -1;
    activeIndex = 0;
    grid.scrollTop = 0;
    render();
  }

  return {
    /** Rows changed on the extension side (more lines were read): fetch again. */
    invalidate(): void {
      // The count is unknown again until the first page of the new answer arrives.
      cache.clear();
      total = -1;
      render();
    },
    refresh: render,
    sortBy,
    startResize,
    resizeBy,
    receive(page: RowsPage): void {
      const key = viewKey(page.filter, page.sort);
      if (key !== viewKey(state.filter, state.sort) || !cache.store(key, page.start, page.rows)) return;
      total = page.total;
      partial = page.partial;
      activeIndex = Math.min(activeIndex, Math.max(0, total - 1));
      render();
      for (const key of pendingKeys.splice(0)) moveActive(targetOf(key)!);
    },
  };
})();

// ---- problems -------------------------------------------------------------------------

/** The tab's count is kept current even while another tab is shown. */
function renderProblemsTab(): void {
  const { total } = state.problems;
  tabs.problems.textContent = total > 0 ? `Problems (${formatCount(total)})` : 'Problems';
}

function renderProblems(): void {
  const { total, items } = state.problems;
  if (total === 0) {
    replaceChildren(panels.problems, el('h2', {}, 'Problems'), el('p', { class: 'empty' }, 'Every line is valid.'));
    return;
  }
  const list = el('ul', { class: 'problems', 'aria-label': 'Invalid lines' });
  for (const problem of items) {
    const button = el('button', { type: 'button', class: `link ${problem.severity}`, title: `Open line ${problem.line} in the text editor` }, `${problem.line}: ${showControlCharacters(problem.reason)}`);
    button.addEventListener('click', () => post({ type: 'openLine', line: problem.line }));
    list.appendChild(el('li', {}, button));
  }
  replaceChildren(
    panels.problems,
    el('h2', {}, 'Problems'),
    el('p', { class: 'muted' }, `${plural(total, 'invalid or skipped line')}${total > items.length ? `; the first ${formatCount(items.length)} are listed` : ''}.`),
    list,
  );
}

// ---- compare ---------------------------------------------------------------------------

const pickButton = el('button', { type: 'button' }, 'Choose a Trace to Compare…');
const cancelCompareButton = el('button', { type: 'button', class: 'secondary', hidden: true }, 'Cancel');
const compareBody = el('div', { class: 'compare-body', 'aria-live': 'polite' });
pickButton.addEventListener('click', () => post({ type: 'pickCompare' }));
cancelCompareButton.addEventListener('click', () => post({ type: 'cancelCompare' }));
append(panels.compare, [el('h2', {}, 'Compare'), el('div', { class: 'controls' }, pickButton, cancelCompareButton), compareBody]);

const COMPARE_AREAS: [area: string, title: string][] = [
  ['service', 'Services'],
  ['operation', 'Operations'],
  ['allowed', 'Allowed permissions'],
  ['denied', 'Denied permissions'],
  ['principal', 'Principals'],
];
const compareFilter = el('input', { type: 'search', id: 'compare-filter', placeholder: 'Filter differences', 'aria-label': 'Filter differences' });
compareFilter.addEventListener('input', () => renderCompare());

function renderCompare(): void {
  const compare = state.compare;
  cancelCompareButton.hidden = compare?.state !== 'running';
  if (!compare) {
    replaceChildren(compareBody, el('p', { class: 'empty' }, 'Compare this trace (before) with another trace or folder of traces (after).'));
    return;
  }
  const heading = el('p', { class: 'muted' }, `This trace compared with ${compare.otherName}`);
  if (compare.state !== 'done') {
    const words = { running: 'Comparing…', cancelled: 'Comparison cancelled.', error: `Could not compare: ${compare.message ?? 'unknown error'}` };
    replaceChildren(compareBody, heading, el('p', { class: compare.state === 'error' ? 'error' : 'muted' }, words[compare.state]));
    return;
  }
  const needle = compareFilter.value.trim().toLowerCase();
  const shown = needle ? compare.changes.filter((row) => [row.change, row.area, row.key, row.before ?? '', row.after ?? ''].some((value) => value.toLowerCase().includes(needle))) : compare.changes;
  const groups = COMPARE_AREAS.map(([area, areaTitle]) => ({ areaTitle, rows: shown.filter((row) => row.area === area) })).filter((group) => group.rows.length > 0);
  replaceChildren(
    compareBody,
    heading,
    el('p', { class: 'headline' }, compare.headline ?? plural(compare.changes.length, 'difference')),
    compare.changes.length > 0 && el('div', { class: 'controls' }, compareFilter, el('span', { class: 'muted', role: 'status' }, needle ? `${plural(shown.length, 'difference')} match` : '')),
    compare.changes.length === 0 && el('p', { class: 'empty' }, 'No differences.'),
    ...groups.flatMap((group) => [
      el('h3', {}, `${group.areaTitle} (${formatCount(group.rows.length)})`),
      table(
        `${group.areaTitle}: ${plural(group.rows.length, 'difference')}`,
        [
          { title: 'Change', value: (row) => row.change, nowrap: true },
          { title: 'What', value: (row) => row.key },
          { title: 'Before', value: (row) => row.before ?? '' },
          { title: 'After', value: (row) => row.after ?? '' },
        ],
        group.rows,
        '',
      ),
    ]),
  );
}

// ---- rendering ------------------------------------------------------------------------------

/**
 * A panel is rebuilt only while it is shown, at most once a frame: a large
 * trace sends a new summary every second, and rebuilding hidden tables took
 * the core the reader needed. A hidden panel is rebuilt when it is selected.
 */
const renderers: Partial<Record<ViewName, () => void>> = { summary: renderSummary, policy: renderPolicy, problems: renderProblems, compare: renderCompare };
const stale = new Set<ViewName>();
let frame: number | undefined;

function scheduleRender(view: ViewName): void {
  stale.add(view);
  frame ??= requestAnimationFrame(() => {
    frame = undefined;
    renderShownIfStale();
  });
}

function renderShownIfStale(): void {
  if (stale.delete(state.view)) renderers[state.view]?.();
}

// ---- messages ------------------------------------------------------------------------------

function handle(message: ToWebview): void {
  switch (message.type) {
    case 'file':
      state.file = message.file;
      title.textContent = message.file.name;
      title.title = message.file.path;
      textButton.hidden = false;
      return;
    case 'progress':
      state.progress = message.progress;
      renderProgress();
      if (message.progress.phase !== 'reading') scheduleRender('summary');
      return;
    case 'summary':
      state.summary = message.summary;
      state.problems = message.problems;
      scheduleRender('summary');
      scheduleRender('problems');
      renderProblemsTab();
      events.invalidate();
      return;
    case 'operations':
      if (appendOperations(state.summary, message)) scheduleRender('summary');
      return;
    case 'policy':
      state.policy = message.policy;
      scheduleRender('policy');
      return;
    case 'principalPolicy':
      renderPrincipalPolicy(message.detail);
      return;
    case 'rows':
      events.receive(message.page);
      return;
    case 'compare':
      state.compare = message.compare;
      scheduleRender('compare');
      return;
    case 'notice':
      showNotice(message.level, message.message);
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseToWebview(event.data);
  if (parsed.ok) handle(parsed.message);
  else showNotice('error', parsed.error);
});

renderSummary();
renderPolicy();
renderProblems();
renderCompare();
selectView(state.view, false);
post({ type: 'ready' });
