import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installCommand, isPresent, plan, SYSTEM_PACKAGES } from './system-deps.mjs';

describe('system-deps plan', () => {
  const missing = ['chromium', 'libkrb5-dev'];

  it('does nothing when nothing is missing', () => {
    assert.deepEqual(plan({ missing: [], isRoot: false, canSudo: false, hasApt: false }), { action: 'none' });
  });

  it('installs as root, and through passwordless sudo otherwise', () => {
    assert.deepEqual(plan({ missing, isRoot: true, canSudo: false, hasApt: true }), {
      action: 'install',
      argv: [
        ['apt-get', 'update', '-qq'],
        ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium', 'libkrb5-dev'],
      ],
    });
    const viaSudo = plan({ missing, isRoot: false, canSudo: true, hasApt: true });
    assert.equal(viaSudo.action, 'install');
    assert.ok(viaSudo.action === 'install' && viaSudo.argv.every((argv) => argv[0] === 'sudo' && argv[1] === '-n'));
  });

  it('stops at once with one line naming the exact command when it may not install', () => {
    const decision = plan({ missing, isRoot: false, canSudo: false, hasApt: true });
    assert.deepEqual(decision, {
      action: 'stop',
      message: 'system-deps: missing chromium, libkrb5-dev; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium libkrb5-dev',
    });
    assert.equal(installCommand(['jq']), 'sudo apt-get update && sudo apt-get install -y --no-install-recommends jq');
  });

  it('names the packages on a machine without apt-get', () => {
    const decision = plan({ missing, isRoot: true, canSudo: false, hasApt: false });
    assert.equal(decision.action, 'stop');
    assert.match(decision.action === 'stop' ? decision.message : '', /^system-deps: missing chromium, libkrb5-dev and no apt-get here/);
  });

  it('finds a package by what it provides, and a missing one as missing', () => {
    const nvim = SYSTEM_PACKAGES.find((pkg) => pkg.name === 'neovim')!;
    assert.equal(isPresent(nvim, { PATH: '/nonexistent' }), false);
    const chromium = SYSTEM_PACKAGES.find((pkg) => pkg.name === 'chromium')!;
    assert.equal(isPresent(chromium, { PATH: '', PLANEWISE_CHROMIUM: process.execPath }), true);
    assert.equal(isPresent(chromium, { PATH: '', PLANEWISE_CHROMIUM: '/nonexistent/chromium' }), false);
  });
});
