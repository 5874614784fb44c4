// The trace viewer as a new user meets it, in a real workbench: the events
// table (time of day, ARNs, sorting, resizing, headers), the keyboard, focus
// rings and the contrast of outcome, error and warning text in the light,
// dark and high-contrast themes. Screenshots go to test-results/ (the
// README's come from here).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { extensionUnderTest, runCommand, startVsCode, UI_TIMEOUT_MS, withScreenshotOnFailure, type VsCodeSession } from './harness';

const ROLE = 'arn:aws:iam::123456789012:role/svc-9';
const FIRST_TS = Date.UTC(2025, 2, 3, 23, 59, 50);
const EVENTS = 160;
/** Ten events on 2025-03-03, the rest after midnight. */
const DAY_ONE_EVENTS = 10;

/**
 * A trace with everything the table must show well: two days, long ARNs,
 * services that sort naturally, every outcome; and one invalid last line, for
 * an error in Problems and the warning on Policy.
 */
function viewerTrace(): string {
  const lines = [JSON.stringify({ kind: 'header', schema: 'planewise.trace', version: '1.0', producer: { name: 'e2e', version: '1' }, run: { id: 'viewer' } })];
  for (let n = 0; n < EVENTS; n += 1) {
    const ts = FIRST_TS + n * 1000;
    const service = n < 3 ? 'svc-1' : n < 6 ? 'svc-2' : 'svc-10';
    if (n % 2 === 0) {
      lines.push(JSON.stringify({ kind: 'span', ts, service, operation: 'GET /objects', traceId: `t${n}`, spanId: `s${n}`, durationMs: n, status: n % 4 === 0 ? 'ok' : 'error' }));
    } else {
      const decision = n % 4 === 1 ? 'allow' : 'deny';
      lines.push(
        JSON.stringify({
          kind: 'authz',
          ts,
          service,
          principal: ROLE,
          action: 's3:GetObject',
          resource: `arn:aws:s3:::planewise-reports-bucket/2025/03/object-${n}.json`,
          decision,
          ...(decision === 'deny' ? { denyReason: 'implicit' } : {}),
        }),
      );
    }
  }
  lines.push('{"kind":"span","ts":"yesterday"}');
  return `${lines.join('\n')}\n`;
}

/**
 * Runs in the webview: the WCAG contrast ratio of each cell's text against
 * the background it is drawn on (the first opaque one up the tree). Colours
 * are read back through a canvas, so color-mix() and every CSS colour syntax
 * come out as sRGB. Plain JavaScript source: the test bundler's helpers do not
 * exist inside the page.
 */
const CONTRAST_OF_CELLS = new Function(
  'cells',
  `
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  function rgb(color) {
    context.clearRect(0, 0, 1, 1);
    context.fillStyle = color;
    context.fillRect(0, 0, 1, 1);
    return Array.from(context.getImageData(0, 0, 1, 1).data.slice(0, 3));
  }
  function luminance(color) {
    const weights = [0.2126, 0.7152, 0.0722];
    return color.reduce((sum, value, index) => {
      const channel = value / 255;
      return sum + weights[index] * (channel <= 0.03928 ? channel / 12.92 : Math.pow((channel + 0.055) / 1.055, 2.4));
    }, 0);
  }
  function background(element) {
    for (let at = element; at; at = at.parentElement) {
      const color = getComputedStyle(at).backgroundColor;
      if (color !== 'rgba(0, 0, 0, 0)' && color !== 'transparent') return color;
    }
    return getComputedStyle(document.body).backgroundColor;
  }
  return cells.map((cell) => {
    const pair = [luminance(rgb(getComputedStyle(cell).color)), luminance(rgb(background(cell)))].sort((a, b) => b - a);
    return { text: cell.textContent, ratio: Math.round(((pair[0] + 0.05) / (pair[1] + 0.05)) * 100) / 100 };
  });
`,
) as (cells: Element[]) => { text: string | null; ratio: number }[];

/** Polls `check` (the rows of a new order arrive asynchronously) until it holds or UI_TIMEOUT_MS passes. */
async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function focusWorkbench(session: VsCodeSession) {
  await session.page.locator('.part.sidebar .composite.title').first().click();
  await session.page.keyboard.press('Escape');
}

