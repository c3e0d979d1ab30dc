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

/** Real timers, for a terminal and the `onecard backend` process. */
export const systemScheduler: Scheduler = {
  after(delayMs, fn) {
    if (delayMs <= 0) {
      // "Next turn": after pending I/O (a tap gets in between), without setTimeout's 1 ms floor,
      // which idled the upload for a millisecond between every batch.
      // Not unref'd: Node runs unref'd immediates only when something else wakes the loop, so a
      // sliced snapshot would wait for the next timer between slices (measured: 2 s became 110 s).
      const i = setImmediate(fn);
      return () => clearImmediate(i);
    }
    const t = setTimeout(fn, delayMs);
    // A pending sync timer must not keep a finished process alive (CLI commands, tests).
    t.unref?.();
    return () => clearTimeout(t);
  },
};

/** A timer slot that holds at most one pending timer: arming it again replaces the old one. */
export class TimerSlot {
  private cancel: Cancel | null = null;
  constructor(private readonly scheduler: Scheduler) {}

  get armed(): boolean {
    return this.cancel !== null;
  }

  arm(delayMs: number, fn: () => void): void {
    this.disarm();
    const cancel = this.scheduler.after(delayMs, () => {
      if (this.cancel !== cancel) return;
      this.cancel = null;
      fn();
    });
    this.cancel = cancel;
  }

  disarm(): void {
    const c = this.cancel;
    this.cancel = null;
    c?.();
  }
}
