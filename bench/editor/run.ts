// The trace viewer on big files, in a real VS Code: time from opening a trace
// to the first summary on screen (the viewer shows partial summaries while it
// reads) and to the end of the read, for the 200 MB and 1 GB benchmark traces.
// A probe extension installed beside Planewise (host-probe/) records the
// extension host's event-loop delay all along, so each read can be compared
// with the same window left idle, and with a thread spinning on one core.
//   node --import tsx bench/editor/run.ts [--quick] [--port-scan] [--profile-host]
// --port-scan keeps the VS Code server's port auto-forwarding scan on. This
// route runs VS Code as a server, whose extension host looks for new listening
// ports every few seconds by spawning processes, synchronously: each spawn
// held the host 40 to 150 ms during big reads (it forks a process whose
// memory the reader has grown). A desktop VS Code's local extension host does
// not scan, so by default the benchmark turns the scan off.
// --profile-host writes a CPU profile of the extension host's main thread
// during each read, and its garbage collections, to bench/.data/.
// Needs `npm run package` (or built bundles) and the traces that the full
// `node bench/trace/run.mjs` writes to bench/.data/.
import fs from 'node:fs';
import path from 'node:path';
import { extensionUnderTest, startVsCode } from '../../client/test/e2e/harness';

const root = path.resolve(__dirname, '..', '..');
const data = path.join(root, 'bench', '.data');
const quick = process.argv.includes('--quick');
const portScan = process.argv.includes('--port-scan');
const profileHost = process.argv.includes('--profile-host');
const traces = quick ? ['trace-mixed-200mb.trace.jsonl'] : ['trace-mixed-200mb.trace.jsonl', 'trace-mixed-1024mb.trace.jsonl'];
/** Opened first and not measured: the window, the extension host and the extension start while it loads. */
const WARM_UP = 'warm-up.trace.jsonl';
const READ_TIMEOUT_MS = 10 * 60_000;
const IDLE_MS = 15_000;
const SPIN_MS = 8_000;

// A workspace of hard links: nothing is copied, and the viewer reads the real files.
const workspace = path.join(data, 'editor-workspace');
fs.rmSync(workspace, { recursive: true, force: true });
fs.mkdirSync(workspace, { recursive: true });
for (const name of traces) {
  const source = path.join(data, name);
  if (!fs.existsSync(source)) throw new Error(`${path.relative(root, source)} is missing: run \`node bench/trace/run.mjs --quick\` (or the full run) first`);
  fs.linkSync(source, path.join(workspace, name));
}
fs.writeFileSync(
  path.join(workspace, WARM_UP),
  `${JSON.stringify({ kind: 'authz', ts: 1, service: 'bench', principal: 'svc-bench', action: 'storage:GetObject', resource: 'storage:bucket/a', decision: 'allow' })}\n`,
);

