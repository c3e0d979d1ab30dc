import type { Clock } from '../../../base/clock.ts';
import type { Scheduler } from '../../../base/scheduler.ts';

/**
 * Virtual time for the CCNET driver on the emulator: `nowMs` moves only when a
 * timer fires, and a timer fires once the event loop has gone idle for a while
 * (the mock port's replies come within a few turns), so a silent device times
 * out at once and an answering one never does. No wall clock anywhere.
 */
export class SpinTime implements Scheduler, Clock {
  now = 0;
  nowMs(): number {
    return this.now;
  }
  after(ms: number, fn: () => void): () => void {
    let live = true;
    let turns = 0;
    const spin = () => {
      if (!live) return;
      if (++turns < 20) return void setImmediate(spin);
      this.now += ms;
      fn();
    };
    setImmediate(spin);
    return () => {
      live = false;
    };
  }
}
