/**
 * Where each event of a trace file sits: byte offset, length and line, in
 * growable typed arrays (16 bytes per event), so the table can show any row of
 * a multi-gigabyte file by reading just that line again.
 */
export class EventIndex {
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);
  private lines = new Uint32Array(1024);
  /** Position of the event inside its line: OTLP lines carry many events. */
  private ordinals = new Uint32Array(1024);
  size = 0;

  add(offset: number, length: number, line: number): void {
    if (this.size === this.offsets.length) this.grow();
    const previous = this.size - 1;
    this.ordinals[this.size] = previous >= 0 && this.offsets[previous] === offset ? (this.ordinals[previous] ?? 0) + 1 : 0;
    this.offsets[this.size] = offset;
    this.lengths[this.size] = length;
    this.lines[this.size] = line;
    this.size += 1;
  }

  offset(index: number): number {
    return this.offsets[index] ?? 0;
  }

  length(index: number): number {
    return this.lengths[index] ?? 0;
  }

  line(index: number): number {
    return this.lines[index] ?? 0;
  }

  ordinal(index: number): number {
    return this.ordinals[index] ?? 0;
  }

  clear(): void {
    this.size = 0;
  }

  private grow(): void {
    const capacity = this.offsets.length * 2;
    const offsets = new Float64Array(capacity);
    offsets.set(this.offsets);
    const lengths = new Uint32Array(capacity);
    lengths.set(this.lengths);
    const lines = new Uint32Array(capacity);
    lines.set(this.lines);
    const ordinals = new Uint32Array(capacity);
    ordinals.set(this.ordinals);
    this.offsets = offsets;
    this.lengths = lengths;
    this.lines = lines;
    this.ordinals = ordinals;
  }
}
