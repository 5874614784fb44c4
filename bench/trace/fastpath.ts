// How often the reader's fast path (the WebAssembly scanner) answers a line,
// for each way other writers format the same events: our own writer, keys in
// another order, Python's json.dumps spacing, \uXXXX escapes, raw non-ASCII,
// escaped quotes, optional fields present or absent. A line the scanner does
// not answer is read correctly by JSON.parse (the slow path), only slower.
//
//   node --import tsx bench/trace/fastpath.ts
import { CoreEventScanner } from '../../analysis-core/src/trace/fast/coreScanner';

type Event = Record<string, unknown>;
const span = (index: number): Event => ({ kind: 'span', ts: 1_735_689_600_000 + index, service: 'orders', operation: `GET /orders/${index % 50}`, traceId: `t${index}`, spanId: `s${index}`, durationMs: (index % 977) / 4, status: index % 11 === 0 ? 'error' : 'ok' });
const authz = (index: number): Event => ({ kind: 'authz', ts: 1_735_689_600_000 + index, service: 'orders', principal: `svc-${index % 30}`, action: `storage:Get${index % 7}`, resource: `bucket/tenant-${index % 250}/obj-${index}`, decision: index % 9 === 0 ? 'deny' : 'allow', ...(index % 9 === 0 ? { denyReason: 'implicit' } : {}) });

const shuffled = (event: Event) => Object.fromEntries(Object.entries(event).reverse());
const pythonDumps = (event: Event) => JSON.stringify(event).replace(/","/g, '", "').replace(/":/g, '": ').replace(/,"/g, ', "');
const escapeNonAscii = (text: string) => text.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

const STYLES: [string, (event: Event) => string][] = [
  ['our writer (JSON.stringify)', (event) => JSON.stringify(event)],
  ['keys in another order', (event) => JSON.stringify(shuffled(event))],
  ["Python json.dumps (': ' and ', ')", pythonDumps],
  ['non-ASCII values, raw UTF-8', (event) => JSON.stringify(withText(event, 'caf\u00e9 \u65e5\u672c'))],
  ['non-ASCII values as \\uXXXX (ensure_ascii)', (event) => escapeNonAscii(JSON.stringify(withText(event, 'caf\u00e9 \u65e5\u672c')))],
  ['escaped quotes in values', (event) => JSON.stringify(withText(event, 'say "hi"'))],
  ['optional fields present', (event) => JSON.stringify(event.kind === 'span' ? { ...event, parentSpanId: 'p1', attributes: { 'http.route': '/orders', retries: 2 } } : { ...event, traceId: 't', spanId: 's', matchedStatements: ['Allow1'] })],
];

function withText(event: Event, text: string): Event {
  return event.kind === 'span' ? { ...event, operation: `${event.operation as string} ${text}` } : { ...event, resource: `${event.resource as string}/${text}` };
}

const scanner = new CoreEventScanner();
const LINES = 20_000;
console.log('| line style | spans answered | decisions answered |');
console.log('| --- | ---: | ---: |');
for (const [name, format] of STYLES) {
  const rates = [span, authz].map((make) => {
    let answered = 0;
    for (let index = 0; index < LINES; index++) {
      const bytes = Buffer.from(format(make(index)));
      if (scanner.scan(bytes, 0, 0, bytes.length) !== undefined) answered += 1;
    }
    return `${((answered / LINES) * 100).toFixed(1)}%`;
  });
  console.log(`| ${name} | ${rates[0]} | ${rates[1]} |`);
}
