/**
 * Worker thread entry: waits for its task (it may be started before the task
 * is known, see prestart.ts), digests the byte ranges it claims and posts the
 * digest back as plain data. Bundled as dist/trace-worker.js.
 */
import { parentPort } from 'node:worker_threads';
import { type ShardTask, digestShard } from './shard';

const PROGRESS_EVERY_BYTES = 8 * 1024 * 1024;

async function run(task: ShardTask): Promise<void> {
  let reported = 0;
  const result = await digestShard(task, (bytes) => {
    if (bytes - reported >= PROGRESS_EVERY_BYTES) {
      parentPort?.postMessage({ type: 'progress', bytes: bytes - reported });
      reported = bytes;
    }
  });
  parentPort?.postMessage({ type: 'done', result });
}

parentPort?.once('message', (task: ShardTask) => {
  run(task).catch((error: unknown) => {
    parentPort?.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  });
});
