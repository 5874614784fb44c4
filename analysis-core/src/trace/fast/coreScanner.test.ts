import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CoreTraceEvent } from '../schema';
import { dropUndefined, json, nearAuthz, nearSpan, optionalOnceIn, wrongOnceIn } from '../testing';
import { isTraceEvent } from '../validate';
import { CoreEventScanner } from './coreScanner';

/** What the slow path makes of a line, cut to the core fields: the answer the scanner must give when it gives one. */
function slowCore(bytes: Buffer): CoreTraceEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isTraceEvent(value)) return undefined;
  if (value.kind === 'span') {
    const { kind, ts, service, operation, durationMs, status } = value;
    return { kind, ts, service, operation, durationMs, status };
  }
  const { kind, ts, service, principal, action, resource, decision, denyReason } = value;
  return { kind, ts, service, principal, action, resource, decision, ...(denyReason !== undefined ? { denyReason } : {}) };
}

function scanLine(scanner: CoreEventScanner, line: string | Buffer): CoreTraceEvent | undefined {
  const bytes = typeof line === 'string' ? Buffer.from(line) : line;
  return scanner.scan(bytes, 0, 0, bytes.length);
}

/** The scanner may be unsure of any line, but when it answers, JSON.parse and the schema must agree to the last bit. */
function assertSound(scanner: CoreEventScanner, bytes: Buffer): CoreTraceEvent | undefined {
  const fast = scanner.scan(bytes, 0, 0, bytes.length);
  if (fast !== undefined) assert.deepStrictEqual(fast, slowCore(bytes), bytes.toString('utf8'));
  return fast;
}

// JSON text for a value, spelled in one of the many ways JSON allows: key order, white space, escapes, number forms.
const WHITESPACE = ['', '', '', ' ', '\t', '\r', '\n', '  '];
function spell(value: unknown, choices: () => number): string {
  const space = () => WHITESPACE[choices() % WHITESPACE.length]!;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'null';
    // Mostly the usual spelling; the last form is too large for a double (JSON.parse makes it Infinity).
    const forms = [value.toExponential(), value.toExponential().replace('e', 'E'), Number.isInteger(value) ? `${value}.0` : `${JSON.stringify(value)}0`, '1e999'];
    return forms[choices() % 40] ?? JSON.stringify(value);
  }
  if (typeof value === 'string') {
    const form = choices() % 60;
    // A raw control character: not JSON.
    if (form === 0) return `"${value}${String.fromCharCode(choices() % 0x20)}"`;
    if (form > 2 || value.length === 0) return JSON.stringify(value);
    // Escape one character that needs no escaping: the same string, spelled differently.
    const at = choices() % value.length;
    const code = value.charCodeAt(at);
    return JSON.stringify(value.slice(0, at)).slice(0, -1) + `\\u${code.toString(16).padStart(4, '0')}` + JSON.stringify(value.slice(at + 1)).slice(1);
  }
  if (Array.isArray(value)) return `[${space()}${value.map((item) => spell(item, choices)).join(`${space()},${space()}`)}${space()}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    for (let index = entries.length - 1; index > 0; index--) {
      const other = choices() % (index + 1);
      [entries[index], entries[other]] = [entries[other]!, entries[index]!];
    }
    return `{${space()}${entries.map(([key, item]) => `${JSON.stringify(key)}${space()}:${space()}${spell(item, choices)}`).join(`${space()},${space()}`)}${space()}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

// Valid events, now and then with one field swapped for any JSON value: most lines the scanner should answer.
const text = fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }), fc.constantFrom('svc-ledger-18', 'storage:bucket-25/tenant-235/obj-6985'));
const nonNegative = fc.oneof(fc.nat(), fc.nat({ max: 10_000_000 }).map((hundredths) => hundredths / 100), fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }));
const attributes = fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string({ maxLength: 4 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()), { maxKeys: 3 });
const sometimes = optionalOnceIn(2);
const rarelyWrong = wrongOnceIn(30);
const validishSpan = fc
  .record({
    kind: rarelyWrong(fc.constant('span')),
    ts: rarelyWrong(nonNegative),
    service: rarelyWrong(text),
    operation: rarelyWrong(text),
    traceId: rarelyWrong(text),
    spanId: rarelyWrong(text),
    parentSpanId: sometimes(rarelyWrong(text)),
    durationMs: rarelyWrong(nonNegative),
    status: rarelyWrong(fc.constantFrom('ok', 'error', 'unset')),
    attributes: sometimes(rarelyWrong(attributes)),
    extra: sometimes(json),
  })
  .map(dropUndefined);
