// Writes a realistic planewise trace: spans and authorization decisions from
// ~30 principals over ~200 actions and ~10k resources, in big buffered chunks.
// Deterministic (seeded), so every run measures the same bytes.
import fs from 'node:fs';
import path from 'node:path';

const PRINCIPALS = 30;
const SERVICES = ['orders', 'billing', 'catalog', 'search', 'auth', 'storage', 'notify', 'reports', 'ledger', 'gateway'];
const VERBS = ['Get', 'Put', 'List', 'Delete', 'Describe', 'Update', 'Create', 'Scan', 'Query', 'Publish'];
const NOUNS = ['Object', 'Bucket', 'Item', 'Table', 'Topic', 'Queue', 'Key', 'Secret', 'Report', 'Invoice', 'Order', 'User', 'Session', 'Index', 'Stream', 'Job', 'Ledger', 'Token', 'Policy', 'Alias'];
const ACTIONS = VERBS.flatMap((verb) => NOUNS.map((noun, index) => `${SERVICES[index % SERVICES.length]}:${verb}${noun}`)); // 200
const RESOURCES = Array.from({ length: 10_000 }, (_, index) => `${SERVICES[index % SERVICES.length]}:bucket-${index % 40}/tenant-${index % 250}/obj-${index}`);

function rng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateTrace(file, targetBytes, seed = 42) {
  const random = rng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  // Each principal works with a slice of the actions and resources, as real roles do.
  const roles = Array.from({ length: PRINCIPALS }, (_, index) => ({
    name: `svc-${SERVICES[index % SERVICES.length]}-${index}`,
    actions: Array.from({ length: 12 }, () => pick(ACTIONS)),
    resources: Array.from({ length: 600 }, () => pick(RESOURCES)),
  }));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(`${file}.tmp`, 'w');
  const header = `{"kind":"header","schema":"planewise.trace","version":"1.0","producer":{"name":"planewise-bench","version":"1"},"run":{"id":"bench-${seed}"}}\n`;
  fs.writeSync(fd, header);
  let written = header.length;
  let ts = 1_735_689_600_000;
  let chunk = [];
  let chunkBytes = 0;
  let id = 0;
  while (written < targetBytes) {
    ts += Math.floor(random() * 5);
    const service = pick(SERVICES);
    const traceId = (id++).toString(16).padStart(32, '0');
    let line;
    if (random() < 0.5) {
      const duration = Math.round(Math.exp(random() * 6) * 100) / 100;
      const status = random() < 0.02 ? 'error' : 'ok';
      line = `{"kind":"span","ts":${ts},"service":"${service}","operation":"${pick(VERBS)}${pick(NOUNS)}","traceId":"${traceId}","spanId":"${(id & 0xffffff).toString(16).padStart(16, '0')}","durationMs":${duration},"status":"${status}","attributes":{"http.status_code":${status === 'ok' ? 200 : 500}}}\n`;
    } else {
      const role = roles[Math.floor(random() * roles.length)];
      const allowed = random() < 0.93;
      const action = allowed ? pick(role.actions) : pick(ACTIONS);
      const resource = allowed ? pick(role.resources) : pick(RESOURCES);
      const deny = allowed ? '' : `,"denyReason":"${random() < 0.3 ? 'explicit' : 'implicit'}"`;
      line = `{"kind":"authz","ts":${ts},"service":"${service}","principal":"${role.name}","action":"${action}","resource":"${resource}","decision":"${allowed ? 'allow' : 'deny'}"${deny},"traceId":"${traceId}"}\n`;
    }
    chunk.push(line);
    chunkBytes += line.length;
    if (chunkBytes >= 8 * 1024 * 1024) {
      fs.writeSync(fd, chunk.join(''));
      written += chunkBytes;
      chunk = [];
      chunkBytes = 0;
    }
  }
  if (chunk.length > 0) fs.writeSync(fd, chunk.join(''));
  fs.closeSync(fd);
  fs.renameSync(`${file}.tmp`, file);
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const [file, megabytes] = process.argv.slice(2);
  generateTrace(file, Number(megabytes) * 1024 * 1024);
}
