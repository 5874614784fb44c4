/**
 * Worker thread entry: digests one byte range of a trace file and posts the
 * digest back as plain data. Bundled as dist/trace-worker.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ShardTask, digestShard } from './shard';

const PROGRESS_EVERY_BYTES = 8 * 1024 * 1024;

async function main(): Promise<void> {
  const task = workerData as ShardTask;
  let reported = 0;
  const result = await digestShard(task, (bytes) => {
    if (bytes - reported >= PROGRESS_EVERY_BYTES) {
      parentPort?.postMessage({ type: 'progress', bytes: bytes - reported });
      reported = bytes;
    }
  });
  parentPort?.postMessage({ type: 'done', result });
}

main().catch((error: unknown) => {
  parentPort?.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
});