async function main(): Promise<void> {
  const vscode = await startVsCode({ workspace, copyWorkspace: false, ...extensionUnderTest(), extraExtensionFolders: [path.join(__dirname, 'host-probe')], ...(portScan ? {} : { settings: { 'remote.autoForwardPorts': false, 'remote.autoForwardPortsSource': 'output' } }) });
  const rows: string[] = [];
  const hostDelays: string[] = [];
  const windows: { name: string; from: number; to: number }[] = [];
  try {
    const page = vscode.page;
    const open = async (name: string) => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill(name);
      await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: name }).first().waitFor();
      const opened = performance.now();
      const openedAt = Date.now();
      await page.keyboard.press('Enter');
      return { opened, openedAt, view: page.frameLocator('iframe.webview.ready:visible').frameLocator('#active-frame') };
    };
    const warmUp = await open(WARM_UP);
    await warmUp.view.getByText('authorization decisions').first().waitFor({ timeout: READ_TIMEOUT_MS });
    const warmUpSeconds = (performance.now() - warmUp.opened) / 1000;
    await page.keyboard.press('Control+W');
    rows.push(`| ${WARM_UP} (window, extension host and extension starting) | 0 MB | ${warmUpSeconds.toFixed(2)} s | - | - |`);
    const idleFrom = Date.now();
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    windows.push({ name: `idle, no trace open (${IDLE_MS / 1000} s)`, from: idleFrom, to: Date.now() });
    // The same host with one core kept busy by a thread that only spins (see host-probe/extension.js).
    const spinFrom = Date.now();
    fs.writeFileSync(path.join(probeLogFolder(vscode.userDataDir), 'spin.json'), JSON.stringify({ ms: SPIN_MS }));
    await new Promise((resolve) => setTimeout(resolve, SPIN_MS + 500));
    windows.push({ name: `a thread spinning on one core, no trace open (${SPIN_MS / 1000} s)`, from: spinFrom, to: Date.now() });
    for (const name of traces) {
      if (profileHost) {
        // Started a second early: starting the profiler holds the host for a while itself.
        fs.writeFileSync(path.join(probeLogFolder(vscode.userDataDir), 'profile.json'), JSON.stringify({ ms: 13_000 }));
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      const readFrom = Date.now();
      const { opened, openedAt, view } = await open(name);
      await view.getByText('authorization decisions').first().waitFor({ timeout: READ_TIMEOUT_MS });
      const firstSummary = performance.now() - opened;
      await view.getByText(/^Read .*(watching for changes)?$/).first().waitFor({ timeout: READ_TIMEOUT_MS });
      const complete = performance.now() - opened;
      windows.push({ name: `finding ${name} in quick open`, from: readFrom, to: openedAt });
      windows.push({ name: `reading ${name} (from Enter in quick open)`, from: openedAt, to: Date.now() });
      const size = fs.statSync(path.join(workspace, name)).size / 1e6;
      rows.push(`| ${name} | ${size.toFixed(0)} MB | ${(firstSummary / 1000).toFixed(2)} s | ${(complete / 1000).toFixed(1)} s | ${(size / (complete / 1000)).toFixed(0)} MB/s |`);
      await vscode.screenshot(`bench-editor-${name}`);
      await page.keyboard.press('Control+W');
      hostDelays.push(await hostDelayLine(vscode.userDataDir, name));
      if (profileHost) {
        const probeFolder = probeLogFolder(vscode.userDataDir);
        const profile = path.join(probeFolder, 'host.cpuprofile');
        while (!fs.existsSync(profile)) await new Promise((resolve) => setTimeout(resolve, 500));
        fs.renameSync(profile, path.join(data, `host-${name}.cpuprofile`));
        for (const log of ['delays.jsonl', 'gc.jsonl']) if (fs.existsSync(path.join(probeFolder, log))) fs.copyFileSync(path.join(probeFolder, log), path.join(data, `host-${log}`));
      }
    }
    hostDelays.push(...probeLines(vscode.userDataDir, windows));
  } finally {
    await vscode.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  console.log('| trace | size | first summary on screen | whole file read | throughput |');
  console.log('|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log('\nThe extension\'s own measurement, from its log (event-loop delay of the extension host during each read):');
  for (const line of hostDelays) console.log(`  ${line}`);
}

/** The folder the probe extension writes delays.jsonl to. */
function probeLogFolder(userDataDir: string): string {
  const logs = path.join(userDataDir, 'logs');
  const file = fs.readdirSync(logs, { recursive: true, encoding: 'utf8' }).find((name) => name.endsWith('delays.jsonl'));
  if (file === undefined) throw new Error('the host probe extension did not start (no delays.jsonl)');
  return path.dirname(path.join(logs, file));
}

/** The probe's samples (largest delay per 250 ms) inside each window: the largest, and the share of samples over 50 ms. */
function probeLines(userDataDir: string, windows: { name: string; from: number; to: number }[]): string[] {
  const samples = fs
    .readFileSync(path.join(probeLogFolder(userDataDir), 'delays.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { t: number; maxMs: number });
  return windows.map(({ name, from, to }) => {
    const inside = samples.filter((sample) => sample.t > from && sample.t <= to);
    const max = Math.max(0, ...inside.map((sample) => sample.maxMs));
    const over = inside.filter((sample) => sample.maxMs > 50);
    // When each slow quarter second ended, from the window's start: early ones fall while the editor opens.
    const when = over.length === 0 ? '' : ` (ending at ${over.map((sample) => `+${((sample.t - from) / 1000).toFixed(2)} s`).join(', ')})`;
    return `host probe, ${name}: max ${max.toFixed(1)} ms; ${over.length} of ${inside.length} quarter-seconds over 50 ms${when}`;
  });
}

/** The viewer logs each big read with the extension host's event-loop delay meanwhile; find that line in the Planewise log. */
async function hostDelayLine(userDataDir: string, traceName: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    for (const file of fs.readdirSync(path.join(userDataDir, 'logs'), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('Planewise.log')) continue;
      const line = fs.readFileSync(path.join(userDataDir, 'logs', file), 'utf8').split('\n').find((text) => text.includes(`Read ${traceName}`));
      if (line) return line.replace(/^.*\] /, '');
    }
    if (Date.now() > deadline) return `${traceName}: no read line in the Planewise log`;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
