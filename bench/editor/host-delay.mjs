// The trace viewer's reader outside VS Code: the bundled worker reads a trace
// while this thread plays the extension host, receiving every message and
// serialising it as VS Code does before it reaches a webview. Reports the
// event-loop delay of this thread, so the viewer's own cost to the host can be
// told apart from everything else sharing the cores inside VS Code.
//   node bench/editor/host-delay.mjs bench/.data/trace-mixed-200mb.trace.jsonl
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const file = path.resolve(process.argv[2] ?? path.join(root, 'bench', '.data', 'trace-mixed-200mb.trace.jsonl'));
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const worker = new Worker(path.join(root, 'client', 'dist', 'trace-editor-worker.js'));
const started = performance.now();
let largest = { type: '', bytes: 0 };
let slowestSerialiseMs = 0;
worker.on('message', (message) => {
  const before = performance.now();
  const bytes = JSON.stringify(message).length;
  slowestSerialiseMs = Math.max(slowestSerialiseMs, performance.now() - before);
  if (bytes > largest.bytes) largest = { type: message.type, bytes };
  if (message.type === 'progress' && message.progress.phase !== 'reading') {
    delay.disable();
    console.log(
      `${path.basename(file)}: ${message.progress.phase} in ${Math.round(performance.now() - started)} ms; host event-loop delay max ${(delay.max / 1e6).toFixed(1)} ms, ` +
        `p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms; largest message ${largest.type} ${(largest.bytes / 1e3).toFixed(0)} KB, slowest serialisation ${slowestSerialiseMs.toFixed(1)} ms`,
    );
    void worker.terminate();
  }
});
worker.postMessage({ type: 'open', options: { file, compressed: false, decompressedFile: '', maxLineBytes: 1 << 20, maxProblems: 1000, live: false } });
