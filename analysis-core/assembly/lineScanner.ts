/**
 * The fast path of the trace reader, in AssemblyScript (compiled to
 * WebAssembly by scripts/build-scanner.mjs; the TypeScript side is
 * src/trace/fast/coreScanner.ts).
 *
 * `scan` reads one line and answers either "a valid span/authz event, and here
 * are the fields the analyses use" or "not sure". It checks the whole line as
 * JSON, and accepts a line only when JSON.parse plus the schema check would
 * accept it with the same values; anything else (a lone surrogate in a field
 * it returns, escapes in a key, repeated keys, exponents, headers, invalid
 * lines) is "not sure" and goes to the slow path, which also words the
 * error. A differential test holds the two paths together. Escaped field
 * values are decoded to the UTF-8 of the string JSON.parse would make.
 *
 * Strings it returns are interned: the caller gets small ids and decodes each
 * distinct string once.
 */

// ---- Where results go ------------------------------------------------------

import {
  COUNT_GRANTS,
  GRANT_WORDS,
  PAIR_ACCESSES,
  PAIR_OPERATIONS,
  RESULT_ACCESS_RECORD,
  RESULT_ACTION,
  RESULT_BYTES,
  RESULT_DECISION,
  RESULT_DENY_REASON,
  RESULT_DURATION,
  RESULT_OPERATION,
  RESULT_OPERATION_RECORD,
  RESULT_PRINCIPAL,
  RESULT_RESOURCE,
  RESULT_SERVICE,
  RESULT_STATUS,
  RESULT_TS,
  SCAN_AUTHZ,
  SCAN_SPAN,
  SCAN_UNSURE,
} from '../src/trace/fast/scannerLayout';

const RESULT: usize = memory.data(RESULT_BYTES, 8);

export function resultArea(): usize {
  return RESULT;
}

// ---- The input area --------------------------------------------------------

/** Word-at-a-time comparisons may read this far past the end of the input. */
const INPUT_SLACK: usize = 16;
let inputStart: usize = 0;
let inputCapacity: usize = 0;
/** Where the current line's escaped field values are decoded to, one after another from `decodedUsed`. */
let decodedStart: usize = 0;
let decodedUsed: usize = 0;

/** Where the caller copies `length` bytes of input; may grow the memory. */
export function reserveInput(length: usize): usize {
  if (length > inputCapacity) {
    inputCapacity = max(length, inputCapacity * 2);
    inputStart = heap.alloc(inputCapacity + INPUT_SLACK);
    // A line's escaped strings decode to at most its own length.
    decodedStart = heap.alloc(inputCapacity + INPUT_SLACK);
  }
  return inputStart;
}

// ---- Interned strings ------------------------------------------------------

// Fixed regions, so the memory never grows under the caller's views while a
// line is scanned: pages are only resident once touched, so unused room costs nothing.
const MAX_STRINGS: i32 = 1 << 18;
const ARENA_BYTES: usize = 16 << 20;
const stringInfo: usize = heap.alloc(<usize>MAX_STRINGS * 8); // per id: arena offset, length
const arena: usize = heap.alloc(ARENA_BYTES);
let arenaUsed: usize = 0;
let stringCount: i32 = 0;
let stringLimit: i32 = MAX_STRINGS;

// The hash table: 8-byte slots of (id + 1) << 32 | hash, 0 when empty. It starts
// small, so lookups stay in cache for the usual few thousand strings, and doubles
// at half full by rehashing into the other of two regions.
const MIN_SLOTS: u32 = 1 << 12;
const MAX_SLOTS: u32 = <u32>MAX_STRINGS * 2;
const tableRegions: usize = heap.alloc(<usize>MAX_SLOTS * 16);
let table: usize = tableRegions;
let tableMask: u32 = MIN_SLOTS - 1;

function growTable(): void {
  const old = table;
  const oldSlots = tableMask + 1;
  table = old == tableRegions ? tableRegions + <usize>MAX_SLOTS * 8 : tableRegions;
  tableMask = oldSlots * 2 - 1;
  memory.fill(table, 0, <usize>(tableMask + 1) << 3);
  for (let index: u32 = 0; index < oldSlots; index++) {
    const entry = load<u64>(old + (<usize>index << 3));
    if (entry == 0) continue;
    let slot = <u32>entry & tableMask;
    while (load<u64>(table + (<usize>slot << 3)) != 0) slot = (slot + 1) & tableMask;
    store<u64>(table + (<usize>slot << 3), entry);
  }
}

/** Fewer distinct strings than the built-in bound (tests use it to reach the bound). */
export function limitStrings(count: i32): void {
  stringLimit = min(count, MAX_STRINGS);
}

export function internedCount(): i32 {
  return stringCount;
}

export function internedStart(id: i32): usize {
  return arena + <usize>load<u32>(stringInfo + (<usize>id << 3));
}

