// Runs the built `planewise` binary on the files the OpenTelemetry Collector's file exporter writes in
// every format: each command gives the same answer from protobuf and zstd as from OTLP/JSON.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { COLLECTOR_FORMS, collectorFile, lengthPrefixed, protoBatch, recordBatches } from '../trace/testing/collectorFiles';
import { cliBinary as binary, ensureFreshCli } from './testing';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-collector-cli-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
before(ensureFreshCli);

/** The file each form is written to, as an exporter with that format (and rotation) would name it. */
const NAMES = {
  json: 'json/traces.otlp.json',
  proto: 'proto/traces.otlp.pb',
  'json+zstd': 'json-zstd/traces.otlp.json',
  'proto+zstd': 'proto-zstd/traces.otlp.pb',
  'json+native-zstd': 'json-native/traces.otlp.json.zst',
  'proto+native-zstd': 'proto-native/traces.otlp.pb.zst',
} as const;

const batches = recordBatches(9);

before(async () => {
  for (const form of COLLECTOR_FORMS) {
    fs.mkdirSync(path.join(dir, path.dirname(NAMES[form])), { recursive: true });
    fs.writeFileSync(path.join(dir, NAMES[form]), await collectorFile(batches, form));
  }
  // A rotated set: the same spans split over two backups and the live file.
  fs.mkdirSync(path.join(dir, 'rotated'));
  const records = batches.map((spans) => lengthPrefixed(protoBatch(spans)));
  fs.writeFileSync(path.join(dir, 'rotated/traces.otlp-2025-04-30T09-00-00.000-size.pb'), Buffer.concat(records.slice(0, 3)));
  fs.writeFileSync(path.join(dir, 'rotated/traces.otlp-2025-04-30T10-00-00.000-size.pb'), Buffer.concat(records.slice(3, 7)));
  fs.writeFileSync(path.join(dir, 'rotated/traces.otlp.pb'), Buffer.concat(records.slice(7)));
});

function planewise(args: string[]) {
  const result = spawnSync(process.execPath, [binary, ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A command's JSON output without what it says about its input files, which differ by form and by count. */
function answer(args: string[], input: string): unknown {
  const run = planewise([...args, '--format', 'json', input]);
  assert.equal(run.stderr, '', `${args.join(' ')} ${input}`);
  return withoutInputs(JSON.parse(run.stdout) as Record<string, unknown>);
}

function withoutInputs(output: Record<string, unknown>): Record<string, unknown> {
  const { before: _before, after: _after, inputs, files: _files, generatedAt: _generatedAt, ...rest } = output;
  const totals = inputs as { events?: number; invalid?: number } | undefined;
  return { ...rest, ...(totals === undefined ? {} : { events: totals.events, invalid: totals.invalid }) };
}

const inputs = ['rotated', ...COLLECTOR_FORMS.map((form) => path.dirname(NAMES[form]))];

test('summarize, policy and report answer the same from every form and from a rotated set', () => {
  for (const command of [['summarize'], ['policy'], ['report']]) {
    const reference = answer(command, 'json');
    for (const input of inputs) assert.deepEqual(answer(command, input), reference, `${command[0]} ${input}`);
  }
  const rotated = JSON.parse(planewise(['summarize', '--format', 'json', 'rotated']).stdout) as { inputs: { files: { name: string; events: number }[] } };
  assert.deepEqual(
    rotated.inputs.files.map((file) => file.name),
    ['rotated/traces.otlp-2025-04-30T09-00-00.000-size.pb', 'rotated/traces.otlp-2025-04-30T10-00-00.000-size.pb', 'rotated/traces.otlp.pb'],
  );
});

test('diff of the JSON form against each other form finds no difference; drift answers the same from every form', () => {
  const policyFile = path.join(dir, 'declared.json');
  const policy = planewise(['policy', '--format', 'json', '-o', policyFile, 'json']);
  assert.equal(policy.code, 0, policy.stderr);
  const unchanged = answer(['diff', 'json'], 'json');
  const drift = answer(['drift', '--policy', policyFile], 'json');
  for (const input of inputs) {
    assert.deepEqual(answer(['diff', 'json'], input), unchanged, `diff json ${input}`);
    assert.deepEqual(answer(['drift', '--policy', policyFile], input), drift, `drift ${input}`);
  }
  assert.match(planewise(['diff', 'json', 'proto-native']).stdout, /^Services\n\nOperations\n\nPermissions \(allowed\)\n\nDenials\n$/);
});

test('a damaged record is listed as file:record N on stderr and the command still answers from the rest', () => {
  const records = batches.map((spans) => lengthPrefixed(protoBatch(spans)));
  const damaged = Buffer.from(records[1]!);
  damaged[4] = 0x0f;
  fs.mkdirSync(path.join(dir, 'damaged'));
  fs.writeFileSync(path.join(dir, 'damaged/traces.otlp.pb'), Buffer.concat([records[0]!, damaged, ...records.slice(2)]));
  const run = planewise(['summarize', 'damaged']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^damaged\/traces\.otlp\.pb:record 2: not an OTLP\/protobuf ExportTraceServiceRequest: /m);
  assert.match(run.stdout, /invalid lines 1/);
});
