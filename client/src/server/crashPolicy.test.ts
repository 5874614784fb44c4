import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CrashPolicy } from './crashPolicy';

describe('server crash policy', () => {
  it('restarts with a doubling pause and gives up after repeated crashes', () => {
    const policy = new CrashPolicy(4, 60_000, 100, 1_000);
    assert.deepEqual(policy.onCrash(0), { restart: true, delayMs: 100, recentCrashes: 1 });
    assert.deepEqual(policy.onCrash(10), { restart: true, delayMs: 200, recentCrashes: 2 });
    assert.deepEqual(policy.onCrash(20), { restart: true, delayMs: 400, recentCrashes: 3 });
    assert.deepEqual(policy.onCrash(30), { restart: false, delayMs: 0, recentCrashes: 4 });
  });

  it('forgets crashes older than the window and after a manual restart', () => {
    const policy = new CrashPolicy(3, 1_000, 100, 150);
    policy.onCrash(0);
    policy.onCrash(10);
    assert.equal(policy.onCrash(5_000).recentCrashes, 1);
    assert.equal(policy.onCrash(5_010).delayMs, 150, 'the pause is capped');
    policy.reset();
    assert.equal(policy.onCrash(5_020).recentCrashes, 1);
  });
});
