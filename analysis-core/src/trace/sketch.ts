/**
 * A mergeable quantile sketch in the DDSketch style: values fall into
 * logarithmic buckets [gamma^(i-1), gamma^i), so any quantile it returns is
 * within RELATIVE_ACCURACY (1%) of the true value, memory grows with the
 * log of the value range (not the count), and merging is adding buckets.
 */
export const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Values at or below this (in the unit given, here milliseconds: one nanosecond) count as zero. */
const MIN_VALUE = 1e-6;

export interface SketchState {
  /** counts[k] is the bucket with index offset + k. */
  counts: number[];
  offset: number;
  zeros: number;
  count: number;
  min: number;
  max: number;
}

export class QuantileSketch {
  private counts: number[] = [];
  private offset = 0;
  private zeros = 0;
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  static from(state: SketchState): QuantileSketch {
    const sketch = new QuantileSketch();
    Object.assign(sketch, { ...state, counts: [...state.counts] });
    return sketch;
  }

  add(value: number): void {
    this.count += 1;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value <= MIN_VALUE) {
      this.zeros += 1;
      return;
    }
    this.bump(Math.ceil(Math.log(value) / LOG_GAMMA), 1);
  }

  /** Adds the values of the sketch whose state this is (merge(QuantileSketch.from(state)), without the copy). */
  mergeState(state: SketchState): void {
    if (state.count === 0) return;
    this.count += state.count;
    this.zeros += state.zeros;
    this.min = Math.min(this.min, state.min);
    this.max = Math.max(this.max, state.max);
    for (let k = 0; k < state.counts.length; k++) {
      const bucketCount = state.counts[k]!;
      if (bucketCount > 0) this.bump(state.offset + k, bucketCount);
    }
  }

  /** The q-quantile (0 <= q <= 1), within 1% relative error; undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = q * (this.count - 1);
    let seen = this.zeros;
    if (rank < seen) return Math.max(this.min, 0);
    for (let k = 0; k < this.counts.length; k++) {
      seen += this.counts[k]!;
      if (rank < seen) {
        // The bucket's midpoint in the relative sense: off by at most the relative accuracy.
        const estimate = (2 * GAMMA ** (this.offset + k)) / (GAMMA + 1);
        return Math.min(Math.max(estimate, this.min), this.max);
      }
    }
    return this.max;
  }

  /** Plain data; leading and trailing empty buckets are left out. */
  state(): SketchState {
    let first = 0;
    let last = this.counts.length;
    while (first < last && this.counts[first] === 0) first++;
    while (last > first && this.counts[last - 1] === 0) last--;
    return { counts: this.counts.slice(first, last), offset: this.offset + first, zeros: this.zeros, count: this.count, min: this.min, max: this.max };
  }

  private bump(index: number, amount: number): void {
    if (this.counts.length === 0) {
      this.offset = index;
      this.counts.push(amount);
      return;
    }
    if (index < this.offset) {
      // Grow downwards with slack, so values arriving in falling order cost amortized O(1).
      const pad = Math.max(this.offset - index, this.counts.length, 16);
      const grown = new Array<number>(pad + this.counts.length).fill(0);
      for (let k = 0; k < this.counts.length; k++) grown[pad + k] = this.counts[k]!;
      this.counts = grown;
      this.offset -= pad;
    } else {
      for (let k = this.offset + this.counts.length; k <= index; k++) this.counts.push(0);
    }
    this.counts[index - this.offset]! += amount;
  }
}
