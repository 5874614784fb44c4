/**
 * JSON.stringify(value, null, 2), as a sequence of pieces: arrays and objects
 * are written member by member at every depth, so a result with millions of
 * entries (principals, operations) never exists as one string, which V8 caps
 * at about 512 MiB ("Invalid string length"). The text is identical.
 * Hand the pieces to `emit`, which writes them in batches.
 */
export function* jsonPieces(value: unknown, indent = ''): Generator<string> {
  const json = toJsonValue(value);
  if (json === null || typeof json !== 'object') {
    yield JSON.stringify(json) ?? 'null';
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(json)) {
    if (json.length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (let index = 0; index < json.length; index++) {
      yield `${index === 0 ? '' : ','}\n${inner}`;
      const item = toJsonValue(json[index]);
      // In an array, what JSON.stringify leaves out of an object is written as null.
      yield* jsonPieces(item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : item, inner);
    }
    yield `\n${indent}]`;
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
