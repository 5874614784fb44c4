// Measures the extension host's event-loop delay with a 10 ms timer (how late
// each tick fires) and every 250 ms appends the largest delay seen since the
// last line to delays.jsonl in this extension's log folder (under the user data
// folder's logs/): {t, maxMs}. It keeps its own maximum rather than resetting a
// perf_hooks histogram, because a reset can drop a delay that is being recorded.
const fs = require('node:fs');
const path = require('node:path');

const TICK_MS = 10;
const PERIOD_MS = 250;

exports.activate = (context) => {
  fs.mkdirSync(context.logUri.fsPath, { recursive: true });
  const out = path.join(context.logUri.fsPath, 'delays.jsonl');
  let last = performance.now();
  let maxMs = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    maxMs = Math.max(maxMs, now - last - TICK_MS);
    last = now;
  }, TICK_MS);
  const flush = setInterval(() => {
    fs.appendFileSync(out, `${JSON.stringify({ t: Date.now(), maxMs })}\n`);
    maxMs = 0;
  }, PERIOD_MS);
  context.subscriptions.push({ dispose: () => [tick, flush].forEach(clearInterval) });
};