const validishAuthz = fc
  .record({
    kind: rarelyWrong(fc.constant('authz')),
    ts: rarelyWrong(nonNegative),
    service: rarelyWrong(text),
    principal: rarelyWrong(text),
    action: rarelyWrong(text),
    resource: rarelyWrong(text),
    decision: rarelyWrong(fc.constantFrom('allow', 'deny', 'deny')),
    denyReason: sometimes(rarelyWrong(fc.constantFrom('explicit', 'implicit'))),
    matchedStatements: sometimes(rarelyWrong(fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }))),
    traceId: sometimes(rarelyWrong(text)),
    spanId: sometimes(rarelyWrong(text)),
    extra: sometimes(json),
  })
  .map(dropUndefined);

const spelledLine = fc.tuple(fc.oneof({ weight: 3, arbitrary: validishSpan }, { weight: 3, arbitrary: validishAuthz }, nearSpan, nearAuthz, json), fc.infiniteStream(fc.nat())).map(([value, stream]) => {
  const choices = stream[Symbol.iterator]();
  return Buffer.from(spell(value, () => choices.next().value as number));
});

// Byte edits that matter to a JSON scanner: structure, escapes, digits, control characters, UTF-8 pieces.
const EDIT_BYTES = [...'{}[]",:\\ 0123456789.eE+-ntfu/'].map((c) => c.charCodeAt(0)).concat([0x00, 0x1f, 0x7f, 0x80, 0xbf, 0xc3, 0xe2, 0xf0, 0xff]);
const editedLine = fc
  .tuple(spelledLine, fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.constantFrom(...EDIT_BYTES)), { minLength: 1, maxLength: 3 }))
  .map(([line, edits]) => {
    let bytes = [...line];
    for (const [where, how, byte] of edits) {
      const at = bytes.length === 0 ? 0 : where % bytes.length;
      if (how === 'insert') bytes.splice(at, 0, byte);
      else if (how === 'delete') bytes.splice(at, 1);
      else bytes[at] = byte;
    }
    return Buffer.from(bytes);
  });

test('the scanner answers only when JSON.parse and the schema give the same core event', () => {
  const scanner = new CoreEventScanner();
  let answered = 0;
  fc.assert(
    fc.property(fc.oneof(spelledLine, editedLine), (bytes) => {
      if (assertSound(scanner, bytes) !== undefined) answered += 1;
    }),
    { numRuns: 20000 },
  );
  // Most of the property's strength is in the lines it answers: keep the generator producing plenty.
  assert.ok(answered > 1000, `the scanner answered only ${answered} of the generated lines`);
});

test('numbers come out as the same doubles JSON.parse gives, or the scanner leaves them to it', () => {
  const scanner = new CoreEventScanner();
  const numberText = fc.oneof(
    fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)),
    fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.nat({ max: 25 })).map(([digits, fraction]) => {
      const text = digits.toString().padStart(fraction + 1, '0');
      return fraction === 0 ? text : `${text.slice(0, -fraction)}.${text.slice(-fraction)}`;
    }),
    fc.constantFrom('0', '-0', '0.0', '1.', '.5', '01', '1e5', '1E+2', '2e-3', '1e400', '123456789012345', '1234567890123456', '0.1', '0.30000000000000004', '9007199254740993'),
  );
  fc.assert(
    fc.property(numberText, numberText, (ts, duration) => {
      assertSound(scanner, Buffer.from(`{"kind":"span","ts":${ts},"service":"s","operation":"o","traceId":"t","spanId":"x","durationMs":${duration},"status":"ok"}`));
    }),
    { numRuns: 5000 },
  );
  const accepted = scanLine(scanner, '{"kind":"span","ts":1735689600004,"service":"s","operation":"o","traceId":"t","spanId":"x","durationMs":130.78,"status":"ok"}');
  assert.deepStrictEqual(accepted, { kind: 'span', ts: 1735689600004, service: 's', operation: 'o', durationMs: 130.78, status: 'ok' });
});