async function openTrace(session: VsCodeSession, relativePath: string): Promise<FrameLocator> {
  const page = session.page;
  await focusWorkbench(session);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(relativePath);
  const name = relativePath.split('/').at(-1)!;
  // Enter opens the selected row: until the filter applies, that is the most recent editor (another trace).
  await page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: name }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: UI_TIMEOUT_MS });
  return page.frameLocator('iframe.webview.ready:visible').frameLocator('#active-frame');
}

describe('the trace viewer in the workbench (slow: ~2 min)', () => {
  let vscode: VsCodeSession;
  let view: FrameLocator;

  before(async () => {
    vscode = await startVsCode({ workspace: 'test-workspace', ...extensionUnderTest(), settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
    writeFileSync(path.join(vscode.workspace, 'traces', 'viewer.trace.jsonl'), viewerTrace());
    // The empty secondary side bar would take a fifth of the window from the editor.
    const closeSecondary = vscode.page.locator('.part.auxiliarybar .action-label.codicon-close, .part.auxiliarybar [aria-label^="Hide Secondary Side Bar"]');
    if (await closeSecondary.count()) await closeSecondary.first().click();
    view = await openTrace(vscode, 'traces/viewer.trace.jsonl');
    await view.getByRole('tab', { name: 'Events' }).click();
    await view.locator('.grid-rows [role="row"][data-line]').first().waitFor({ timeout: UI_TIMEOUT_MS });
  });

  after(async () => {
    await vscode?.stop();
  });

  it('shows the time of day, the date once per day, whole headers and the end of long ARNs', () =>
    withScreenshotOnFailure(vscode, 'e2e-viewer-events', async () => {
      const rows = await view.locator('.grid-rows [role="row"][data-line]').evaluateAll((elements) =>
        elements.map((row) => ({
          index: Number((row as HTMLElement).dataset.index),
          day: row.querySelector('.time .day')?.textContent ?? null,
          time: row.querySelector('.time')?.textContent ?? '',
        })),
      );
      assert.ok(rows.length > DAY_ONE_EVENTS + 1, `rows on screen: ${rows.length}`);
      const withDay = rows.filter((row) => row.day !== null).map((row) => [row.index, row.day]);
      assert.deepEqual(withDay, [
        [0, '2025-03-03 '],
        [DAY_ONE_EVENTS, '2025-03-04 '],
      ]);
      assert.equal(rows[1]?.time, '23:59:51.000');

      const headers = await view.locator('.grid-head [role="columnheader"] button.sort').evaluateAll((buttons) =>
        buttons.map((button) => ({ text: button.textContent, clipped: button.scrollWidth > button.clientWidth })),
      );
      assert.deepEqual(headers.filter((header) => header.clipped), [], 'no header is cut');

      const principal = view.locator('.grid-rows [role="row"][data-line] .cell.elide').first();
      assert.equal(await principal.getAttribute('title'), ROLE);
      const elision = await principal.evaluate((cell) => {
        const head = cell.querySelector('.elide-head') as HTMLElement;
        const tail = cell.querySelector('.elide-tail') as HTMLElement;
        return { tail: tail.textContent, tailWhole: tail.scrollWidth <= tail.clientWidth, headClipped: head.scrollWidth > head.clientWidth };
      });
      assert.deepEqual(elision, { tail: ':role/svc-9', tailWhole: true, headClipped: true });
      await vscode.screenshot('trace-viewer-events');
    }));

  it('sorts a column in natural order and resizes it by dragging', () =>
    withScreenshotOnFailure(vscode, 'e2e-viewer-sort', async () => {
      const serviceHeader = view.locator('.grid-head [data-column="service"]');
      await serviceHeader.locator('button.sort').click();
      await view.locator('.grid-head [data-column="service"][aria-sort="ascending"]').waitFor();
      const firstLine = view.locator('.grid-rows [role="row"][data-index="0"][data-line]');
      await firstLine.waitFor();
      const services = async () =>
        view.locator('.grid-rows [role="row"][data-line]').evaluateAll((elements) => elements.slice(0, 8).map((row) => row.children[3]?.textContent));
      await waitUntil(async () => (await services())[0] === 'svc-1', 'the rows arrive in the new order');
      assert.deepEqual(await services(), ['svc-1', 'svc-1', 'svc-1', 'svc-2', 'svc-2', 'svc-2', 'svc-10', 'svc-10']);
      await serviceHeader.locator('button.sort').click();
      await view.locator('.grid-head [data-column="service"][aria-sort="descending"]').waitFor();
      await waitUntil(async () => (await services())[0] === 'svc-10', 'the first row is of svc-10 in descending order');

      const principalHeader = view.locator('.grid-head [data-column="principal"]');
      const before = (await principalHeader.boundingBox())!;
      const handle = (await principalHeader.locator('.resize-handle').boundingBox())!;
      await vscode.page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
      await vscode.page.mouse.down();
      await vscode.page.mouse.move(handle.x + 150, handle.y + handle.height / 2, { steps: 5 });
      await vscode.page.mouse.up();
      const afterDrag = (await principalHeader.boundingBox())!;
      assert.ok(Math.abs(afterDrag.width - before.width - 150) < 8, `width ${before.width} → ${afterDrag.width}`);
      const cell = (await view.locator('.grid-rows [role="row"][data-line] .cell.elide').first().boundingBox())!;
      assert.ok(Math.abs(cell.width - afterDrag.width) < 2, 'the rows follow the header');
      // Back to file order for the next tests.
      await view.locator('.grid-head [data-column="line"] button.sort').click();
      await view.locator('.grid-head [data-column="line"][aria-sort="ascending"]').waitFor();
      await view.locator('[role="grid"][aria-busy="false"]').waitFor();
    }));

  it('moves through the rows with PageDown, PageUp, Home and End without losing the focus', () =>
    withScreenshotOnFailure(vscode, 'e2e-viewer-keyboard', async () => {
      const grid = view.locator('[role="grid"]');
      const active = () => grid.evaluate((element) => ({ focused: document.activeElement === element, row: element.getAttribute('aria-activedescendant') }));
      // The rows on screen are those of the order they show (a key pressed before then is played later).
      await view.locator('[role="grid"][aria-busy="false"]').waitFor();
      await grid.focus();
      assert.deepEqual(await active(), { focused: true, row: 'event-row-0' });
      await grid.press('PageDown');
      const afterPageDown = await active();
      assert.equal(afterPageDown.focused, true, 'PageDown keeps the focus in the grid');
      const pageRows = Number(afterPageDown.row?.replace('event-row-', ''));
      assert.ok(pageRows > 5, `PageDown moved ${pageRows} rows`);
      await grid.press('ArrowDown');
      assert.deepEqual(await active(), { focused: true, row: `event-row-${pageRows + 1}` });
      await grid.press('End');
      assert.deepEqual(await active(), { focused: true, row: `event-row-${EVENTS - 1}` });
      const last = view.locator(`#event-row-${EVENTS - 1}[data-line]`);
      await last.waitFor();
      const gridBox = (await grid.boundingBox())!;
      const lastBox = (await last.boundingBox())!;
      assert.ok(lastBox.y + lastBox.height <= gridBox.y + gridBox.height + 1, 'the last row is scrolled into view');
      await grid.press('PageUp');
      assert.deepEqual(await active(), { focused: true, row: `event-row-${EVENTS - 1 - pageRows}` });
      await grid.press('Home');
      assert.deepEqual(await active(), { focused: true, row: 'event-row-0' });

      // A key pressed while a new order loads moves in that order once it arrives. Sorting and the key in
      // one task: the key is sure to come before the rows.
      await grid.evaluate((element) => {
        element.querySelector<HTMLButtonElement>('[data-column="service"] button.sort')!.click();
        element.focus();
        element.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
      });
      await view.locator('.grid-head [data-column="service"][aria-sort="ascending"]').waitFor();
      await view.locator(`[role="grid"][aria-busy="false"][aria-activedescendant="event-row-${EVENTS - 1}"]`).waitFor();
      await view.locator(`#event-row-${EVENTS - 1}[data-line]`).waitFor();
      assert.deepEqual(await active(), { focused: true, row: `event-row-${EVENTS - 1}` });
      await view.locator('.grid-head [data-column="line"] button.sort').press('Enter');
      await view.locator('.grid-head [data-column="line"][aria-sort="ascending"]').waitFor();
      await view.locator('[role="grid"][aria-busy="false"]').waitFor();
    }));

  it('has no invisible focus stop and a visible focus ring on every control', () =>
    withScreenshotOnFailure(vscode, 'e2e-viewer-focus', async () => {
      const eventsTab = view.getByRole('tab', { name: 'Events' });
      await eventsTab.focus();
      // Focus rings are for the keyboard: come to the tab by keyboard, whatever the test before used last.
      await vscode.page.keyboard.press('Tab');
      await vscode.page.keyboard.press('Shift+Tab');
      const tabStops = await view.locator('[role="tab"]').evaluateAll((tabs) => tabs.map((tab) => (tab as HTMLElement).tabIndex));
      assert.deepEqual(tabStops.filter((index) => index === 0).length, 1, 'one tab stop in the tab list (roving tabindex)');
      const focusBorder = await eventsTab.evaluate(() => getComputedStyle(document.body).getPropertyValue('--vscode-focusBorder').trim());
      const stops: { what: string; outline: string; color: string }[] = [];
      for (let step = 0; step < 11; step += 1) {
        const stop = await eventsTab.evaluate(() => {
          const element = document.activeElement as HTMLElement;
          const style = getComputedStyle(element);
          const canvas = document.createElement('canvas').getContext('2d')!;
          canvas.fillStyle = style.outlineColor;
          const outlineColor = canvas.fillStyle;
          canvas.fillStyle = getComputedStyle(document.body).getPropertyValue('--vscode-focusBorder').trim();
          return {
            what: `${element.tagName.toLowerCase()}${element.getAttribute('role') ? `[role=${element.getAttribute('role')}]` : ''} ${element.textContent?.slice(0, 20) ?? ''}`,
            outline: style.outlineStyle,
            color: outlineColor === canvas.fillStyle ? 'focusBorder' : outlineColor,
          };
        });
        stops.push(stop);
        await vscode.page.keyboard.press('Tab');
      }
      assert.ok(focusBorder.length > 0, 'the theme has a focus border colour');
      assert.deepEqual(stops.filter((stop) => stop.what.includes('tabpanel')), [], 'Tab never stops on a panel');
      assert.deepEqual(stops.filter((stop) => stop.outline === 'none' || stop.color !== 'focusBorder'), [], JSON.stringify(stops));
      await vscode.screenshot('trace-viewer-focus');
    }));

  it('compares with a trace picked from a list of traces only, in one headline and groups', () =>
    withScreenshotOnFailure(vscode, 'e2e-viewer-compare', async () => {
      await view.getByRole('tab', { name: 'Compare' }).click();
      await view.getByRole('button', { name: 'Choose a Trace to Compare…' }).click();
      const rows = vscode.page.locator('.quick-input-list .monaco-list-row');
      await rows.first().waitFor();
      const labels = await rows.evaluateAll((elements) => elements.map((row) => row.getAttribute('aria-label') ?? ''));
      assert.deepEqual(labels.filter((label) => !/\.trace\.jsonl(\.gz)?|every trace in the folder|Browse/.test(label)), [], labels.join(' | '));
      await vscode.page.locator('.quick-input-widget input').fill('run-1.trace.jsonl');
      await rows.filter({ hasText: 'run-1.trace.jsonl' }).first().waitFor();
      await vscode.page.keyboard.press('Enter');
      const headline = view.locator('.headline');
      await headline.waitFor({ timeout: UI_TIMEOUT_MS });
      assert.match((await headline.textContent()) ?? '', /^\d[\d,]* added, \d[\d,]* removed, \d[\d,]* changed/);
      await view.locator('.compare-body h3').first().waitFor();
      const wrapped = await view.locator('.compare-body td.nowrap').evaluateAll((cells) =>
        cells.filter((cell) => {
          const range = document.createRange();
          range.selectNodeContents(cell);
          return range.getClientRects().length > 1;
        }).length,
      );
      assert.equal(wrapped, 0, 'no change word is broken over two lines');
      await vscode.screenshot('trace-viewer-compare');
    }));

  it('lists problems in plain words and opens their lines in one reused text editor with diagnostics', () =>
    withScreenshotOnFailure(vscode, 'e2e-viewer-problems', async () => {
      const broken = await openTrace(vscode, 'traces/broken.trace.jsonl');
      await broken.getByRole('tab', { name: /^Problems/ }).click();
      const problems = broken.locator('ul.problems button');
      await problems.first().waitFor({ timeout: UI_TIMEOUT_MS });
      const reasons = await problems.allTextContents();
      assert.deepEqual(reasons.filter((reason) => /Invalid input|Invalid option|received/.test(reason)), [], reasons.join(' | '));
      await vscode.screenshot('trace-viewer-problems');
      const textTabs = vscode.page.locator('.tabs-container .tab', { hasText: 'broken.trace.jsonl' });
      await problems.nth(0).click();
      await vscode.page.locator('.editor-instance .monaco-editor').first().waitFor();
      await waitUntil(async () => (await textTabs.count()) === 2, 'the text editor opened beside the viewer');
      await broken.getByRole('tab', { name: /^Problems/ }).waitFor();
      await problems.nth(1).click();
      await problems.nth(2).click();
      await vscode.page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(await textTabs.count(), 2, 'one viewer tab and one text editor tab, however many lines were opened');
      assert.equal(await vscode.page.locator('.part.editor .editor-group-container').count(), 2, 'one group beside the viewer');
      await vscode.screenshot('trace-viewer-raw-line');
    }));

  // The themes `workbench.colorTheme` names "Default Light Modern", "Default Dark Modern" and "Default High Contrast", chosen as a user would.
  for (const [theme, kind] of [
    ['Light Modern', 'vscode-light'],
    ['Dark Modern', 'vscode-dark'],
    ['Dark High Contrast', 'vscode-high-contrast'],
  ] as const) {
    it(`shows outcomes, errors and warnings with a contrast of at least 4.5:1 in ${theme}`, () =>
      withScreenshotOnFailure(vscode, `e2e-viewer-contrast-${theme}`, async () => {
        // The problems test left a second group: one webview on screen again.
        await focusWorkbench(vscode);
        await runCommand(vscode.page, 'View: Close All Editor Groups');
        view = await openTrace(vscode, 'traces/viewer.trace.jsonl');
        await view.getByRole('tab', { name: 'Events' }).click();
        await view.locator('.grid-rows .cell.outcome').first().waitFor({ timeout: UI_TIMEOUT_MS });
        await focusWorkbench(vscode);
        const input = vscode.page.locator('.quick-input-widget input');
        await vscode.page.keyboard.press('F1');
        await input.fill('>Preferences: Color Theme');
        await vscode.page.locator('.quick-input-list .monaco-list-row').filter({ has: vscode.page.getByText('Preferences: Color Theme', { exact: true }) }).first().click();
        await vscode.page.locator('.quick-input-widget input[aria-label^="Select Color Theme"]').waitFor();
        await input.fill(theme);
        await vscode.page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().waitFor();
        await vscode.page.keyboard.press('Enter');
        await input.waitFor({ state: 'hidden' });
        await view.locator(`body.${kind}`).waitFor({ timeout: UI_TIMEOUT_MS });
        const outcomes = await view.locator('.grid-rows .cell.outcome.good, .grid-rows .cell.outcome.bad').evaluateAll(CONTRAST_OF_CELLS);
        assert.ok(outcomes.some((cell) => cell.text === 'allow') && outcomes.some((cell) => cell.text === 'deny'), 'allow and deny cells are on screen');
        await vscode.screenshot(`trace-viewer-events-${kind}`);

        await view.getByRole('tab', { name: 'Summary' }).click();
        await view.locator('.stat.bad .stat-value').first().waitFor();
        const errorCounts = await view.locator('.stat.bad .stat-value').evaluateAll(CONTRAST_OF_CELLS);
        await view.getByRole('tab', { name: /^Problems/ }).click();
        await view.locator('ul.problems button.error').first().waitFor();
        const errors = await view.locator('ul.problems button.error').evaluateAll(CONTRAST_OF_CELLS);
        await view.getByRole('tab', { name: 'Policy' }).click();
        await view.locator('.warning-text').first().waitFor();
        const warnings = await view.locator('.warning-text').evaluateAll(CONTRAST_OF_CELLS);
        await view.locator('.principal-detail pre.code .json-key').first().waitFor({ timeout: UI_TIMEOUT_MS });
        const policyTokens = await view.locator('.principal-detail pre.code [class^="json-"]').evaluateAll(CONTRAST_OF_CELLS);
        assert.ok(policyTokens.length > 0, 'the policy JSON is coloured');
        assert.equal(errorCounts.length, 3, 'span errors, denied and invalid lines are counted as errors');

        const all = [...outcomes, ...errorCounts, ...errors, ...warnings, ...policyTokens];
        const lowest = (cells: { ratio: number }[]) => Math.min(...cells.map((cell) => cell.ratio));
        assert.deepEqual(all.filter((cell) => cell.ratio < 4.5), [], `lowest: ${lowest(all)}`);
        console.log(
          `${theme}: contrast at least ${lowest(outcomes)}:1 (${outcomes.length} outcomes), ${lowest([...errorCounts, ...errors])}:1 (errors), ${lowest(warnings)}:1 (warning), ${lowest(policyTokens)}:1 (policy JSON)`,
        );
      }));
  }
});
