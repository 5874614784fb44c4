import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runJob } from './jobs';
import type { JobOptions } from './workerProtocol';

const root = path.resolve(__dirname, '..', '..', '..');
const traces = path.join(root, 'test-workspace', 'traces');
const options: JobOptions = { cwd: root, maxLineBytes: 1 << 20, maxProblems: 100, maxFiles: 1000, shardWorker: path.join(root, 'analysis-core', 'dist', 'trace-worker.js') };
const noProgress = () => undefined;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-jobs-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('trace command jobs', () => {
  it('summarizes a folder of traces into Markdown', async () => {
    const result = await runJob({ kind: 'summary', inputs: [traces] }, options, noProgress);
    assert.equal(result.language, 'markdown');
    assert.ok(result.files >= 3);
    assert.match(result.text, /^# Trace summary/);
    assert.match(result.text, /\| Service \| Operation \|/);
  });

  it('generates a policy document per principal', async () => {
    const result = await runJob({ kind: 'policy', inputs: [path.join(traces, 'run-1.trace.jsonl')] }, options, noProgress);
    const policies = JSON.parse(result.text) as { principals: { principal: string; policy: { Statement: unknown[] } }[] };
    assert.ok(policies.principals.length > 0);
    assert.ok(policies.principals.some((entry) => entry.policy.Statement.length > 0));
  });

  it('compares two runs and checks drift against the declared policy', async () => {
    const diff = await runJob({ kind: 'diff', before: [path.join(traces, 'run-1.trace.jsonl')], after: [path.join(traces, 'run-2.trace.jsonl')] }, options, noProgress);
    assert.match(diff.text, /^# Trace comparison/);
    assert.match(diff.text, /\| (added|removed|changed) \|/);
    // A policy generated from run 1 is a declared policy drift can read.
    const policy = await runJob({ kind: 'policy', inputs: [path.join(traces, 'run-1.trace.jsonl')] }, options, noProgress);
    const policyFile = path.join(scratch, 'run-1.policy.json');
    fs.writeFileSync(policyFile, policy.text);
    const drift = await runJob({ kind: 'drift', policyFile, inputs: [path.join(traces, 'run-2.trace.jsonl')] }, options, noProgress);
    assert.match(drift.text, /## Denied but needed/);
    assert.match(drift.headline, /drift finding|No drift/);
  });

  it('refuses a malformed declared policy and too many files with a clear error', async () => {
    const malformed = path.join(scratch, 'malformed.json');
    fs.writeFileSync(malformed, '{"Statement": 5}');
    await assert.rejects(runJob({ kind: 'drift', policyFile: malformed, inputs: [traces] }, options, noProgress), /malformed\.json: Statement\[0\] is not an object/);
    await assert.rejects(runJob({ kind: 'drift', policyFile: path.join(scratch, 'missing.json'), inputs: [traces] }, options, noProgress), /missing\.json: cannot read the policy \(ENOENT\)/);
    await assert.rejects(runJob({ kind: 'summary', inputs: [traces] }, { ...options, maxFiles: 1 }, noProgress), /planewise\.traceReader\.maxFiles/);
  });

  it('renders the compliance report as HTML with every trace value escaped', async () => {
    const result = await runJob({ kind: 'report', inputs: [path.join(traces, 'malicious.trace.jsonl')], format: 'html' }, options, noProgress);
    assert.equal(result.language, 'html');
    assert.ok(!/<img src=x/i.test(result.text), 'no live markup from the trace');
    assert.ok(!/<script>alert/i.test(result.text));
  });
});