test('realistic lines take the fast path', () => {
  const scanner = new CoreEventScanner();
  const lines = [
    '{"kind":"span","ts":1,"service":"orders","operation":"Get","traceId":"a1","spanId":"b2","durationMs":0,"status":"ok"}',
    '{"kind":"span","ts":1.5,"service":"orders","operation":"Get","traceId":"a1","spanId":"b2","parentSpanId":"c3","durationMs":12.25,"status":"error","attributes":{"http.route":"/orders/:id","retry":false,"http.status_code":503,"ratio":-0.5}}',
    '{ "status" : "unset" , "durationMs" : 3 , "spanId" : "x" , "traceId" : "t" , "operation" : "Ünïcode ✓" , "service" : "сервис" , "ts" : 7 , "kind" : "span" }',
    '{"kind":"authz","ts":2,"service":"gateway","principal":"svc-ledger","action":"storage:GetObject","resource":"storage:bucket/a/b","decision":"allow"}',
    '{"kind":"authz","ts":2,"service":"gateway","principal":"svc","action":"a","resource":"r","decision":"deny","denyReason":"explicit","matchedStatements":["DenyAll",""],"traceId":"t","spanId":"s"}',
    '{"kind":"authz","ts":2,"service":"gateway","principal":"svc","action":"a","resource":"r","decision":"deny","denyReason":"implicit","note":{"nested":[1,{"deep":null}],"x":"\\"quoted\\" \\u00e9"}}\r',
  ];
  for (const line of lines) assert.notEqual(assertSound(scanner, Buffer.from(line)), undefined, line);
});

test('every valid line of the sample traces takes the fast path with the same result', () => {
  const scanner = new CoreEventScanner();
  const traces = path.join(__dirname, '..', '..', '..', '..', 'test-workspace', 'traces');
  let fast = 0;
  for (const name of ['run-1.trace.jsonl', 'run-2.trace.jsonl', 'broken.trace.jsonl', 'malicious.trace.jsonl']) {
    for (const line of fs.readFileSync(path.join(traces, name), 'utf8').split('\n')) {
      const bytes = Buffer.from(line);
      const result = assertSound(scanner, bytes);
      // Only a lone surrogate in a field the analyses read is left to JSON.parse; everything else valid is scanned.
      if (result === undefined && slowCore(bytes) !== undefined) assert.match(line, /\\ud[89a-f]/i, `not scanned: ${line}`);
      if (result !== undefined) fast += 1;
    }
  }
  assert.ok(fast > 100, `only ${fast} lines scanned`);
});

test('escaped field values are decoded to exactly the string JSON.parse makes', () => {
  const scanner = new CoreEventScanner();
  const lines = [
    '{"kind":"sp\\u0061n","ts":1,"service":"s","operation":"o","traceId":"t","spanId":"x","durationMs":1,"status":"\\u006fk"}',
    '{"kind":"span","ts":1,"service":"caf\\u00e9","operation":"\\u65e5\\u672c \\ud83d\\ude80 \\"q\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u0000","traceId":"t\\u0031","spanId":"x","durationMs":1,"status":"ok"}',
    '{"kind":"authz","ts":2,"service":"s","principal":"arn:aws:iam::1:role/\\u00c9quipe","action":"s3:Get\\u004fbject","resource":"bucket/\\"key\\"","decision":"d\\u0065ny","denyReason":"\\u0065xplicit"}',
    '{"kind":"authz","ts":2,"service":"s","principal":"caf\\u00e9","action":"a","resource":"caf\u00e9","decision":"allow"}',
  ];
  for (const line of lines) assert.notEqual(assertSound(scanner, Buffer.from(line)), undefined, line);
  // Escaped and raw spellings of one string are one interned string.
  const [escaped, raw] = [lines[3]!, lines[3]!.replace('"principal":"caf\\u00e9"', '"principal":"café"')].map((line) => scanLine(scanner, line));
  assert.ok(escaped?.kind === 'authz' && raw?.kind === 'authz');
  assert.equal(escaped.principal, 'café');
  assert.equal(escaped.principal, raw.principal);
  assert.equal(escaped.principal, escaped.resource);
  fc.assert(
    fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { minLength: 12, maxLength: 12 }), (value, picks) => {
      // Each character as \uXXXX escapes (a surrogate pair as two) or as JSON.stringify spells it, at random.
      const spelled = [...value].map((char, index) =>
        picks[index % picks.length]! % 2 === 0 ? char.split('').map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join('') : JSON.stringify(char).slice(1, -1),
      );
      const answer = assertSound(scanner, Buffer.from(`{"kind":"authz","ts":1,"service":"s","principal":"${spelled.join('')}","action":"a","resource":"r","decision":"allow"}`));
      // Answered whenever UTF-8 can hold the value (no lone surrogate).
      if (Buffer.from(value).toString() === value) assert.notEqual(answer, undefined, JSON.stringify(value));
    }),
    { numRuns: 3000 },
  );
});

