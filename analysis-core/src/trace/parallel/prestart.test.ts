import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_PARALLEL_MIN_BYTES, prestartForArguments, prestartWorkers, takePrestartedWorker } from './prestart';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planewise-prestart-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a worker is started ahead only for a large file named directly and more than one job, and then waits for its task', { skip: os.availableParallelism() < 2 && 'one CPU: never more than one job' }, async () => {
  // Echoes its task: the way trace-worker.js waits for one.
  const script = path.join(dir, 'echo-worker.js');
  fs.writeFileSync(script, "require('node:worker_threads').parentPort.once('message', (task) => require('node:worker_threads').parentPort.postMessage(task));");
  const large = path.join(dir, 'large.trace.jsonl');
  fs.writeFileSync(large, '');
  fs.truncateSync(large, DEFAULT_PARALLEL_MIN_BYTES); // sparse: no disk used
  const small = path.join(dir, 'small.trace.jsonl');
  fs.writeFileSync(small, '{}\n');

  for (const args of [['--jobs', '1', large], ['--jobs=2', small], ['--jobs', '2', `${large}.gz`], ['--jobs', '2', path.join(dir, 'missing')]]) {
    prestartForArguments(args, script);
    assert.equal(takePrestartedWorker(script), undefined, args.join(' '));
  }
  prestartForArguments(['--format', 'json', '--jobs', '2', large], script);
  const worker = takePrestartedWorker(script);
  assert.ok(worker !== undefined);
  assert.equal(takePrestartedWorker(script), undefined, 'one worker for two jobs');
  const echoed = new Promise((resolve) => worker.once('message', resolve));
  worker.postMessage({ file: large });
  assert.deepEqual(await echoed, { file: large });
  await worker.terminate();
});

test('a worker that stopped before it was taken is not handed out', async () => {
  const script = path.join(dir, 'failing-worker.js');
  fs.writeFileSync(script, "throw new Error('cannot start');");
  const [worker] = prestartWorkers(script, 1);
  worker!.ref(); // a waiting worker does not keep the process alive: this test waits for it
  await new Promise((resolve) => worker!.once('exit', resolve));
  assert.equal(takePrestartedWorker(script), undefined);
});
