/**
 * Timers, injected (docs/architecture.md, code habits). Nothing below the
 * composition root calls setTimeout itself (the sync client, GPIO pulses and
 * debouncing): the composition root hands in a real scheduler, the simulator a
 * virtual one driven by its ManualClock, so a whole run replays from its seed.
 * In the shared leaf base/ so drivers and the backend take the same interface as firmware.
 */
export interface Scheduler {
  /** Runs `fn` once, `delayMs` (≥ 0) from now; the returned function cancels it (idempotent). */
  after(delayMs: number, fn: () => void): Cancel;
}

export type Cancel = () => void;
