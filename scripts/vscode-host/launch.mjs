// A VS Code "executable" for @vscode/test-electron's
// `runTests({ vscodeExecutablePath })`, reached through the `code` script
// beside this file. It runs extension tests in code-server (a real VS Code
// server with a Node extension host) driven by headless Chromium, for
// machines that cannot download a desktop VS Code.
//
// Understood arguments (the ones runTests passes; others are ignored):
//   --extensionDevelopmentPath=DIR (repeatable)  --extensionTestsPath=FILE
//   --user-data-dir=DIR  --extensions-dir=DIR  --disable-extensions
//   one folder or .code-workspace path to open
// Exit code: the tests' (0 when all pass), 1 on any failure to run them.
//
// Environment:
//   PLANEWISE_VSCODE_TIMEOUT_MS   overall limit for the run (default 300000); on expiry a
//                                 screenshot is saved under test-results/ and the run fails
//   PLANEWISE_VSCODE_VERBOSE=1    also print code-server's output and the browser console
//   PLANEWISE_VSCODE_HOST_DIR     where code-server is installed (see ensure.mjs)
//   PLANEWISE_CHROMIUM            the Chromium binary (default /usr/bin/chromium)
//   PLANEWISE_TEST_RESULTS_DIR    where screenshots go (default test-results/)
// The whole environment, PLANEWISE_TEST_* included, reaches the extension host.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { ensureVsCodeHost } from './ensure.mjs';
import { QUIET_SETTINGS, fileSafe, launchChromium, resultsDir, startCodeServer, tempDir, workbenchUrl, writeUserSettings } from './host.mjs';

const DEFAULT_TIMEOUT_MS = 5 * 60 * 1000;

/** Parses the VS Code command line runTests builds. Exported for its unit test. */
export function parseArgs(argv) {
  const parsed = { extensionDevelopmentPaths: [], extensionTestsPath: undefined, userDataDir: undefined, extensionsDir: undefined, disableExtensions: false, folder: undefined };
  const withValue = new Map([
    ['--extensionDevelopmentPath', (value) => parsed.extensionDevelopmentPaths.push(path.resolve(value))],
    ['--extensionTestsPath', (value) => (parsed.extensionTestsPath = path.resolve(value))],
    ['--user-data-dir', (value) => (parsed.userDataDir = path.resolve(value))],
    ['--extensions-dir', (value) => (parsed.extensionsDir = path.resolve(value))],
  ]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inlineValue] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const setter = withValue.get(name);
    if (setter) {
      const value = inlineValue ?? argv[++i];
      if (value === undefined) throw new Error(`${name} needs a value`);
      setter(value);
    } else if (name === '--disable-extensions') {
      parsed.disableExtensions = true;
    } else if (!arg.startsWith('-')) {
      if (parsed.folder !== undefined) throw new Error(`only one folder or workspace can be opened, got ${parsed.folder} and ${arg}`);
      parsed.folder = path.resolve(arg);
    }
  }
  if (!parsed.extensionTestsPath) throw new Error('--extensionTestsPath is required: this executable only runs extension tests');
  return parsed;
}

function timeoutFromEnv(env) {
  const raw = env.PLANEWISE_VSCODE_TIMEOUT_MS;
  if (raw === undefined || raw === '') return DEFAULT_TIMEOUT_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`PLANEWISE_VSCODE_TIMEOUT_MS must be a positive integer of milliseconds, got "${raw}"`);
  return value;
}

// The workbench's own start-up chatter and its browser-side errors, which
// reach codeAutomationLog together with the extension host's output; shown
// only with PLANEWISE_VSCODE_VERBOSE=1 so that the test report stays readable.
const WORKBENCH_CHATTER = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^\[(reconnection-grace-time|Service Worker|AccountPolicyGate|AgentHost[^\]]*|DefaultAccount)\]/,
  /^(Ignoring fetching|Updating) additional builtin extensions/,
  /^No search provider registered/,
  /^Creation of workbench contribution/,
  /\/static\/out\/vs\/(code|workbench)\/browser\//,
];

