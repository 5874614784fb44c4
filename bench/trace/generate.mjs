// Writes a realistic planewise trace: spans and authorization decisions from
// ~30 principals over ~200 actions and ~10k resources, in big buffered chunks.
// Deterministic (seeded), so every run measures the same bytes.
//
// Traces come from other writers too, so a fixed share of the lines is
// written in each style they use (the styles bench/trace/fastpath.ts checks
// one by one): STYLES below, picked by line number, so every style's share is
// exact and every size gets the same mix.
import fs from 'node:fs';
import path from 'node:path';

const PRINCIPALS = 30;
const SERVICES = ['orders', 'billing', 'catalog', 'search', 'auth', 'storage', 'notify', 'reports', 'ledger', 'gateway'];
const VERBS = ['Get', 'Put', 'List', 'Delete', 'Describe', 'Update', 'Create', 'Scan', 'Query', 'Publish'];
const NOUNS = ['Object', 'Bucket', 'Item', 'Table', 'Topic', 'Queue', 'Key', 'Secret', 'Report', 'Invoice', 'Order', 'User', 'Session', 'Index', 'Stream', 'Job', 'Ledger', 'Token', 'Policy', 'Alias'];
const ACTIONS = VERBS.flatMap((verb) => NOUNS.map((noun, index) => `${SERVICES[index % SERVICES.length]}:${verb}${noun}`)); // 200
const RESOURCES = Array.from({ length: 10_000 }, (_, index) => `${SERVICES[index % SERVICES.length]}:bucket-${index % 40}/tenant-${index % 250}/obj-${index}`);
// A few operations and resources whose names have non-ASCII letters or quotes (a fixed set, so
// the mix adds a few hundred names, not a copy of every name): the styles that show such
// values pick their lines' names from these.
const SPECIAL_WORDS = {
  nonAscii: ['Caf\u00e9', 'Z\u00fcrich', '\u65e5\u672c', '\u0160koda', 'R\u00e9sum\u00e9'],
  quoted: [' "hi"', ' the "main" copy', ' C:\\exports\\"q1"'],
};
const SPECIAL_OPERATIONS = mapValues(SPECIAL_WORDS, (words) => VERBS.slice(0, 4).flatMap((verb) => words.map((word) => `${verb}${word}`)));
const SPECIAL_RESOURCES = mapValues(SPECIAL_WORDS, (words) => Array.from({ length: 40 * words.length }, (_, index) => `${SERVICES[index % SERVICES.length]}:bucket-${index % 40}/tenant-${index % 250}/${words[index % words.length].trim()}-${index}`));

function mapValues(object, map) {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, map(value)]));
}

/**
 * How other writers format the same events, each with its share of the
 * lines (tenths). `names` says which special names (above) the style's lines
 * use for their operation (span) or resource (decision).
 */
export const STYLES = [
  { name: 'our writer (JSON.stringify)', tenths: 4, format: (event) => JSON.stringify(event) },
  { name: 'keys sorted (Go maps, sort_keys=True)', tenths: 1, format: (event) => JSON.stringify(sortedKeys(event)) },
  { name: "Python json.dumps (': ' and ', ', ensure_ascii)", tenths: 1, format: (event) => escapeNonAscii(pythonDumps(event)), names: 'nonAscii' },
  { name: 'non-ASCII values, raw UTF-8', tenths: 1, format: (event) => JSON.stringify(event), names: 'nonAscii' },
  { name: 'non-ASCII values as \\uXXXX', tenths: 1, format: (event) => escapeNonAscii(JSON.stringify(event)), names: 'nonAscii' },
  { name: 'escaped quotes in values', tenths: 1, format: (event) => JSON.stringify(event), names: 'quoted' },
  { name: 'optional fields present or absent', tenths: 1, format: (event, random) => JSON.stringify(withOptionalFields(event, random() < 0.5)) },
];
const STYLE_OF_TENTH = STYLES.flatMap((style, index) => Array.from({ length: style.tenths }, () => index));

