/**
 * JSON.stringify(value, null, 2), as a sequence of pieces: arrays and objects
 * are written member by member at every depth, so a result with millions of
 * entries (principals, operations) never exists as one string, which V8 caps
 * at about 512 MiB ("Invalid string length"). The text is identical.
 * A small member (at most SMALL_VALUE_NODES arrays, objects and scalars) is
 * one piece from JSON.stringify itself: a piece per scalar would make a
 * million principals' policies take minutes instead of seconds. The walk is
 * one loop over a stack of open arrays and objects, not a generator per level.
 * Hand the pieces to `emit`, which encodes them into large writes.
 */

/** A member with at most this many arrays, objects and scalars is written by one JSON.stringify. */
const SMALL_VALUE_NODES = 2000;

/** An array whose items are made as they are written (a JsonArray is read once). */
export class JsonArray<T> {
  constructor(readonly items: Iterable<T>) {}
}

/** An array or object being written: where it stands, and what closes it. */
interface OpenContainer {
  readonly inner: string;
  /** `\n${indent}]` or `\n${indent}}`, written after the last member. */
  readonly close: string;
  readonly empty: '[]' | '{}';
  /** Members written so far. */
  written: number;
  /** The next member's key (an object's key, or an array's index) and value; undefined once all are taken. */
  next(): [key: string, value: unknown] | undefined;
}

/** What JSON.stringify leaves out of an object, and writes as null in an array. */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function toJsonValue(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(key: string): unknown }).toJSON(key) : value;
}

function arrayMembers(items: readonly unknown[]): () => [string, unknown] | undefined {
  let index = 0;
  return () => {
    if (index >= items.length) return undefined;
    const key = String(index);
    return [key, items[index++]];
  };
}

function iteratedMembers(items: Iterable<unknown>): () => [string, unknown] | undefined {
  const iterator = items[Symbol.iterator]();
  let index = 0;
  return () => {
    const result = iterator.next();
    return result.done === true ? undefined : [String(index++), result.value];
  };
}

function objectMembers(object: Record<string, unknown>): () => [string, unknown] | undefined {
  const keys = Object.keys(object);
  let index = 0;
  return () => (index < keys.length ? [keys[index]!, object[keys[index++]!]] : undefined);
}

/**
 * The text of `value` when it is a scalar (a boxed one too), else undefined:
 * an array or object, to walk. Anything JSON.stringify refuses (a BigInt)
 * makes it throw the same error here.
 */
function scalarText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (value instanceof Number || value instanceof String || value instanceof Boolean) return JSON.stringify(value);
      return undefined;
    default:
      return JSON.stringify(value) ?? 'null';
  }
}

function openContainer(value: object, indent: string): OpenContainer {
  const inner = `${indent}  `;
  if (Array.isArray(value)) return { inner, close: `\n${indent}]`, empty: '[]', written: 0, next: arrayMembers(value) };
  if (value instanceof JsonArray) return { inner, close: `\n${indent}]`, empty: '[]', written: 0, next: iteratedMembers(value.items as Iterable<unknown>) };
  return { inner, close: `\n${indent}}`, empty: '{}', written: 0, next: objectMembers(value as Record<string, unknown>) };
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

export function* jsonPieces(value: unknown): Generator<string> {
  const root = toJsonValue(value, '');
  const rootText = scalarText(root);
  if (rootText !== undefined || isSmall(root as object)) {
    yield rootText ?? JSON.stringify(root, null, 2);
    return;
  }
  const open: OpenContainer[] = [openContainer(root as object, '')];
  const isArray = (container: OpenContainer) => container.empty === '[]';
  while (open.length > 0) {
    const container = open[open.length - 1]!;
    const member = container.next();
    if (member === undefined) {
      yield container.written === 0 ? container.empty : container.close;
      open.pop();
      continue;
    }
    let item = toJsonValue(member[1], member[0]);
    if (isOmitted(item)) {
      if (!isArray(container)) continue;
      item = null;
    }
    const opening = container.written === 0 ? (isArray(container) ? '[' : '{') : ',';
    container.written += 1;
    const separator = isArray(container) ? `${opening}\n${container.inner}` : `${opening}\n${container.inner}${JSON.stringify(member[0])}: `;
    const itemText = scalarText(item);
    if (itemText !== undefined) yield separator + itemText;
    // A small member is one native JSON.stringify, re-indented to its depth: far cheaper than walking its scalars here.
    else if (isSmall(item as object)) yield separator + JSON.stringify(item, null, 2).replaceAll('\n', `\n${container.inner}`);
    else {
      yield separator;
      open.push(openContainer(item as object, container.inner));
    }
  }
}