test('lines that need the slow path are left to it', () => {
  const scanner = new CoreEventScanner();
  const unsure = [
    '{"kind":"header","schema":"planewise.trace","version":"1.0","producer":{"name":"p"}}',
    '{"kind":"span","kind":"span","ts":1,"service":"s","operation":"o","traceId":"t","spanId":"x","durationMs":1,"status":"ok"}',
    '{"kind":"span","ts":1,"service":"s","operation":"lone \\ud800 surrogate","traceId":"t","spanId":"x","durationMs":1,"status":"ok"}',
    '{"kind":"span","ts":1,"service":"s","operation":"lone \\udc00 low","traceId":"t","spanId":"x","durationMs":1,"status":"ok"}',
    '{"k\\u0069nd":"span","ts":1,"service":"s","operation":"o","traceId":"t","spanId":"x","durationMs":1,"status":"ok"}',
    '{"kind":"span","ts":1,"service":"s","operation":"o","traceId":"t","spanId":"x","durationMs":1,"status":"ok","attributes":{"n":null}}',
    '{"kind":"span","ts":1,"service":"s","operation":"o","traceId":"t","spanId":"x","durationMs":1e400,"status":"ok"}',
    '{"kind":"authz","ts":1,"service":"s","principal":"p","action":"a","resource":"r","decision":"deny"}',
    '{"kind":"authz","ts":1,"service":"s","principal":"p","action":"a","resource":"r","decision":"allow"} x',
    `{"kind":"authz","ts":1,"service":"s","principal":"p","action":"a","resource":"r","decision":"allow","deep":${'['.repeat(100)}${']'.repeat(100)}}`,
  ];
  for (const line of unsure) assert.equal(scanLine(scanner, line), undefined, line);
  // The slow path says the second is valid (the last "kind" wins) and the fifth is not: either way, not the scanner's call.
});

test('interned strings are decoded once and stop at the bound, after which new strings take the slow path', () => {
  const scanner = new CoreEventScanner({ maxStrings: 4 });
  const authz = (resource: string) => `{"kind":"authz","ts":1,"service":"s","principal":"p","action":"a","resource":"${resource}","decision":"allow"}`;
  const first = scanLine(scanner, authz('r1'));
  const again = scanLine(scanner, authz('r1'));
  assert.ok(first?.kind === 'authz' && again?.kind === 'authz');
  assert.equal(first.resource, 'r1');
  assert.equal(scanner.internedStrings, 4);
  assert.equal(scanLine(scanner, authz('r2')), undefined);
  assert.equal(scanner.internedStrings, 4);
  assert.notEqual(scanLine(scanner, authz('r1')), undefined);
});

test('the string table grows past its first size and keeps every string', () => {
  const scanner = new CoreEventScanner();
  const authz = (resource: string) => `{"kind":"authz","ts":1,"service":"s","principal":"p","action":"a","resource":"${resource}","decision":"allow"}`;
  const resources = Array.from({ length: 20_000 }, (_, n) => `bucket/${n.toString(36)}/${'x'.repeat(n % 40)}`);
  for (const resource of resources) assert.equal((scanLine(scanner, authz(resource)) as { resource?: string } | undefined)?.resource, resource);
  const count = scanner.internedStrings;
  for (const resource of resources) assert.equal((scanLine(scanner, authz(resource)) as { resource?: string } | undefined)?.resource, resource);
  assert.equal(scanner.internedStrings, count, 'known strings are found again, not added');
});

test('input is copied once per buffer, and a refilled buffer or a long line is copied again', () => {
  const scanner = new CoreEventScanner();
  const line = (service: string) => `{"kind":"span","ts":1,"service":"${service}","operation":"o","traceId":"t","spanId":"x","durationMs":1,"status":"ok"}`;
  const chunk = Buffer.from(`${line('a')}\n${line('b')}\n`);
  const firstEnd = chunk.indexOf(10);
  assert.equal(scanner.scan(chunk, 0, 0, firstEnd)?.service, 'a');
  assert.equal(scanner.scan(chunk, 0, firstEnd + 1, chunk.length - 1)?.service, 'b');
  // The same buffer read again at another offset, now holding other lines.
  chunk.write(`${line('c')}\n${line('d')}\n`);
  assert.equal(scanner.scan(chunk, chunk.length, 0, firstEnd)?.service, 'c');
  assert.equal(scanner.scan(chunk, chunk.length, firstEnd + 1, chunk.length - 1)?.service, 'd');
  // A line longer than any input so far grows the scanner's memory; the lines after it still scan.
  const long = Buffer.from(line('e').replace('"status":"ok"', `"status":"ok","padding":"${'x'.repeat(3 << 20)}"`));
  assert.equal(scanner.scan(long, 10 << 20, 0, long.length)?.service, 'e');
  assert.equal(scanner.scan(chunk, 20 << 20, 0, firstEnd)?.service, 'c');
});