function sortedKeys(event) {
  return Object.fromEntries(Object.entries(event).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Python's json.dumps: ', ' and ': ' separators, and a float always has a fraction or an exponent. */
function pythonDumps(value, key) {
  if (Array.isArray(value)) return `[${value.map((item) => pythonDumps(item)).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([name, item]) => `${JSON.stringify(name)}: ${pythonDumps(item, name)}`).join(', ')}}`;
  if (key === 'durationMs' && Number.isInteger(value)) return `${value}.0`;
  return JSON.stringify(value);
}

function escapeNonAscii(text) {
  return text.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The fields a writer may add or leave out: span parents and attributes, a decision's trace and statements. */
function withOptionalFields(event, present) {
  if (event.kind === 'span') {
    const { attributes, ...required } = event;
    return present ? { ...required, parentSpanId: event.spanId.replace(/^0/, 'f'), attributes: { ...attributes, 'http.route': `/${event.service}`, retries: 2 } } : required;
  }
  const { traceId, ...required } = event;
  return present ? { ...required, traceId, spanId: traceId.slice(16), matchedStatements: [event.decision === 'allow' ? 'AllowRole' : 'DenyAll'] } : required;
}

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

/** The header line, then every event line with its style (an index into STYLES), endlessly. */
export function* traceLines(seed = 42) {
  const random = rng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  // Each principal works with a slice of the actions and resources, as real roles do.
  const roles = Array.from({ length: PRINCIPALS }, (_, index) => ({
    name: `svc-${SERVICES[index % SERVICES.length]}-${index}`,
    actions: Array.from({ length: 12 }, () => pick(ACTIONS)),
    resources: Array.from({ length: 600 }, () => pick(RESOURCES)),
    special: mapValues(SPECIAL_RESOURCES, (names) => Array.from({ length: 20 }, () => pick(names))),
  }));
  yield { style: -1, line: `{"kind":"header","schema":"planewise.trace","version":"1.0","producer":{"name":"planewise-bench","version":"1"},"run":{"id":"bench-${seed}"}}\n` };
  let ts = 1_735_689_600_000;
  for (let id = 0; ; id++) {
    ts += Math.floor(random() * 5);
    const service = pick(SERVICES);
    const traceId = id.toString(16).padStart(32, '0');
    const styleIndex = STYLE_OF_TENTH[id % STYLE_OF_TENTH.length];
    const style = STYLES[styleIndex];
    let event;
    if (random() < 0.5) {
      const duration = Math.round(Math.exp(random() * 6) * 100) / 100;
      const status = random() < 0.02 ? 'error' : 'ok';
      const spanId = ((id + 1) & 0xffffff).toString(16).padStart(16, '0');
      event = { kind: 'span', ts, service, operation: style.names === undefined ? `${pick(VERBS)}${pick(NOUNS)}` : pick(SPECIAL_OPERATIONS[style.names]), traceId, spanId, durationMs: duration, status, attributes: { 'http.status_code': status === 'ok' ? 200 : 500 } };
    } else {
      const role = roles[Math.floor(random() * roles.length)];
      const allowed = random() < 0.93;
      const action = allowed ? pick(role.actions) : pick(ACTIONS);
      const resource = allowed ? pick(style.names === undefined ? role.resources : role.special[style.names]) : pick(style.names === undefined ? RESOURCES : SPECIAL_RESOURCES[style.names]);
      event = { kind: 'authz', ts, service, principal: role.name, action, resource, decision: allowed ? 'allow' : 'deny' };
      if (!allowed) event.denyReason = random() < 0.3 ? 'explicit' : 'implicit';
      event.traceId = traceId;
    }
    yield { style: styleIndex, line: `${style.format(event, random)}\n` };
  }
}

export function generateTrace(file, targetBytes, seed = 42) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(`${file}.tmp`, 'w');
  let written = 0;
  let chunk = [];
  let chunkBytes = 0;
  for (const { line } of traceLines(seed)) {
    if (written + chunkBytes >= targetBytes) break;
    chunk.push(line);
    chunkBytes += Buffer.byteLength(line);
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
