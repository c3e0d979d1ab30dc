import type { ManualClock } from '../../firmware/core/clock.ts';
import type { Cancel, Scheduler } from '../../firmware/sync/scheduler.ts';

/**
 * Timers on the simulator's ManualClock: nothing fires until a test or the
 * simulator runs virtual time forward, and then every timer fires at its
 * exact virtual instant, in (time, creation) order. Between two timers the
 * event loop gets a turn (setImmediate), so promise chains — a tap waiting
 * for an authorisation, a dial that resolves — settle in between. No wall
 * time passes for the clock: a 30 s reconnect backoff costs microseconds.
 */
interface Timer {
  atMs: number;
  order: number;
  fn: () => void;
  live: boolean;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class VirtualScheduler implements Scheduler {
  private heap: Timer[] = [];
  private order = 0;
  fired = 0;

  constructor(readonly clock: ManualClock) {}

  after(delayMs: number, fn: () => void): Cancel {
    const t: Timer = {
      atMs: this.clock.nowMs() + Math.max(0, Math.ceil(delayMs)),
      order: this.order++,
      fn,
      live: true,
    };
    this.push(t);
    return () => {
      t.live = false;
    };
  }

  /** Timers waiting (cancelled ones not counted). */
  get pending(): number {
    return this.heap.filter((t) => t.live).length;
  }

  /** Runs virtual time forward by `ms`, firing every timer due on the way; the clock ends at now + ms. */
  async run(ms: number): Promise<void> {
    await this.runUntil(() => false, ms);
  }

  /**
   * Runs until `done()` holds (checked before each timer and after each event-loop
   * turn) or `maxMs` of virtual time pass. Returns whether `done()` held; the
   * clock stays at the instant it did.
   */
  async runUntil(done: () => boolean, maxMs: number): Promise<boolean> {
    const endMs = this.clock.nowMs() + maxMs;
    await turn();
    for (;;) {
      if (done()) return true;
      const t = this.peek();
      if (!t || t.atMs > endMs) break;
      this.pop();
      if (!t.live) continue;
      if (t.atMs > this.clock.nowMs()) this.clock.advance(t.atMs - this.clock.nowMs());
      this.fired++;
      t.fn();
      await turn();
    }
    if (endMs > this.clock.nowMs()) this.clock.advance(endMs - this.clock.nowMs());
    await turn();
    return done();
  }

  // A binary min-heap on (atMs, order): the same order on every run of a seed.
  private less(a: Timer, b: Timer): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.order < b.order);
  }
  private peek(): Timer | undefined {
    return this.heap[0];
  }
  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
