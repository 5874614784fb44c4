// UI end-to-end tests drive a real VS Code workbench: code-server (a VS Code
// server) with the packaged extension installed, in headless Chromium through
// playwright-core. Each `startVsCode` gets its own server, profile,
// extensions folder and copy of the workspace; `stop()` removes them all.
//
//   const vscode = await startVsCode({ workspace: 'test-workspace', ...extensionUnderTest() });
//   try {
//     await openFile(vscode.page, 'src/data/handler.ts');
//     const rows = await problemsRows(vscode.page);
//     await rows.first().waitFor();
//   } catch (error) {
//     await vscode.screenshot('problems');
//     throw error;
//   } finally {
//     await vscode.stop();
//   }
//
// Environment: PLANEWISE_VSIX (the package to install), PLANEWISE_VSCODE_VERBOSE=1
// (print code-server's output and the browser console), PLANEWISE_CHROMIUM,
// PLANEWISE_TEST_RESULTS_DIR (screenshots; default test-results/).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { ensureVsCodeHost } from '../../../scripts/vscode-host/ensure.mjs';
import {
  QUIET_SETTINGS,
  copyWorkspace,
  fileSafe,
  installExtensionFolder,
  installVsix,
  launchChromium,
  repoRoot,
  resultsDir,
  startCodeServer,
  tempDir,
  workbenchUrl,
  writeUserSettings,
} from '../../../scripts/vscode-host/host.mjs';

/** How long any single wait may take: generous for a loaded 2-core machine, short enough to fail a stuck test. */
export const UI_TIMEOUT_MS = 30_000;

export interface StartVsCodeOptions {
  /** The folder to open. Copied to a temp folder first (tests may edit files) unless `copyWorkspace` is false. */
  workspace: string;
  /** A packaged extension to install (`code-server --install-extension`). */
  vsix?: string;
  /** An unpacked extension folder to install instead (copied as `publisher.name-version`). */
  extensionFolder?: string;
  /** More unpacked extension folders to install beside it (benchmark probes). */
  extraExtensionFolders?: string[];
  /** User settings on top of the quiet defaults. */
  settings?: Record<string, unknown>;
  copyWorkspace?: boolean;
}

