// The pieces shared by the test launcher (launch.mjs, a VS Code "executable"
// for @vscode/test-electron) and the UI end-to-end harness
// (client/test/e2e/harness.ts): start code-server on loopback, install an
// extension into it, and drive its workbench with headless Chromium.
// Types: host.d.mts.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** User settings that keep the workbench quiet: no AI menus, welcome pages, telemetry or update checks. */
export const QUIET_SETTINGS = Object.freeze({
  'chat.disableAIFeatures': true,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
});

// Headless as root on a machine without GPU; the networking flags stop
// Chromium from calling home on a closed network.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const SERVER_READY = /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+)\/?)/;
const SERVER_START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 3_000;
// Never part of an installed extension; test-results may sit inside the folder being copied.
const NOT_SHIPPED = new Set(['node_modules', '.git', '.vscode-test', 'test-results']);

/** Where screenshots and logs of failed runs go: `PLANEWISE_TEST_RESULTS_DIR`, else test-results/ at the repository root. */
export function resultsDir(env = process.env) {
  const dir = env.PLANEWISE_TEST_RESULTS_DIR ? path.resolve(env.PLANEWISE_TEST_RESULTS_DIR) : path.join(repoRoot, 'test-results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A file name safe for any file system, from a free-form label. */
export function fileSafe(label) {
  return label.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'unnamed';
}

/**
 * Copies a workspace for tests that edit files. The copy links the
 * repository's node_modules, so TypeScript in the copy resolves @types/node
 * exactly as the original does inside the repository.
 */
export function copyWorkspace(source, target) {
  cpSync(source, target, { recursive: true });
  const modules = path.join(repoRoot, 'node_modules');
  if (existsSync(modules) && !existsSync(path.join(target, 'node_modules'))) symlinkSync(modules, path.join(target, 'node_modules'), 'dir');
}

/** A fresh temp folder; `remove()` deletes it. */
export function tempDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `planewise-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Merges `settings` into the user settings.json of a VS Code user-data-dir. */
export function writeUserSettings(userDataDir, settings) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  mkdirSync(path.dirname(file), { recursive: true });
  let existing = {};
  if (existsSync(file)) {
    try {
      existing = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`cannot merge test settings into ${file}: it is not plain JSON (${error.message})`);
    }
  }
  writeFileSync(file, JSON.stringify({ ...existing, ...settings }, null, 2) + '\n');
}

/**
 * The environment code-server runs with: the caller's (so PLANEWISE_TEST_*
 * variables reach the extension host), with every XDG folder under `stateDir`
 * so nothing is written to $HOME, and no extension gallery (no network).
 */
function codeServerEnv(host, stateDir, env) {
  const result = {
    ...env,
    // Node 24 first: code-server and its extension host refuse other majors.
    PATH: `${path.dirname(host.nodeBinary)}${path.delimiter}${env.PATH ?? ''}`,
    XDG_CONFIG_HOME: path.join(stateDir, 'config'),
    XDG_DATA_HOME: path.join(stateDir, 'data'),
    XDG_CACHE_HOME: path.join(stateDir, 'cache'),
    EXTENSIONS_GALLERY: '{}',
  };
  // These configure the calling Node process, not VS Code's.
  delete result.NODE_OPTIONS;
  delete result.NODE_TEST_CONTEXT;
  return result;
}

function profileArgs({ userDataDir, extensionsDir, stateDir }) {
  const config = path.join(stateDir, 'config.yaml');
  if (!existsSync(config)) writeFileSync(config, 'auth: none\ncert: false\n');
  return ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--config', config];
}

/**
 * Starts code-server on 127.0.0.1 with a port the OS picks. Resolves once it
 * listens. `smokeTestDriver` enables the test payload in the workbench URL
 * (how extension tests are run in a browser workbench).
 */
export async function startCodeServer({ host, userDataDir, extensionsDir, stateDir, smokeTestDriver = false, env = process.env, log }) {
  const args = [
    host.codeServerEntry,
    '--bind-addr', '127.0.0.1:0',
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--disable-proxy',
    ...profileArgs({ userDataDir, extensionsDir, stateDir }),
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  // Its own process group, so stop() also ends the extension host and watchers it spawns.
  const child = spawn(host.nodeBinary, args, { env: codeServerEnv(host, stateDir, env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`code-server did not start within ${SERVER_START_TIMEOUT_MS / 1000} s`)), SERVER_START_TIMEOUT_MS);
    function fail(error) {
      clearTimeout(timer);
      killGroup(child, 'SIGKILL');
      reject(new Error(`${error.message}\n--- code-server output ---\n${output}`));
    }
    function onData(chunk) {
      const text = chunk.toString();
      output += text;
      log?.(text);
      const ready = SERVER_READY.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${ready[2]}`);
      }
    }
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', fail);
    exited.then(({ code, signal }) => fail(new Error(`code-server exited before listening (${signal ?? `exit code ${code}`})`)));
  });

  let stopping;
  return {
    baseUrl,
    output: () => output,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
        // Children that ignored SIGTERM go with the group.
        killGroup(child, 'SIGKILL');
      })();
      return stopping;
    },
  };
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

