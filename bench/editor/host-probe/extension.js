// Measures the extension host's event-loop delay with a 10 ms timer (how late
// each tick fires) and every 250 ms appends the largest delay seen since the
// last line to delays.jsonl in this extension's log folder (under the user data
// folder's logs/): {t, maxMs}. It keeps its own maximum rather than resetting a
// perf_hooks histogram, because a reset can drop a delay that is being recorded.
//
// When the benchmark writes spin.json ({ms}) beside delays.jsonl, the probe
// starts a worker thread that only spins for that long: one core as busy as a
// trace read keeps it, with no messages to the host and nothing rendered, so
// the host's delay meanwhile is what this machine gives any busy thread.
const fs = require('node:fs');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { PerformanceObserver } = require('node:perf_hooks');
const inspector = require('node:inspector');

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
  const spinRequest = path.join(context.logUri.fsPath, 'spin.json');
  const flush = setInterval(() => {
    fs.appendFileSync(out, `${JSON.stringify({ t: Date.now(), maxMs })}\n`);
    maxMs = 0;
    if (fs.existsSync(spinRequest)) {
      const { ms } = JSON.parse(fs.readFileSync(spinRequest, 'utf8'));
      fs.rmSync(spinRequest);
      new Worker(`const end = Date.now() + ${Number(ms)}; while (Date.now() < end);`, { eval: true });
    }
  }, PERIOD_MS);
  // The host's own garbage collections of 5 ms or more: {t (end), ms, kind}.
  const gcOut = path.join(context.logUri.fsPath, 'gc.jsonl');
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration >= 5) fs.appendFileSync(gcOut, `${JSON.stringify({ t: performance.timeOrigin + entry.startTime + entry.duration, ms: entry.duration, kind: entry.detail?.kind })}\n`);
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  // profile.json ({ms}): a CPU profile of the host's main thread for that long, to host.cpuprofile with its start time.
  const profileRequest = path.join(context.logUri.fsPath, 'profile.json');
  const profilePoll = setInterval(() => {
    if (!fs.existsSync(profileRequest)) return;
    const { ms } = JSON.parse(fs.readFileSync(profileRequest, 'utf8'));
    fs.rmSync(profileRequest);
    const session = new inspector.Session();
    session.connect();
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: 500 }, () =>
        session.post('Profiler.start', () => {
          const startedAt = Date.now();
          setTimeout(() => session.post('Profiler.stop', (error, result) => {
            fs.writeFileSync(path.join(context.logUri.fsPath, 'host.cpuprofile'), JSON.stringify({ startedAt, profile: error ? null : result.profile }));
            session.disconnect();
          }), ms);
        }),
      ),
    );
  }, 100);
  context.subscriptions.push({ dispose: () => [tick, flush, profilePoll].forEach(clearInterval) }, { dispose: () => gc.disconnect() });
};
