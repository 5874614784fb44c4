// The Debian packages the tests (and the benchmarks) need, checked by what
// they provide rather than by package name, so any distribution that provides
// the same files passes. `npm test` runs this first: a missing package is
// installed when this process may (root, or passwordless sudo); otherwise it
// stops at once with one line naming the exact command to run.
//
//   node scripts/system-deps.mjs          what the tests need
//   node scripts/system-deps.mjs bench    what the benchmarks need too
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Each package with the file that proves it is there, and who needs it. */
export const SYSTEM_PACKAGES = [
  { name: 'chromium', provides: 'the headless browser that drives the real VS Code', probe: { program: 'chromium', file: '/usr/bin/chromium' }, for: 'test' },
  { name: 'libkrb5-dev', provides: 'gssapi/gssapi.h, which a native module of the VS Code server compiles against', probe: { file: '/usr/include/gssapi/gssapi.h' }, for: 'test' },
  { name: 'neovim', provides: 'nvim, the second LSP client of the language-server tests', probe: { program: 'nvim' }, for: 'test' },
  { name: 'python3-distributed', provides: 'Dask, the cluster the distributed-shards test runs planewise on', probe: { file: '/usr/lib/python3/dist-packages/distributed/__init__.py' }, for: 'test' },
  { name: 'jq', provides: 'jq, a peer in the trace benchmarks', probe: { program: 'jq' }, for: 'bench' },
];

const APT_FLAGS = ['install', '-y', '-qq', '--no-install-recommends'];

function onPath(program, env) {
  return (env.PATH ?? '').split(path.delimiter).some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Whether a package's probe is satisfied on this machine. `PLANEWISE_CHROMIUM` stands in for the chromium package. */
export function isPresent(pkg, env = process.env) {
  if (pkg.name === 'chromium' && env.PLANEWISE_CHROMIUM) return existsSync(env.PLANEWISE_CHROMIUM);
  if (pkg.probe.file !== undefined && existsSync(pkg.probe.file)) return true;
  return pkg.probe.program !== undefined && onPath(pkg.probe.program, env);
}

/** The exact command a person runs to install `names`. */
export function installCommand(names) {
  return `sudo apt-get update && sudo apt-get ${APT_FLAGS.filter((flag) => flag !== '-qq').join(' ')} ${names.join(' ')}`;
}

/**
 * What to do about the missing packages, from facts about this machine.
 * @param {{ missing: string[], isRoot: boolean, canSudo: boolean, hasApt: boolean }} machine
 * @returns {{ action: 'none' } | { action: 'install', argv: string[][] } | { action: 'stop', message: string }}
 */
export function plan({ missing, isRoot, canSudo, hasApt }) {
  if (missing.length === 0) return { action: 'none' };
  if (!hasApt) {
    return { action: 'stop', message: `system-deps: missing ${missing.join(', ')} and no apt-get here: install the equivalent packages of your distribution, then run the tests again` };
  }
  if (!isRoot && !canSudo) {
    return { action: 'stop', message: `system-deps: missing ${missing.join(', ')}; run: ${installCommand(missing)}` };
  }
  const sudo = isRoot ? [] : ['sudo', '-n'];
  return { action: 'install', argv: [[...sudo, 'apt-get', 'update', '-qq'], [...sudo, 'apt-get', ...APT_FLAGS, ...missing]] };
}

function machineFacts(missing, env) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const canSudo = !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  return { missing, isRoot, canSudo, hasApt: onPath('apt-get', env) };
}

/** Checks (and where allowed installs) the packages for `purpose`; returns a message on failure, else undefined. */
export function ensureSystemDeps(purpose = 'test', { env = process.env, log = (line) => console.log(line) } = {}) {
  const wanted = SYSTEM_PACKAGES.filter((pkg) => pkg.for === 'test' || purpose === 'bench');
  const missing = wanted.filter((pkg) => !isPresent(pkg, env)).map((pkg) => pkg.name);
  const decision = plan(machineFacts(missing, env));
  if (decision.action === 'none') return undefined;
  if (decision.action === 'stop') return decision.message;
  log(`system-deps: installing ${missing.join(', ')} (${wanted.filter((pkg) => missing.includes(pkg.name)).map((pkg) => pkg.provides).join('; ')})`);
  for (const argv of decision.argv) {
    const run = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (run.status !== 0) return `system-deps: \`${argv.join(' ')}\` failed (${run.error?.message ?? `exit code ${run.status}`}); run it by hand to see why`;
  }
  const stillMissing = wanted.filter((pkg) => !isPresent(pkg, env)).map((pkg) => pkg.name);
  if (stillMissing.length > 0) return `system-deps: installed, but ${stillMissing.join(', ')} still not found (looked for ${stillMissing.map((name) => JSON.stringify(SYSTEM_PACKAGES.find((pkg) => pkg.name === name).probe)).join(', ')})`;
  return undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const purpose = process.argv[2] ?? 'test';
  if (purpose !== 'test' && purpose !== 'bench') {
    console.error(`system-deps: unknown purpose ${purpose}; use test or bench`);
    process.exit(2);
  }
  const failure = ensureSystemDeps(purpose);
  if (failure !== undefined) {
    console.error(failure);
    process.exit(1);
  }
}
