import { randomInt } from 'node:crypto';

export interface IdGenerator {
  traceId(): string;
  spanId(): string;
}

/** mulberry32: tiny, fast and good enough for ids that only need to be unique within a run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Same seed, same ids: scenario traces are reproducible byte for byte. */
export function seededIds(seed: number): IdGenerator {
  const next = mulberry32(seed);
  const hex = (words: number) => Array.from({ length: words }, () => next().toString(16).padStart(8, '0')).join('');
  return { traceId: () => hex(4), spanId: () => hex(2) };
}

export function randomIds(): IdGenerator {
  return seededIds(randomInt(0, 2 ** 32 - 1));
}
