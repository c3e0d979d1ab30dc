/**
 * A GpioPort over any backend's raw lines: pulses restore their line through
 * the injected Scheduler, inputs pass through the pure debouncer
 * (./debounce.ts). The same code runs on gpiod, onoff and the simulator's
 * twin, so what the twin's timeline shows is what a device does.
 */
import type { Cancel, Scheduler } from '../../base/scheduler.ts';
import { initialDebounce, nextDebounce, type DebounceEvent } from './debounce.ts';
import {
  type Edge,
  type EdgeHandler,
  type GpioLines,
  type GpioPort,
  type Level,
  opposite,
  type WatchOptions,
} from './index.ts';

/** Longest pulse: a door strike held open for a minute is the longest thing a terminal drives; beyond is a bug. */
export const PULSE_MS_MAX = 60_000;
/** Longest debounce: contact bounce lasts < 20 ms; a second would swallow a person's second press. */
export const DEBOUNCE_US_MAX = 1_000_000;

const wanted = (edge: Edge, level: Level) => edge === 'both' || (edge === 'falling') === (level === 0);

export class Gpio implements GpioPort {
  private readonly levels = new Map<number, Level>();
  private readonly restores = new Map<number, Cancel>();
  private readonly unwatches = new Set<() => void>();

  constructor(
    private readonly lines: GpioLines,
    private readonly scheduler: Scheduler,
  ) {}

  output(line: number, initial: Level): void {
    if (this.levels.has(line)) throw new Error(`GPIO line ${line} is already an output`);
    this.lines.claimOutput(line, initial);
    this.levels.set(line, initial);
  }

  write(line: number, level: Level): void {
    this.cancelPulse(line);
    this.drive(line, level);
  }

  pulse(line: number, level: Level, durationMs: number): void {
    if (!Number.isInteger(durationMs) || durationMs <= 0 || durationMs > PULSE_MS_MAX) {
      throw new RangeError(`pulse of ${durationMs} ms: want a whole number of ms in 1..${PULSE_MS_MAX}`);
    }
    this.write(line, level);
    const cancel = this.scheduler.after(durationMs, () => {
      if (this.restores.get(line) !== cancel) return;
      this.restores.delete(line);
      this.drive(line, opposite(level));
    });
    this.restores.set(line, cancel);
  }

  level(line: number): Level {
    const level = this.levels.get(line);
    if (level === undefined) throw new Error(`GPIO line ${line} is not an output`);
    return level;
  }

  watch(line: number, edge: Edge, onEdge: EdgeHandler, opts: WatchOptions = {}): () => void {
    const debounceUs = opts.debounceUs ?? 0;
    if (!Number.isInteger(debounceUs) || debounceUs < 0 || debounceUs > DEBOUNCE_US_MAX) {
      throw new RangeError(`debounce of ${debounceUs} µs: want a whole number in 0..${DEBOUNCE_US_MAX}`);
    }
    let state = initialDebounce;
    let settle: Cancel | null = null;
    const apply = (e: DebounceEvent): void => {
      const step = nextDebounce(state, e, debounceUs);
      state = step.state;
      for (const a of step.accepted) if (wanted(edge, a.level)) onEdge(a.timestampUs, a.level);
      const generation = step.armGeneration;
      if (generation === null) return;
      settle?.();
      // Whole ms, rounded up: when the timer fires the candidate has held at least debounceUs.
      settle = this.scheduler.after(Math.ceil(debounceUs / 1000), () => apply({ kind: 'settled', generation }));
    };
    const release = this.lines.claimInput(line, (timestampUs, level) => apply({ kind: 'raw', level, timestampUs }));
    const unwatch = () => {
      settle?.();
      release();
      this.unwatches.delete(unwatch);
    };
    this.unwatches.add(unwatch);
    return unwatch;
  }

  async close(): Promise<void> {
    for (const cancel of this.restores.values()) cancel();
    this.restores.clear();
    for (const unwatch of [...this.unwatches]) unwatch();
    await this.lines.close();
  }

  private cancelPulse(line: number): void {
    this.restores.get(line)?.();
    this.restores.delete(line);
  }

  private drive(line: number, level: Level): void {
    if (!this.levels.has(line)) throw new Error(`GPIO line ${line} is not an output`);
    this.lines.write(line, level);
    this.levels.set(line, level);
  }
}
