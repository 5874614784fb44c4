/**
 * Time as the service sees it. The emulator charges simulated latency for
 * storage and queue work; on the simulated clock that moves time forward, so
 * a scenario produces the same timestamps on every run.
 */
export interface Clock {
  now(): number;
  /** Accounts for `ms` of work. Real time passes by itself, so the system clock ignores it. */
  advance(ms: number): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  advance: () => {},
};

export class SimulatedClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot move the clock by ${ms} ms`);
    this.current += ms;
  }
}