export interface VsCodeSession {
  page: Page;
  /** The workbench URL the page opened. */
  url: string;
  /** The folder open in VS Code (the temp copy unless `copyWorkspace` was false). */
  workspace: string;
  /** Saves a PNG of the page under test-results/ and returns its path. */
  screenshot(name: string): Promise<string>;
  /** VS Code's user data folder: settings, and the logs of every output channel under logs/. */
  userDataDir: string;
  /** code-server's output and the browser console so far: attach it to a failure. */
  logs(): string;
  /** Closes Chromium, ends code-server and removes the temp folders. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The Planewise extension as the tests should install it: the .vsix named by
 * PLANEWISE_VSIX or planewise.vsix at the repository root when present (what
 * users install), else the repository folder itself (its bundles must be built).
 */
export function extensionUnderTest(): { vsix: string } | { extensionFolder: string } {
  const vsix = process.env.PLANEWISE_VSIX ? path.resolve(process.env.PLANEWISE_VSIX) : path.join(repoRoot, 'planewise.vsix');
  if (existsSync(vsix)) return { vsix };
  if (process.env.PLANEWISE_VSIX) throw new Error(`PLANEWISE_VSIX names ${vsix}, which does not exist`);
  return { extensionFolder: repoRoot };
}

export async function startVsCode(options: StartVsCodeOptions): Promise<VsCodeSession> {
  if ((options.vsix === undefined) === (options.extensionFolder === undefined)) {
    throw new Error('startVsCode needs exactly one of `vsix` and `extensionFolder`');
  }
  const source = path.resolve(options.workspace);
  if (!existsSync(source)) throw new Error(`workspace ${source} does not exist`);
  const verbose = process.env.PLANEWISE_VSCODE_VERBOSE === '1';
  const host = await ensureVsCodeHost({ log: (line) => console.error(line) });
  const state = tempDir('e2e');
  const profile = {
    host,
    userDataDir: path.join(state.dir, 'user-data'),
    extensionsDir: path.join(state.dir, 'extensions'),
    stateDir: state.dir,
  };
  const workspace = options.copyWorkspace === false ? source : path.join(state.dir, 'workspace', path.basename(source));
  if (workspace !== source) copyWorkspace(source, workspace);
  writeUserSettings(profile.userDataDir, { ...QUIET_SETTINGS, ...options.settings });
  // Unpacked folders first: installing a .vsix writes the extensions list, which then takes in the folders already there.
  for (const folder of options.extraExtensionFolders ?? []) installExtensionFolder({ folder: path.resolve(folder), extensionsDir: profile.extensionsDir });
  if (options.vsix) await installVsix({ ...profile, vsix: path.resolve(options.vsix) });
  else installExtensionFolder({ folder: path.resolve(options.extensionFolder!), extensionsDir: profile.extensionsDir });

  const log: string[] = [];
  const record = (line: string) => {
    log.push(line);
    if (verbose) console.error(line);
  };
  let server: Awaited<ReturnType<typeof startCodeServer>> | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await browser?.close().catch(() => undefined);
      await server?.stop();
      state.remove();
    })();
    return stopping;
  };

  try {
    server = await startCodeServer({ ...profile, log: (text) => record(`[code-server] ${text.trimEnd()}`) });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('console', (message) => record(`[browser ${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => record(`[browser pageerror] ${error.message}`));
    const url = workbenchUrl(server.baseUrl, { folder: workspace });
    await page.goto(url);
    await waitForWorkbench(page);
    return {
      page,
      url,
      workspace,
      userDataDir: profile.userDataDir,
      screenshot: (name) => screenshot(page, name),
      logs: () => log.join('\n'),
      stop,
    };
  } catch (error) {
    await stop();
    throw new Error(`VS Code did not start: ${error instanceof Error ? error.message : error}\n--- logs ---\n${log.join('\n')}`);
  }
}

/** The workbench is interactive: layout done, the folder open in the explorer, extensions started. */
async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor();
  await page.locator('.monaco-workbench .part.editor').waitFor();
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
  // The status bar says "Activating Extensions..." until the extension host is ready.
  await page.locator('.statusbar-item', { hasText: 'Activating Extensions' }).waitFor({ state: 'detached' });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(resultsDir(), `${fileSafe(name)}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Runs `action`; if it throws, saves a screenshot named `name` under
 * test-results/ and adds its path and the session's logs to the error.
 */
export async function withScreenshotOnFailure<T>(session: VsCodeSession, name: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const file = await session.screenshot(name).catch((shotError: unknown) => `(no screenshot: ${shotError})`);
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\nscreenshot: ${file}\n--- VS Code logs ---\n${session.logs()}`, { cause: error });
  }
}

/** The quick input (command palette, quick open) once it is visible. */
function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget input');
}

/** Runs a command by its palette title, e.g. `Planewise: Show Plane Report`. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = quickInput(page);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.getByText(title, { exact: true }) });
  const deadline = Date.now() + UI_TIMEOUT_MS;
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor();
    await input.fill(`>${title}`);
    try {
      await row.first().waitFor({ timeout: 3_000 });
      break;
    } catch (error) {
      // The palette lists the commands known when it opened; an extension still starting registers its own later.
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden' });
      if (Date.now() > deadline) throw error;
    }
  }
  await row.first().click();
  // Done once the palette closed, or once the command's own picker took its place (the widget stays, with another input).
  await page.locator('.quick-input-widget input[aria-label="Type the name of a command to run."]').waitFor({ state: 'hidden' });
}

/** Opens a workspace file with quick open (Ctrl+P) and waits for its editor to be active. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = quickInput(page);
  await input.waitFor();
  await input.fill(relativePath);
  const fileName = path.posix.basename(relativePath);
  // Enter opens the selected row: until the filter applies, that is the most recent editor.
  await page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: fileName }).waitFor();
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
  await page.locator('.tabs-container .tab.active', { hasText: fileName }).waitFor();
  await page.locator('.editor-instance .monaco-editor').first().waitFor();
}

/** Opens the Problems panel (Ctrl+Shift+M) and returns its rows (files and their markers). */
export async function problemsRows(page: Page): Promise<Locator> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) await page.keyboard.press('Control+Shift+M');
  await panel.waitFor();
  return panel.locator('.monaco-list-row');
}

const QUICK_FIX_ATTEMPTS = 5;
const QUICK_FIX_ATTEMPT_MS = 6_000;

/**
 * Opens the quick-fix menu at the editor's cursor (Ctrl+.) and returns its
 * entries. Put the cursor on the diagnostic first, e.g. by double-clicking
 * its row in the Problems panel.
 */
export async function openQuickFix(page: Page): Promise<Locator> {
  const rows = page.locator('.action-widget .monaco-list-row.action');
  // A Ctrl+. pressed while the workbench is still starting can go unanswered
  // (seen with the lightbulb already shown): ask again until the menu opens.
  for (let attempt = 1; ; attempt += 1) {
    await page.keyboard.press('Control+.');
    try {
      await rows.first().waitFor({ timeout: QUICK_FIX_ATTEMPT_MS });
      return rows;
    } catch (error) {
      if (attempt === QUICK_FIX_ATTEMPTS) throw error;
    }
  }
}

/** Double-clicks a Problems row: opens its file with the cursor on the problem and focuses the editor. */
export async function goToProblem(page: Page, row: Locator): Promise<void> {
  await row.dblclick();
  await page.locator('.editor-instance .monaco-editor.focused').waitFor();
}

/** The content of the active webview (e.g. a custom editor). */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Notification toasts' messages; filter with `.filter({ hasText })` and `waitFor()`. */
export function notifications(page: Page): Locator {
  return page.locator('.notifications-toasts .notification-list-item-message');
}