export function internedLength(id: i32): u32 {
  return load<u32>(stringInfo + (<usize>id << 3) + 4);
}

@inline function lowBytes(word: u64, count: usize): u64 {
  return count >= 8 ? word : word & ((<u64>1 << (<u64>count << 3)) - 1);
}

/** A multiply-xorshift hash over 8-byte words; bytes past the end are masked off. */
function hashBytes(start: usize, length: usize): u32 {
  let hash: u64 = <u64>length * 0x9e3779b97f4a7c15;
  for (let i: usize = 0; i < length; i += 8) {
    hash = (hash ^ lowBytes(load<u64>(start + i), length - i)) * 0xff51afd7ed558ccd;
    hash ^= hash >> 32;
  }
  return <u32>hash;
}

function sameBytes(a: usize, b: usize, length: usize): bool {
  let i: usize = 0;
  for (; i + 8 <= length; i += 8) if (load<u64>(a + i) != load<u64>(b + i)) return false;
  for (; i < length; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

/** The id of bytes [start, start + length), added when new; -1 when the table or the arena is full. */
function intern(start: usize, length: usize): i32 {
  const hash = hashBytes(start, length);
  let slot = hash & tableMask;
  while (true) {
    const entry = load<u64>(table + (<usize>slot << 3));
    if (entry == 0) break;
    if (<u32>entry == hash) {
      const id = <i32>(entry >> 32) - 1;
      const info = stringInfo + (<usize>id << 3);
      if (<usize>load<u32>(info + 4) == length && sameBytes(arena + <usize>load<u32>(info), start, length)) return id;
    }
    slot = (slot + 1) & tableMask;
  }
  if (stringCount >= stringLimit || arenaUsed + length > ARENA_BYTES) return -1;
  memory.copy(arena + arenaUsed, start, length);
  const id = stringCount++;
  const info = stringInfo + (<usize>id << 3);
  store<u32>(info, <u32>arenaUsed);
  store<u32>(info + 4, <u32>length);
  arenaUsed += length;
  store<u64>(table + (<usize>slot << 3), (<u64>(id + 1) << 32) | hash);
  if (<u32>stringCount * 2 > tableMask && tableMask + 1 < MAX_SLOTS) growTable();
  return id;
}

// ---- Pairs of strings -----------------------------------------------------

// Dense numbers for the id pairs a summary counts by, so the caller keeps its
// counts in arrays instead of maps of maps. A string id fits in 18 bits
// (MAX_STRINGS), so a pair packs into one u64 key.
const ID_BITS: u64 = 18;

class PairTable {
  // Slots of 16 bytes: key + 1 (0 when empty), record number. Doubles at half full.
  slots: usize;
  mask: u32;
  count: u32 = 0;
  // Per record: its key, for the caller to name it.
  keys: usize;
  keyCapacity: u32;

  maxRecords: u32;

  constructor(maxRecords: u32) {
    this.maxRecords = maxRecords;
    this.mask = 1023;
    this.slots = heap.alloc(<usize>(this.mask + 1) << 4);
    memory.fill(this.slots, 0, <usize>(this.mask + 1) << 4);
    this.keyCapacity = 512;
    this.keys = heap.alloc(<usize>this.keyCapacity << 3);
  }

  /** The record number of `key`, numbered in order of first sight; -1 when the table is full. */
  recordOf(key: u64): i32 {
    const stored = key + 1;
    let slot = <u32>((stored * 0x9e3779b97f4a7c15) >> 40) & this.mask;
    while (true) {
      const at = this.slots + (<usize>slot << 4);
      const entry = load<u64>(at);
      if (entry == stored) return load<i32>(at + 8);
      if (entry == 0) break;
      slot = (slot + 1) & this.mask;
    }
    if (this.count >= this.maxRecords) return -1;
    const record = this.count++;
    const at = this.slots + (<usize>slot << 4);
    store<u64>(at, stored);
    store<i32>(at + 8, record);
    if (record >= this.keyCapacity) {
      const keys = heap.alloc(<usize>this.keyCapacity << 4);
      memory.copy(keys, this.keys, <usize>this.keyCapacity << 3);
      heap.free(this.keys);
      this.keys = keys;
      this.keyCapacity *= 2;
    }
    store<u64>(this.keys + (<usize>record << 3), key);
    if (this.count * 2 > this.mask) this.grow();
    return record;
  }

  private grow(): void {
    const old = this.slots;
    const oldSlots = this.mask + 1;
    this.mask = oldSlots * 2 - 1;
    this.slots = heap.alloc(<usize>(this.mask + 1) << 4);
    memory.fill(this.slots, 0, <usize>(this.mask + 1) << 4);
    for (let index: u32 = 0; index < oldSlots; index++) {
      const from = old + (<usize>index << 4);
      const entry = load<u64>(from);
      if (entry == 0) continue;
      let slot = <u32>((entry * 0x9e3779b97f4a7c15) >> 40) & this.mask;
      while (load<u64>(this.slots + (<usize>slot << 4)) != 0) slot = (slot + 1) & this.mask;
      store<u64>(this.slots + (<usize>slot << 4), entry);
      store<i32>(this.slots + (<usize>slot << 4) + 8, load<i32>(from + 8));
    }
    heap.free(old);
  }

  /** Part `part` (0 first) of record `record`'s pair. */
  idOf(record: i32, part: i32): i32 {
    const key = load<u64>(this.keys + (<usize>record << 3));
    return <i32>((key >> (<u64>(1 - part) * ID_BITS)) & ((<u64>1 << ID_BITS) - 1));
  }
}

// Limits past which a line with a new pair takes the slow path.
const operations = new PairTable(1 << 20); // (service, operation)
const accesses = new PairTable(1 << 20); // (principal, action)


/** The string id in place `part` of a record's pair in table PAIR_OPERATIONS or PAIR_ACCESSES. */
export function pairId(table: i32, record: i32, part: i32): i32 {
  return (table == PAIR_OPERATIONS ? operations : accesses).idOf(record, part);
}

// ---- Grant counts -----------------------------------------------------------

// How often each (principal, action, resource) was allowed, explicitly denied
// and implicitly denied, kept here so a policy costs no JavaScript per line. A
// key is the (principal, action) record and the resource id (38 bits).
// Slots of 24 bytes: key | GRANT_PRESENT (0 when empty), then the three u32
// counts. Like the string table, the slots double at half full into the other
// of two fixed regions, reserved on first use; pages are only resident once
// touched, so the room a run does not reach costs nothing.
const MAX_GRANTS: u32 = 1 << 21;
const MIN_GRANT_SLOTS: u32 = 1 << 10;
const MAX_GRANT_SLOTS: u32 = MAX_GRANTS * 2;
const GRANT_SLOT_BYTES: usize = 24;
const GRANT_PRESENT: u64 = <u64>1 << 63;
/** A drained grant: GRANT_WORDS u32 words. */
const GRANT_RECORD_BYTES: usize = GRANT_WORDS * 4;
let grantRegions: usize = 0;
let grantSlots: usize = 0;
let grantMask: u32 = 0;
let grantCount: u32 = 0;
let grantLimit: u32 = MAX_GRANTS;

/** Fewer distinct grants than the built-in bound (tests use it to reach the bound). */
export function limitGrants(count: u32): void {
  grantLimit = min(count, MAX_GRANTS);
}

@inline function grantSlot(stored: u64, mask: u32): u32 {
  return <u32>((stored * 0x9e3779b97f4a7c15) >> 40) & mask;
}

/** Empties the table, at its smallest size (nothing to do before the first count reserved it). */
export function clearGrants(): void {
  if (grantRegions == 0) return;
  grantSlots = grantRegions;
  grantMask = MIN_GRANT_SLOTS - 1;
  grantCount = 0;
  memory.fill(grantSlots, 0, <usize>MIN_GRANT_SLOTS * GRANT_SLOT_BYTES);
}

function growGrants(): void {
  const old = grantSlots;
  const oldSlots = grantMask + 1;
  grantSlots = old == grantRegions ? grantRegions + <usize>MAX_GRANT_SLOTS * GRANT_SLOT_BYTES : grantRegions;
  grantMask = oldSlots * 2 - 1;
  memory.fill(grantSlots, 0, <usize>(grantMask + 1) * GRANT_SLOT_BYTES);
  for (let index: u32 = 0; index < oldSlots; index++) {
    const from = old + <usize>index * GRANT_SLOT_BYTES;
    const stored = load<u64>(from);
    if (stored == 0) continue;
    let slot = grantSlot(stored, grantMask);
    while (load<u64>(grantSlots + <usize>slot * GRANT_SLOT_BYTES) != 0) slot = (slot + 1) & grantMask;
    memory.copy(grantSlots + <usize>slot * GRANT_SLOT_BYTES, from, GRANT_SLOT_BYTES);
  }
}

/** Adds one to count `column` of `key`; false, counting nothing, when the table is full or the count would overflow. */
function countGrant(key: u64, column: i32): bool {
  if (grantRegions == 0) {
    grantRegions = heap.alloc(<usize>MAX_GRANT_SLOTS * GRANT_SLOT_BYTES * 2);
    clearGrants();
  }
  const stored = key | GRANT_PRESENT;
  let slot = grantSlot(stored, grantMask);
  while (true) {
    const at = grantSlots + <usize>slot * GRANT_SLOT_BYTES;
    const entry = load<u64>(at);
    if (entry == stored) {
      const counter = at + 8 + (<usize>column << 2);
      const count = load<u32>(counter);
      if (count == u32.MAX_VALUE) return false;
      store<u32>(counter, count + 1);
      return true;
    }
    if (entry == 0) break;
    slot = (slot + 1) & grantMask;
  }
  if (grantCount >= grantLimit) return false;
  const at = grantSlots + <usize>slot * GRANT_SLOT_BYTES;
  store<u64>(at, stored);
  store<u32>(at + 8 + (<usize>column << 2), 1);
  grantCount++;
  if (grantCount * 4 > grantMask * 3) growGrants();
  return true;
}

/**
 * Writes every grant counted since the last clear, GRANT_RECORD_BYTES each,
 * into the region the table is not using and returns where; `grantsCounted()`
 * says how many. Valid until the next count or clear.
 */
export function listGrants(): usize {
  if (grantRegions == 0) return 0;
  const list = grantSlots == grantRegions ? grantRegions + <usize>MAX_GRANT_SLOTS * GRANT_SLOT_BYTES : grantRegions;
  let out = list;
  for (let index: u32 = 0; index <= grantMask; index++) {
    const at = grantSlots + <usize>index * GRANT_SLOT_BYTES;
    const stored = load<u64>(at);
    if (stored == 0) continue;
    store<u32>(out, <u32>(stored >> ID_BITS));
    store<u32>(out + 4, <u32>stored & ((1 << <u32>ID_BITS) - 1));
    memory.copy(out + 8, at + 8, 12);
    out += GRANT_RECORD_BYTES;
  }
  return list;
}

export function grantsCounted(): u32 {
  return grantCount;
}

// ---- Known texts -----------------------------------------------------------

// Keys first (their index is the key id), then the values compared against.
const TEXTS: StaticArray<string> = [
  'kind', 'ts', 'service', 'operation', 'traceId', 'spanId', 'parentSpanId', 'durationMs', 'status', 'attributes',
  'principal', 'action', 'resource', 'decision', 'denyReason', 'matchedStatements',
  'span', 'authz', 'ok', 'error', 'unset', 'allow', 'deny', 'explicit', 'implicit', 'true', 'false', 'null',
];
const KIND = 0;
const TS = 1;
const SERVICE = 2;
const OPERATION = 3;
const TRACE_ID = 4;
const SPAN_ID = 5;
const PARENT_SPAN_ID = 6;
const DURATION_MS = 7;
const STATUS = 8;
const ATTRIBUTES = 9;
const PRINCIPAL = 10;
const ACTION = 11;
const RESOURCE = 12;
const DECISION = 13;
const DENY_REASON = 14;
const MATCHED_STATEMENTS = 15;
const KEY_COUNT = 16;
const UNKNOWN_KEY = -1;
const SPAN = 16;
const AUTHZ = 17;
const OK = 18;
const ERROR = 19;
const UNSET = 20;
const ALLOW = 21;
const DENY = 22;
const EXPLICIT = 23;
const IMPLICIT = 24;
const TRUE = 25;
const FALSE = 26;
const NULL = 27;

// Each text as three little-endian words, so comparing is a few word loads.
const textLength = new StaticArray<usize>(TEXTS.length);
const textWords = new StaticArray<u64>(TEXTS.length * 3);
// Keys are found through a 32-slot table indexed by length, first and last byte.
const keySlots = new StaticArray<i32>(32);

@inline function keySlot(length: u32, first: u32, last: u32): u32 {
  return (length * 8 + first * 3 + last) & 31;
}

function packTexts(): void {
  for (let t = 0; t < TEXTS.length; t++) {
    const text = unchecked(TEXTS[t]);
    unchecked((textLength[t] = <usize>text.length));
    for (let i = 0; i < text.length; i++) {
      const word = t * 3 + (i >> 3);
      unchecked((textWords[word] |= <u64>text.charCodeAt(i) << (<u64>(i & 7) << 3)));
    }
  }
  for (let slot = 0; slot < 32; slot++) unchecked((keySlots[slot] = UNKNOWN_KEY));
  for (let key = 0; key < KEY_COUNT; key++) {
    const text = unchecked(TEXTS[key]);
    const slot = keySlot(text.length, text.charCodeAt(0), text.charCodeAt(text.length - 1));
    // Two keys in one slot would make one of them unknown: refuse to start instead.
    if (unchecked(keySlots[slot]) != UNKNOWN_KEY) unreachable();
    unchecked((keySlots[slot] = key));
  }
}
packTexts();

/** Bytes [start, start + length) equal TEXTS[t] (the input slack keeps the word loads inside memory). */
function isText(start: usize, length: usize, t: i32): bool {
  if (unchecked(textLength[t]) != length) return false;
  const word = t * 3;
  if (lowBytes(load<u64>(start), length) != unchecked(textWords[word])) return false;
  if (length > 8 && lowBytes(load<u64>(start + 8), length - 8) != unchecked(textWords[word + 1])) return false;
  return length <= 16 || lowBytes(load<u64>(start + 16), length - 16) == unchecked(textWords[word + 2]);
}

/** The known key bytes [start, start + length) spell (length > 0), or UNKNOWN_KEY. */
function keyOf(start: usize, length: usize): i32 {
  const key = unchecked(keySlots[keySlot(<u32>length, load<u8>(start), load<u8>(start + length - 1))]);
  return key != UNKNOWN_KEY && isText(start, length, key) ? key : UNKNOWN_KEY;
}

// ---- JSON tokens -----------------------------------------------------------

let pos: usize = 0;
let end: usize = 0;
/** The line is not valid JSON (or too deep to follow): unsure. */
let broken = false;

// The last string scanned: its bytes, and whether it had no escapes (its bytes are its value).
let stringStart: usize = 0;
let stringLength: usize = 0;
let stringPlain = false;

// The last number scanned; its value is known exactly when it is simple.
let numberValue: f64 = 0;
let numberSimple = false;
let numberHasExponent = false;

@inline function peek(): u32 {
  return pos < end ? <u32>load<u8>(pos) : 0;
}

@inline function skipSpace(): void {
  while (pos < end) {
    const c = load<u8>(pos);
    if (c != 0x20 && c != 0x09 && c != 0x0d && c != 0x0a) return;
    pos++;
  }
}

@inline function isHex(c: u32): bool {
  return c - 0x30 < 10 || (c | 0x20) - 0x61 < 6;
}

/** At an opening quote; leaves `pos` after the closing one. Control characters and bad escapes break the line. */
function scanString(): void {
  let p = pos + 1;
  const e = end;
  stringStart = p;
  stringPlain = true;
  const quote = i8x16.splat(0x22);
  const backslash = i8x16.splat(0x5c);
  const space = i8x16.splat(0x20);
  while (true) {
    // Sixteen bytes at a time up to the next quote, backslash or control character.
    while (p + 16 <= e) {
      const bytes = v128.load(p);
      const mask = i8x16.bitmask(v128.or(v128.or(i8x16.eq(bytes, quote), i8x16.eq(bytes, backslash)), i8x16.lt_u(bytes, space)));
      if (mask != 0) {
        p += <usize>ctz<u32>(mask);
        break;
      }
      p += 16;
    }
    while (p < e) {
      const c = load<u8>(p);
      if (c == 0x22 || c == 0x5c || c < 0x20) break;
      p++;
    }
    if (p >= e) break;
    const c = <u32>load<u8>(p);
    if (c == 0x22) {
      stringLength = p - stringStart;
      pos = p + 1;
      return;
    }
    if (c < 0x20) break;
    stringPlain = false;
    p++;
    if (p >= e) break;
    const escaped = <u32>load<u8>(p);
    if (escaped == 0x75) {
      if (p + 4 >= e || !isHex(load<u8>(p + 1)) || !isHex(load<u8>(p + 2)) || !isHex(load<u8>(p + 3)) || !isHex(load<u8>(p + 4))) break;
      p += 5;
    } else if (escaped == 0x22 || escaped == 0x5c || escaped == 0x2f || escaped == 0x62 || escaped == 0x66 || escaped == 0x6e || escaped == 0x72 || escaped == 0x74) {
      p++;
    } else {
      break;
    }
  }
  pos = p;
  broken = true;
}

@inline function hexValue(c: u32): u32 {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}

@inline function hex4(p: usize): u32 {
  return (hexValue(load<u8>(p)) << 12) | (hexValue(load<u8>(p + 1)) << 8) | (hexValue(load<u8>(p + 2)) << 4) | hexValue(load<u8>(p + 3));
}

/**
 * Decodes the last string scanned (escapes already checked by scanString)
 * into the decode area as UTF-8, the bytes JSON.parse's string would encode
 * to; returns its length, or -1 for a lone surrogate (a string UTF-8 cannot
 * hold: the slow path keeps it as JavaScript does).
 */
function decodeString(): isize {
  let out = decodedStart + decodedUsed;
  const begin = out;
  let p = stringStart;
  const e = stringStart + stringLength;
  while (p < e) {
    const c = <u32>load<u8>(p);
    if (c != 0x5c) {
      store<u8>(out++, <u8>c);
      p++;
      continue;
    }
    const escaped = <u32>load<u8>(p + 1);
    p += 2;
    if (escaped != 0x75) {
      const value: u32 = escaped == 0x62 ? 0x08 : escaped == 0x66 ? 0x0c : escaped == 0x6e ? 0x0a : escaped == 0x72 ? 0x0d : escaped == 0x74 ? 0x09 : escaped;
      store<u8>(out++, <u8>value);
      continue;
    }
    let code = hex4(p);
    p += 4;
    if (code - 0xdc00 < 0x400) return -1;
    if (code - 0xd800 < 0x400) {
      if (p + 6 > e || load<u8>(p) != 0x5c || load<u8>(p + 1) != 0x75) return -1;
      const low = hex4(p + 2);
      if (low - 0xdc00 >= 0x400) return -1;
      code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
      p += 6;
    }
    if (code < 0x80) {
      store<u8>(out++, <u8>code);
    } else if (code < 0x800) {
      store<u8>(out++, <u8>(0xc0 | (code >> 6)));
      store<u8>(out++, <u8>(0x80 | (code & 0x3f)));
    } else if (code < 0x10000) {
      store<u8>(out++, <u8>(0xe0 | (code >> 12)));
      store<u8>(out++, <u8>(0x80 | ((code >> 6) & 0x3f)));
      store<u8>(out++, <u8>(0x80 | (code & 0x3f)));
    } else {
      store<u8>(out++, <u8>(0xf0 | (code >> 18)));
      store<u8>(out++, <u8>(0x80 | ((code >> 12) & 0x3f)));
      store<u8>(out++, <u8>(0x80 | ((code >> 6) & 0x3f)));
      store<u8>(out++, <u8>(0x80 | (code & 0x3f)));
    }
  }
  decodedUsed += out - begin;
  return <isize>(out - begin);
}

const POWERS_OF_TEN: StaticArray<f64> = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * A JSON number. Simple means non-negative, no exponent and at most 15
 * digits: then digits / 10^fraction is one correctly rounded division of two
 * exact doubles, the same double JSON.parse gives.
 */
function scanNumber(): void {
  let p = pos;
  const e = end;
  let simple = true;
  let mantissa: u64 = 0;
  let digits: i32 = 0;
  let fraction: i32 = 0;
  numberHasExponent = false;
  if (p < e && load<u8>(p) == 0x2d) {
    simple = false;
    p++;
  }
  let c: u32 = p < e ? <u32>load<u8>(p) : 0;
  if (c == 0x30) {
    p++;
    digits = 1;
  } else if (c - 0x31 < 9) {
    while (p < e) {
      c = <u32>load<u8>(p) - 0x30;
      if (c > 9) break;
      mantissa = mantissa * 10 + c;
      digits++;
      p++;
    }
  } else {
    pos = p;
    broken = true;
    return;
  }
  if (p < e && load<u8>(p) == 0x2e) {
    p++;
    const first = p;
    while (p < e) {
      c = <u32>load<u8>(p) - 0x30;
      if (c > 9) break;
      mantissa = mantissa * 10 + c;
      p++;
    }
    fraction = <i32>(p - first);
    digits += fraction;
    if (fraction == 0) broken = true;
  }
  c = p < e ? <u32>load<u8>(p) : 0;
  if (c == 0x65 || c == 0x45) {
    simple = false;
    numberHasExponent = true;
    p++;
    c = p < e ? <u32>load<u8>(p) : 0;
    if (c == 0x2b || c == 0x2d) p++;
    const first = p;
    while (p < e && <u32>load<u8>(p) - 0x30 <= 9) p++;
    if (p == first) broken = true;
  }
  pos = p;
  numberSimple = simple && digits <= 15;
  if (numberSimple) numberValue = fraction == 0 ? <f64>mantissa : <f64>mantissa / unchecked(POWERS_OF_TEN[fraction]);
}

function scanLiteral(t: i32): void {
  const length = unchecked(textLength[t]);
  if (pos + length > end || !isText(pos, length, t)) broken = true;
  else pos += length;
}

/** Nesting deeper than this is left to JSON.parse. */
const MAX_DEPTH: i32 = 64;

/** Any JSON value, checked and dropped. */
function skipValue(depth: i32): void {
  const c = peek();
  if (c == 0x22) scanString();
  else if (c == 0x7b || c == 0x5b) scanContainer(depth + 1, ANY_VALUE);
  else if (c == 0x74) scanLiteral(TRUE);
  else if (c == 0x66) scanLiteral(FALSE);
  else if (c == 0x6e) scanLiteral(NULL);
  else scanNumber();
}

// What the member values of a container must be for it to count as valid.
const ANY_VALUE = 0;
/** Strings, booleans and finite numbers (`attributes`). */
const ATTRIBUTE_VALUE = 1;
/** Strings (`matchedStatements`). */
const STRING_VALUE = 2;

/** One member value, checked either way; whether it is of the kind asked for. */
function scanMember(depth: i32, kind: i32): bool {
  const c = peek();
  if (kind != ANY_VALUE && c == 0x22) {
    scanString();
    return true;
  }
  if (kind == ATTRIBUTE_VALUE) {
    if (c == 0x74 || c == 0x66) {
      scanLiteral(c == 0x74 ? TRUE : FALSE);
      return true;
    }
    if (c == 0x2d || c - 0x30 < 10) {
      const first = pos;
      scanNumber();
      // Without an exponent, 300 characters cannot reach Infinity; with one, JSON.parse decides.
      return !numberHasExponent && pos - first <= 300;
    }
  }
  skipValue(depth);
  return kind == ANY_VALUE;
}

/** The object or array at `pos`, checked; whether every member value is of the kind asked for. */
function scanContainer(depth: i32, kind: i32): bool {
  if (depth > MAX_DEPTH) {
    broken = true;
    return false;
  }
  const isObject = peek() == 0x7b;
  const close: u32 = isObject ? 0x7d : 0x5d;
  let valid = true;
  pos++;
  skipSpace();
  if (peek() == close) {
    pos++;
    return true;
  }
  while (!broken) {
    if (isObject) {
      if (peek() != 0x22) break;
      scanString();
      skipSpace();
      if (peek() != 0x3a) break;
      pos++;
      skipSpace();
    }
    if (!scanMember(depth, kind)) valid = false;
    skipSpace();
    const next = peek();
    pos++;
    if (next == close) return valid;
    if (next != 0x2c) break;
    skipSpace();
  }
  broken = true;
  return false;
}

/** A value that must be a container opening with `open` whose members are of `kind`: whether it is one. */
function scanTyped(open: u32, kind: i32): bool {
  if (peek() == open) return scanContainer(1, kind);
  skipValue(0);
  return false;
}

// ---- One line --------------------------------------------------------------

// Per key of the line: seen at all, and usable (a non-empty plain string, a simple number, a valid record).
let seen: u32 = 0;
let usable: u32 = 0;
const fieldStart = new StaticArray<usize>(KEY_COUNT);
const fieldLength = new StaticArray<usize>(KEY_COUNT);
let ts: f64 = 0;
let durationMs: f64 = 0;

@inline function isUsable(key: i32): bool {
  return (usable & (1 << key)) != 0;
}

/** Absent, or present and usable: an optional key with a value the schema refuses is left to the slow path. */
@inline function isAbsentOrUsable(key: i32): bool {
  return (seen & (1 << key)) == 0 || isUsable(key);
}

function fieldIs(key: i32, t: i32): bool {
  return isText(unchecked(fieldStart[key]), unchecked(fieldLength[key]), t);
}

function internField(key: i32, at: usize): bool {
  const id = intern(unchecked(fieldStart[key]), unchecked(fieldLength[key]));
  store<i32>(RESULT + at, id);
  return id >= 0;
}

function readValue(key: i32): void {
  const bit: u32 = 1 << key;
  const c = peek();
  if (key == TS || key == DURATION_MS) {
    if (c != 0x2d && c - 0x30 >= 10) {
      skipValue(0);
      return;
    }
    scanNumber();
    if (!numberSimple) return;
    usable |= bit;
    if (key == TS) ts = numberValue;
    else durationMs = numberValue;
  } else if (key == ATTRIBUTES) {
    if (scanTyped(0x7b, ATTRIBUTE_VALUE)) usable |= bit;
  } else if (key == MATCHED_STATEMENTS) {
    if (scanTyped(0x5b, STRING_VALUE)) usable |= bit;
  } else if (c == 0x22) {
    scanString();
    if (broken || stringLength == 0) return;
    if (stringPlain) {
      usable |= bit;
      unchecked((fieldStart[key] = stringStart));
      unchecked((fieldLength[key] = stringLength));
      return;
    }
    const start = decodedStart + decodedUsed;
    const length = decodeString();
    if (length < 0) return;
    usable |= bit;
    unchecked((fieldStart[key] = start));
    unchecked((fieldLength[key] = <usize>length));
  } else {
    skipValue(0);
  }
}

/** Reads the object's members; false when the line is not one well-formed object with distinct known keys. */
function readObject(): bool {
  skipSpace();
  if (peek() != 0x7b) return false;
  pos++;
  skipSpace();
  while (true) {
    if (peek() != 0x22) return false;
    scanString();
    if (broken || !stringPlain || stringLength == 0) return false;
    const key = keyOf(stringStart, stringLength);
    skipSpace();
    if (peek() != 0x3a) return false;
    pos++;
    skipSpace();
    if (key == UNKNOWN_KEY) {
      skipValue(0);
    } else {
      // A repeated key: JSON.parse keeps the last value; leave that to it.
      if ((seen & (1 << key)) != 0) return false;
      seen |= 1 << key;
      readValue(key);
    }
    if (broken) return false;
    skipSpace();
    const next = peek();
    pos++;
    if (next == 0x7d) break;
    if (next != 0x2c) return false;
    skipSpace();
  }
  skipSpace();
  return pos == end;
}

/** Numbers the pair of string ids at result offsets `first` and `second` into result offset `at`; false when `table` is full. */
function numberPair(table: PairTable, first: usize, second: usize, at: usize): bool {
  const record = table.recordOf((<u64>load<i32>(RESULT + first) << ID_BITS) | <u64>load<i32>(RESULT + second));
  store<i32>(RESULT + at, record);
  return record >= 0;
}

function span(): i32 {
  if (!isUsable(OPERATION) || !isUsable(TRACE_ID) || !isUsable(SPAN_ID) || !isUsable(DURATION_MS) || !isUsable(STATUS)) return SCAN_UNSURE;
  if (!isAbsentOrUsable(PARENT_SPAN_ID) || !isAbsentOrUsable(ATTRIBUTES)) return SCAN_UNSURE;
  const status = fieldIs(STATUS, OK) ? 0 : fieldIs(STATUS, ERROR) ? 1 : fieldIs(STATUS, UNSET) ? 2 : -1;
  if (status < 0) return SCAN_UNSURE;
  if (!internField(SERVICE, RESULT_SERVICE) || !internField(OPERATION, RESULT_OPERATION)) return SCAN_UNSURE;
  if ((pairsWanted & PAIR_OPERATIONS) != 0 && !numberPair(operations, RESULT_SERVICE, RESULT_OPERATION, RESULT_OPERATION_RECORD)) return SCAN_UNSURE;
  store<f64>(RESULT + RESULT_TS, ts);
  store<f64>(RESULT + RESULT_DURATION, durationMs);
  store<i32>(RESULT + RESULT_STATUS, status);
  return SCAN_SPAN;
}

function authz(): i32 {
  if (!isUsable(PRINCIPAL) || !isUsable(ACTION) || !isUsable(RESOURCE) || !isUsable(DECISION)) return SCAN_UNSURE;
  if (!isAbsentOrUsable(TRACE_ID) || !isAbsentOrUsable(SPAN_ID) || !isAbsentOrUsable(MATCHED_STATEMENTS) || !isAbsentOrUsable(DENY_REASON)) return SCAN_UNSURE;
  const decision = fieldIs(DECISION, ALLOW) ? 0 : fieldIs(DECISION, DENY) ? 1 : -1;
  if (decision < 0) return SCAN_UNSURE;
  let denyReason = 0;
  if (isUsable(DENY_REASON)) {
    denyReason = fieldIs(DENY_REASON, EXPLICIT) ? 1 : fieldIs(DENY_REASON, IMPLICIT) ? 2 : -1;
    if (denyReason < 0) return SCAN_UNSURE;
  }
  // A deny must say why (the schema's rule).
  if (decision == 1 && denyReason == 0) return SCAN_UNSURE;
  if (!internField(SERVICE, RESULT_SERVICE) || !internField(PRINCIPAL, RESULT_PRINCIPAL) || !internField(ACTION, RESULT_ACTION) || !internField(RESOURCE, RESULT_RESOURCE)) return SCAN_UNSURE;
  if ((pairsWanted & PAIR_ACCESSES) != 0 && !numberPair(accesses, RESULT_PRINCIPAL, RESULT_ACTION, RESULT_ACCESS_RECORD)) return SCAN_UNSURE;
  // Last: a line is counted only once nothing can send it to the slow path. The column is countDecision's rule.
  if ((pairsWanted & COUNT_GRANTS) != 0) {
    const grant = (<u64>load<i32>(RESULT + RESULT_ACCESS_RECORD) << ID_BITS) | <u64>load<i32>(RESULT + RESULT_RESOURCE);
    if (!countGrant(grant, decision == 0 ? 0 : denyReason)) return SCAN_UNSURE;
  }
  store<f64>(RESULT + RESULT_TS, ts);
  store<i32>(RESULT + RESULT_DECISION, decision);
  store<i32>(RESULT + RESULT_DENY_REASON, denyReason);
  return SCAN_AUTHZ;
}

let pairsWanted: i32 = 0;

/**
 * Scans the `length` bytes at `start` (inside the input area): SCAN_SPAN or
 * SCAN_AUTHZ with the result area filled, or SCAN_UNSURE. `pairs` says which
 * pair records to fill in (PAIR_* flags); a pair table may grow the memory.
 */
export function scan(start: usize, length: usize, pairs: i32): i32 {
  pairsWanted = pairs;
  pos = start;
  end = start + length;
  broken = false;
  seen = 0;
  usable = 0;
  decodedUsed = 0;
  if (!readObject() || !isUsable(KIND) || !isUsable(TS) || !isUsable(SERVICE)) return SCAN_UNSURE;
  if (fieldIs(KIND, SPAN)) return span();
  if (fieldIs(KIND, AUTHZ)) return authz();
  return SCAN_UNSURE;
}
