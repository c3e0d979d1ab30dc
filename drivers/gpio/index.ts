/**
 * GPIO as the terminal uses it: outputs (buzzer, LEDs, relays) with timed
 * pulses, inputs (Wiegand D0/D1, door contacts, buttons) with debounced edge
 * events. Edge timestamps come from the source (the kernel's line event,
 * gpiomon's output, or the simulator's clock), never from when the callback
 * ran, so decoders can judge bit timing however late they run. Time for pulses
 * and debouncing comes through an injected Scheduler.
 *
 * Backends implement `GpioLines` (raw levels and raw edges); `Gpio`
 * (./port.ts) turns any of them into a GpioPort. Real backends: ./gpiod.ts
 * (the GPIO character device through libgpiod's tools), ./onoff.ts (sysfs);
 * the twin is simulator/gpio/. docs/dependencies.md says why these.
 */
export type Level = 0 | 1;
export const opposite = (level: Level): Level => (level === 0 ? 1 : 0);
export type Edge = 'rising' | 'falling' | 'both';

export interface WatchOptions {
  /**
   * A new level counts only once it has held this long; shorter excursions
   * (contact bounce) are dropped. 0 (the default) passes every edge through,
   * as Wiegand's 50 µs pulses need.
   */
  debounceUs?: number;
}

export type EdgeHandler = (timestampUs: number, level: Level) => void;

export interface GpioInput {
  /**
   * Calls `onEdge` for every matching edge on `line` with its timestamp in
   * microseconds on the source's monotonic clock. Returns a function that stops watching.
   */
  watch(line: number, edge: Edge, onEdge: EdgeHandler, opts?: WatchOptions): () => void;
  close(): Promise<void>;
}

export interface GpioPort extends GpioInput {
  /** Claims `line` as an output, driven to `initial`. */
  output(line: number, initial: Level): void;
  /** Drives an output; cancels a pulse in progress on that line. */
  write(line: number, level: Level): void;
  /** Drives `level` now and the opposite level `durationMs` later (a beep, a blink, a door strike). */
  pulse(line: number, level: Level, durationMs: number): void;
  /** The level last driven on an output line. */
  level(line: number): Level;
}

/** What a backend provides; the port adds pulses and debouncing on top, identically for all. */
export interface GpioLines {
  claimOutput(line: number, initial: Level): void;
  write(line: number, level: Level): void;
  /** Every raw edge of `line`, both directions, with the source's timestamp. */
  claimInput(line: number, onRaw: EdgeHandler): () => void;
  close(): Promise<void>;
}

/** A backend that could not start (no chip, no tool, no permission): a value, with the fix in the message. */
export type GpioOpenResult = { ok: true; lines: GpioLines } | { ok: false; message: string };