/** Installs a packaged extension (.vsix) into `extensionsDir` with code-server's own CLI. */
export async function installVsix({ host, vsix, userDataDir, extensionsDir, stateDir, env = process.env }) {
  if (!existsSync(vsix)) throw new Error(`no extension package at ${vsix}`);
  const args = [host.codeServerEntry, ...profileArgs({ userDataDir, extensionsDir, stateDir }), '--install-extension', vsix, '--force'];
  const child = spawn(host.nodeBinary, args, { env: codeServerEnv(host, stateDir, env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsix} failed (exit code ${code}):\n${output}`);
  }
}

/**
 * Installs an unpacked extension folder the way VS Code lays out installed
 * extensions: a copy named `publisher.name-version` (code-server's
 * --install-extension accepts only .vsix files). Like a .vsix built with
 * --no-dependencies, the copy leaves out node_modules: the extension runs
 * from its bundles.
 */
export function installExtensionFolder({ folder, extensionsDir }) {
  const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8'));
  for (const field of ['publisher', 'name', 'version']) {
    if (typeof manifest[field] !== 'string') throw new Error(`${folder}/package.json has no "${field}": not an extension`);
  }
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  cpSync(folder, target, { recursive: true, filter: (source) => !NOT_SHIPPED.has(path.basename(source)) });
  return target;
}

/** A `vscode-remote:` URI for a path on the code-server machine, as the test payload expects. */
export function remoteUri(baseUrl, absolutePath) {
  const { host } = new URL(baseUrl);
  return `vscode-remote://${host}${path.resolve(absolutePath).split(path.sep).map(encodeURIComponent).join('/')}`;
}

/**
 * The workbench URL opening `folder` (or a `.code-workspace` file) and, for
 * extension tests, carrying the development extension and test entry point.
 */
export function workbenchUrl(baseUrl, { folder, extensionDevelopmentPaths = [], extensionTestsPath } = {}) {
  const url = new URL(baseUrl);
  if (folder) url.searchParams.set(folder.endsWith('.code-workspace') ? 'workspace' : 'folder', path.resolve(folder));
  const payload = extensionDevelopmentPaths.map((dir) => ['extensionDevelopmentPath', remoteUri(baseUrl, dir)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(baseUrl, extensionTestsPath)]);
  if (payload.length > 0) url.searchParams.set('payload', JSON.stringify(payload));
  return url.href;
}

/** Headless Chromium: `PLANEWISE_CHROMIUM`, else the Debian package's /usr/bin/chromium. */
export async function launchChromium(env = process.env) {
  const executablePath = env.PLANEWISE_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: run "node scripts/system-deps.mjs", or set PLANEWISE_CHROMIUM`);
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
