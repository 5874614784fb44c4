import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { type InputFs, UnreadableInputError, resolveTraceInputs } from './inputs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-inputs-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '{"kind":"header","schema":"planewise.trace","version":"1.0","producer":{"name":"t"}}\n');
  return file;
}

test('a directory with a link to itself or an ancestor is searched once, each file listed once', async () => {
  write('loop/a.trace.jsonl');
  write('loop/sub/b.trace.jsonl');
  fs.symlinkSync('.', path.join(dir, 'loop', 'self'));
  fs.symlinkSync('..', path.join(dir, 'loop', 'sub', 'up'));
  const sources = await resolveTraceInputs(['loop'], dir);
  assert.deepEqual(sources.map((source) => source.name), ['loop/a.trace.jsonl', 'loop/sub/b.trace.jsonl']);
});

test('the same file reached twice (named twice, a link and its target, a linked directory) is read once', async () => {
  const target = write('same/run.trace.jsonl');
  fs.symlinkSync(target, path.join(dir, 'same', 'link.trace.jsonl'));
  fs.symlinkSync(path.join(dir, 'same'), path.join(dir, 'same-too'));
  const sources = await resolveTraceInputs(['same/run.trace.jsonl', 'same', 'same-too', 'same/link.trace.jsonl'], dir);
  assert.deepEqual(sources.map((source) => source.name), ['same/run.trace.jsonl']);
});

test('a subdirectory that cannot be read is an error naming it, not a silent skip', async () => {
  write('locked/ok.trace.jsonl');
  write('locked/private/hidden.trace.jsonl');
  const denied: InputFs = {
    readdirSync: (directory, options) => {
      if (directory.endsWith(`${path.sep}private`)) throw Object.assign(new Error(`EACCES: permission denied, scandir '${directory}'`), { code: 'EACCES' });
      return fs.readdirSync(directory, options);
    },
    statSync: (file) => fs.statSync(file),
    realpathSync: (file) => fs.realpathSync(file),
  };
  await assert.rejects(resolveTraceInputs(['locked'], dir, denied), (error: Error) => {
    assert.ok(error instanceof UnreadableInputError);
    assert.equal(error.message, `${path.join('locked', 'private')}: cannot be read (EACCES)`);
    return true;
  });
});

test('a dangling link named like a trace file is an error; one with another name is ignored', async () => {
  write('dangling/ok.trace.jsonl');
  fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'dangling', 'notes.txt'));
  assert.equal((await resolveTraceInputs(['dangling'], dir)).length, 1);
  fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'dangling', 'lost.trace.jsonl'));
  await assert.rejects(resolveTraceInputs(['dangling'], dir), /^UnreadableInputError|dangling\/lost\.trace\.jsonl: cannot be read \(ENOENT\)/);
});

test('a directory search finds CloudTrail deliveries and Kubernetes audit logs by name, not digests or other AWS logs', async () => {
  const wanted = [
    'aws/AWSLogs/111122223333/CloudTrail/us-east-1/2025/01/07/111122223333_CloudTrail_us-east-1_20250107T1000Z_a1.json.gz',
    'aws/AWSLogs/o-abc/111122223333/CloudTrail/eu-west-1/2025/01/07/renamed.json.gz',
    'aws/downloads/111122223333_CloudTrail_us-east-1_20250107T1005Z_b2.json.gz',
    'k8s/audit.log',
    'k8s/audit-2025-01-07T10-00-00.000.log.gz',
    'k8s/kube-apiserver-audit.log',
    'k8s/prod.audit.jsonl',
  ];
  const ignored = [
    'aws/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/01/07/111122223333_CloudTrail-Digest_us-east-1_x_20250107T1000Z.json.gz',
    'aws/AWSLogs/111122223333/Config/us-east-1/2025/1/7/ConfigHistory/111122223333_Config_us-east-1_ConfigHistory_x.json.gz',
    'aws/AWSLogs/111122223333/elasticloadbalancing/us-east-1/2025/01/07/x.log.gz',
    'k8s/auditing.log',
    'k8s/notes.json.gz',
  ];
  for (const file of [...wanted, ...ignored]) write(`search/${file}`);
  const sources = await resolveTraceInputs(['search'], dir);
  assert.deepEqual(sources.map((source) => source.name), wanted.map((file) => path.join('search', file)).sort());
});

test('a Collector directory: protobuf, zstd and rotated backups are found, each rotated set oldest first and the live file last', async () => {
  const names = [
    'collector/traces.otlp.pb',
    'collector/traces.otlp-2025-04-30T15-00-00.000-size.pb',
    'collector/traces.otlp-2025-04-30T09-12-00.000-size.pb',
    'collector/json/traces.otlp.json',
    'collector/json/traces.otlp-2022-09-14T05-02-14.173.json',
    'collector/zst/traces.otlp.proto.zst',
    'collector/zst/traces.otlp.proto-2025-05-01T10-30-00.000-time.zst',
    'collector/zst/spans.otlp.json.zst',
    'collector/other/traces.pb',
    'collector/other/traces.otlp-old.pb',
  ];
  for (const name of names) write(name);
  const sources = await resolveTraceInputs(['collector'], dir);
  assert.deepEqual(
    sources.map((source) => source.name),
    [
      'collector/json/traces.otlp-2022-09-14T05-02-14.173.json',
      'collector/json/traces.otlp.json',
      'collector/traces.otlp-2025-04-30T09-12-00.000-size.pb',
      'collector/traces.otlp-2025-04-30T15-00-00.000-size.pb',
      'collector/traces.otlp.pb',
      'collector/zst/spans.otlp.json.zst',
      'collector/zst/traces.otlp.proto-2025-05-01T10-30-00.000-time.zst',
      'collector/zst/traces.otlp.proto.zst',
    ],
  );
});