export function isWorkbenchChatter(line) {
  return WORKBENCH_CHATTER.some((pattern) => pattern.test(line));
}

/** Formats one `codeAutomationLog(type, args)` call as the extension host printed it (console.log's printf-style arguments). */
export function formatLogArgs(args) {
  return format(...(Array.isArray(args) ? args : [args]));
}

async function runExtensionTests(options, env) {
  const verbose = env.PLANEWISE_VSCODE_VERBOSE === '1';
  const timeoutMs = timeoutFromEnv(env);
  for (const dir of options.extensionDevelopmentPaths) if (!existsSync(dir)) throw new Error(`--extensionDevelopmentPath ${dir} does not exist`);
  if (!existsSync(options.extensionTestsPath) && !existsSync(`${options.extensionTestsPath}.js`)) {
    throw new Error(`--extensionTestsPath ${options.extensionTestsPath} does not exist`);
  }
  if (options.folder && !existsSync(options.folder)) throw new Error(`folder to open ${options.folder} does not exist`);

  const host = await ensureVsCodeHost({ log: (line) => console.error(line), env });
  const state = tempDir('vscode-host');
  const userDataDir = options.userDataDir ?? path.join(state.dir, 'user-data');
  // --disable-extensions: an empty extensions folder leaves only the extension under test.
  const extensionsDir = options.disableExtensions || !options.extensionsDir ? path.join(state.dir, 'extensions') : options.extensionsDir;
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, QUIET_SETTINGS);

  let server;
  let browser;
  let page;
  let timer;
  try {
    server = await startCodeServer({
      host,
      userDataDir,
      extensionsDir,
      stateDir: state.dir,
      smokeTestDriver: true,
      env,
      log: verbose ? (text) => process.stderr.write(`[code-server] ${text}`) : undefined,
    });
    browser = await launchChromium(env);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    if (verbose) page.on('console', (message) => console.error(`[browser ${message.type()}] ${message.text()}`));

    let testsDone = false;
    const finished = new Promise((resolve) => {
      // Both must exist before the workbench loads: it looks for them once.
      page.exposeFunction('codeAutomationExit', (code) => {
        testsDone = true;
        resolve(Number(code));
      });
      page.exposeFunction('codeAutomationLog', (type, args) => {
        const line = formatLogArgs(args);
        // After the exit code, only the workbench's shutdown noise follows.
        if (!verbose && (testsDone || isWorkbenchChatter(line))) return;
        if (type === 'error' || type === 'warn') console.error(line);
        else console.log(line);
      });
    });
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    // Ctrl+C (runTests forwards it as SIGINT) still ends code-server and Chromium.
    const interrupted = new Promise((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    const url = workbenchUrl(server.baseUrl, {
      folder: options.folder,
      extensionDevelopmentPaths: options.extensionDevelopmentPaths,
      extensionTestsPath: options.extensionTestsPath,
    });
    await page.goto(url);
    const result = await Promise.race([finished, timedOut, interrupted]);
    if (result === 'SIGINT' || result === 'SIGTERM') {
      console.error(`vscode-host: stopped by ${result}`);
      return 130;
    }
    if (result === 'timeout') {
      const shot = path.join(resultsDir(env), `${fileSafe(`vscode-host-timeout-${new Date().toISOString()}`)}.png`);
      await page.screenshot({ path: shot }).catch(() => undefined);
      console.error(`vscode-host: the extension tests did not finish within ${timeoutMs / 1000} s (PLANEWISE_VSCODE_TIMEOUT_MS); screenshot: ${shot}`);
      if (!verbose) console.error(`--- code-server output ---\n${server.output()}`);
      return 1;
    }
    return result;
  } finally {
    clearTimeout(timer);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    state.remove();
  }
}

async function main() {
  let code = 1;
  try {
    code = await runExtensionTests(parseArgs(process.argv.slice(2)), process.env);
  } catch (error) {
    console.error(`vscode-host: ${error instanceof Error ? error.message : error}`);
  }
  process.exit(code);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
