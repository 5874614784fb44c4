/**
 * JSON.stringify(value, null, 2), as a sequence of pieces: arrays and objects
 * are written member by member at every depth, so a result with millions of
 * entries (principals, operations) never exists as one string, which V8 caps
 * at about 512 MiB ("Invalid string length"). The text is identical.
 * A small value (at most SMALL_VALUE_NODES arrays, objects and scalars) is
 * one piece from JSON.stringify itself: a generator per scalar would make a
 * million principals' policies take minutes instead of seconds.
 * Hand the pieces to `emit`, which writes them in batches.
 */

const SMALL_VALUE_NODES = 2000;

/** An array whose items are made as they are written (a JsonArray is read once). */
export class JsonArray<T> {
  constructor(readonly items: Iterable<T>) {}
}

export function* jsonPieces(value: unknown, indent = ''): Generator<string> {
  const json = toJsonValue(value);
  if (json === null || typeof json !== 'object') {
    yield JSON.stringify(json) ?? 'null';
    return;
  }
  if (isSmall(json)) {
    yield JSON.stringify(json, null, 2).replaceAll('\n', `\n${indent}`);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(json) || json instanceof JsonArray) {
    let first = true;
    for (const element of json instanceof JsonArray ? json.items : json) {
      const separator = `${first ? '[' : ','}\n${inner}`;
      first = false;
      const item = toJsonValue(element);
      // In an array, what JSON.stringify leaves out of an object is written as null.
      const written = item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : item;
      if (written !== null && typeof written === 'object' && !isSmall(written)) {
        yield separator;
        yield* jsonPieces(written, inner);
      } else {
        yield separator + (JSON.stringify(written, null, 2) ?? 'null').replaceAll('\n', `\n${inner}`);
      }
    }
    yield first ? '[]' : `\n${indent}]`;
    return;
  }
  let first = true;
  for (const key of Object.keys(json)) {
    const item = toJsonValue((json as Record<string, unknown>)[key]);
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    yield* jsonPieces(item, inner);
  }
  yield first ? '{}' : `\n${indent}}`;
}

function toJsonValue(value: unknown): unknown {
  return value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value;
}

/** Whether `value` holds at most SMALL_VALUE_NODES values, and no JsonArray (which JSON.stringify cannot write). */
function isSmall(value: object): boolean {
  const pending: unknown[] = [value];
  let nodes = 0;
  while (pending.length > 0) {
    const next = pending.pop();
    nodes += 1;
    if (nodes > SMALL_VALUE_NODES || next instanceof JsonArray) return false;
    if (next !== null && typeof next === 'object') {
      if (Array.isArray(next)) for (const item of next) pending.push(item);
      else for (const key in next) pending.push((next as Record<string, unknown>)[key]);
    }
  }
  return true;
}
