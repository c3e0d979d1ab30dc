/**
 * Time, injected. Decision code never reads the wall clock: the simulator owns
 * time, so a whole run replays from its seed. Only the composition root
 * hands in the system clock. Lives in the shared leaf base/ so drivers/ and the
 * backend can take a clock without importing firmware/.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch (UTC). */
  nowMs(): number;
}

/** A clock that moves only when told to: the simulator's and the tests'. */
export class ManualClock implements Clock {
  private currentMs: number;
  constructor(startMs: number) {
    this.currentMs = startMs;
  }
  nowMs(): number {
    return this.currentMs;
  }
  advance(deltaMs: number): void {
    if (!Number.isInteger(deltaMs) || deltaMs < 0)
      throw new Error(`clock can only move forward by whole ms, got ${deltaMs}`);
    this.currentMs += deltaMs;
  }
  set(nowMs: number): void {
    this.currentMs = nowMs;
  }
}
