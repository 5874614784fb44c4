// Language server latency: didChange -> publishDiagnostics for a handler file
// of a 2,000-file project, over the real protocol (stdio), plus server memory.
// Usage: node bench/server/run.mjs [--edits N] [--project DIR --file REL]
// Needs server/dist/server.js (node scripts/build.mjs).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { generateProject } from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(root, 'package.json'));
const rpc = require('vscode-jsonrpc/node');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index === -1 ? fallback : args[index + 1];
};
const edits = Number(option('--edits', '100'));
/** Typing pauses longer than the server's debounce, so each edit is checked on its own. */
const PAUSE_MS = 200;
const projectRoot = path.resolve(option('--project', path.join(root, 'bench/.data/server-project')));
const handlerFile = path.join(projectRoot, option('--file', 'src/handlers/h7.ts'));
const serverBundle = path.join(root, 'server/dist/server.js');

if (!existsSync(serverBundle)) {
  console.error('server/dist/server.js is missing: run node scripts/build.mjs first');
  process.exit(1);
}
if (!args.includes('--project')) generateProject(projectRoot);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
function memoryKb(pid, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : NaN;
}

const child = spawn(process.execPath, [serverBundle, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
const uri = pathToFileURL(handlerFile).href;
let onPublish = () => undefined;
let onStatus = () => undefined;
connection.onNotification('textDocument/publishDiagnostics', (params) => params.uri === uri && onPublish(params));
connection.onNotification('planewise/status', (status) => onStatus(status));
connection.onRequest('workspace/configuration', (params) => params.items.map(() => ({})));
connection.onRequest('client/registerCapability', () => null);
connection.onRequest('window/workDoneProgress/create', () => null);
connection.listen();

const startedAt = performance.now();
const idle = new Promise((resolve) => (onStatus = (status) => status.state === 'idle' && resolve(status)));
await connection.sendRequest('initialize', {
  processId: process.pid,
  rootUri: pathToFileURL(projectRoot).href,
  workspaceFolders: [{ uri: pathToFileURL(projectRoot).href, name: 'bench' }],
  capabilities: { workspace: { configuration: true }, window: { workDoneProgress: true } },
});
await connection.sendNotification('initialized', {});
const firstStatus = await idle;
const initialCheckMs = performance.now() - startedAt;

const original = readFileSync(handlerFile, 'utf8');
const published = (version) => new Promise((resolve) => (onPublish = (params) => params.version === version && resolve(params)));
let wait = published(1);
await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text: original } });
await wait;

const latencies = [];
for (let i = 0; i < edits; i++) {
  await sleep(PAUSE_MS);
  const version = i + 2;
  // Alternate between a harmless edit and one that changes what the handler calls.
  const text = i % 2 === 0 ? `${original}\n// edit ${i}\n` : original.replace('return 200;', `return ${200 + (i % 7)};`);
  wait = published(version);
  const sent = performance.now();
  await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  await wait;
  latencies.push(performance.now() - sent);
}

const rssMb = memoryKb(child.pid, 'VmRSS') / 1024;
const peakRssMb = memoryKb(child.pid, 'VmHWM') / 1024;
await connection.sendRequest('shutdown');
await connection.sendNotification('exit');

latencies.sort((a, b) => a - b);
const median = percentile(latencies, 50);
const p95 = percentile(latencies, 95);
const row = (name, value, target, ok) => `| ${name} | ${value} | ${target} | ${ok ? 'met' : 'MISSED'} |`;
console.log(`Project: ${firstStatus.filesChecked} files (${projectRoot}); ${edits} edits of ${path.relative(projectRoot, handlerFile)}, ${PAUSE_MS} ms apart.`);
console.log('');
console.log('| measure | value | target | |');
console.log('|---|---|---|---|');
console.log(row('initial workspace check (start -> idle)', `${Math.round(initialCheckMs)} ms`, '-', true));
console.log(row('didChange -> publishDiagnostics, median', `${median.toFixed(1)} ms`, '< 50 ms', median < 50));
console.log(row('didChange -> publishDiagnostics, p95', `${p95.toFixed(1)} ms`, '< 150 ms', p95 < 150));
console.log(row('server RSS after the edits', `${Math.round(rssMb)} MB (peak ${Math.round(peakRssMb)} MB)`, '< 600 MB', peakRssMb < 600));
