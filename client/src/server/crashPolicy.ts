/**
 * When the language server dies, restart it after a growing pause; after too
 * many deaths in a short window stop and tell the user, instead of looping.
 */
export interface CrashDecision {
  restart: boolean;
  /** Pause before the restart, in milliseconds. */
  delayMs: number;
  /** Deaths inside the window, this one included. */
  recentCrashes: number;
}

export class CrashPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly maxCrashes = 5,
    private readonly windowMs = 3 * 60_000,
    private readonly baseDelayMs = 250,
    private readonly maxDelayMs = 8_000,
  ) {}

  onCrash(now: number): CrashDecision {
    this.crashes = this.crashes.filter((at) => now - at < this.windowMs);
    this.crashes.push(now);
    const recentCrashes = this.crashes.length;
    if (recentCrashes >= this.maxCrashes) return { restart: false, delayMs: 0, recentCrashes };
    const delayMs = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (recentCrashes - 1));
    return { restart: true, delayMs, recentCrashes };
  }

  /** A manual restart starts counting afresh. */
  reset(): void {
    this.crashes = [];
  }
}
