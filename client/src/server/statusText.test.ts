import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatusParams } from '@planewise/server/protocol';
import { describeLifecycle, describePlanes, describeStatus } from './statusText';

const idle: StatusParams = {
  state: 'idle',
  planes: { intelligence: 7, data: 12, control: 0 },
  filesChecked: 1,
  findings: 3,
  lastCheckMs: 84.6,
  lastCheckAt: 0,
};

describe('language status text', () => {
  it('lists detected planes in plane order and leaves out empty ones', () => {
    assert.equal(describePlanes(idle.planes), 'data 12, intelligence 7');
    assert.equal(describePlanes({}), 'no planes detected');
  });

  it('shows planes, files checked and the last check time when idle', () => {
    const view = describeStatus(idle, () => '12:00:05');
    assert.equal(view.text, 'Planewise: 3 findings');
    assert.equal(view.detail, 'Planes: data 12, intelligence 7 · 1 file, 3 findings · checked at 12:00:05 in 85 ms');
    assert.equal(view.busy, false);
  });

  it('is busy while checking and says when nothing was checked yet', () => {
    const view = describeStatus({ ...idle, state: 'checking', lastCheckAt: undefined }, () => 'never');
    assert.equal(view.busy, true);
    assert.ok(view.detail.endsWith('not checked yet'));
  });

  it('says starting, running and stopped for the server lifecycle, busy only while starting', () => {
    assert.deepEqual(
      (['starting', 'running', 'stopped'] as const).map((state) => [describeLifecycle(state).text, describeLifecycle(state).busy]),
      [
        ['Planewise: starting', true],
        ['Planewise: running', false],
        ['Planewise: stopped', false],
      ],
    );
  });

  it('shows the server message on error', () => {
    const view = describeStatus({ ...idle, state: 'error', message: 'planewise.config.json: unknown rule "x"' }, String);
    assert.equal(view.isError, true);
    assert.equal(view.detail, 'planewise.config.json: unknown rule "x"');
  });

  it('warns in the text when many imports did not resolve, and says why in the detail', () => {
    const view = describeStatus({ ...idle, resolutionWarning: '40 of 200 aliased imports did not resolve' }, () => '12:00:05');
    assert.equal(view.text, 'Planewise: 3 findings $(warning) imports unresolved');
    assert.ok(view.detail.startsWith('40 of 200 aliased imports did not resolve · Planes:'));
    assert.equal(view.isWarning, true);
    assert.equal(describeStatus(idle, String).isWarning, false);
  });
});
