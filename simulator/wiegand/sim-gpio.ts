/**
 * Two simulated GPIO lines carrying a Wiegand reader's output: `play()`
 * drives a pulse train's edges, in time order, onto the GPIO twin with the
 * pulses' own timestamps (the simulator owns time), so the reader under test
 * watches a real GpioPort and the pulses land on the twin's timeline.
 */
import { ManualClock } from '../../base/clock.ts';
import type { WiegandLines } from '../../drivers/card/wiegand/reader.ts';
import type { Edge, EdgeHandler, GpioInput, WatchOptions } from '../../drivers/gpio/index.ts';
import { Gpio } from '../../drivers/gpio/port.ts';
import { SimGpioLines } from '../gpio/sim-lines.ts';
import { VirtualScheduler } from '../net/virtual-scheduler.ts';
import type { Pulse } from './transmitter.ts';

export class SimWiegandGpio implements GpioInput {
  readonly pins: SimGpioLines;
  private readonly port: Gpio;

  constructor(
    readonly lines: WiegandLines = { d0: 17, d1: 27 },
    clock = new ManualClock(0),
  ) {
    this.pins = new SimGpioLines(clock);
    this.port = new Gpio(this.pins, new VirtualScheduler(clock));
  }

  watch(line: number, edge: Edge, onEdge: EdgeHandler, opts?: WatchOptions): () => void {
    return this.port.watch(line, edge, onEdge, opts);
  }

  close(): Promise<void> {
    return this.port.close();
  }

  /** Drives every edge of `pulses` in timestamp order. */
  play(pulses: readonly Pulse[]): void {
    playPulses(this.pins, this.lines, pulses);
  }
}

/** Drives a pulse train's edges onto a GPIO twin's D0/D1 lines, in timestamp order, at their own times. */
export function playPulses(pins: SimGpioLines, lines: WiegandLines, pulses: readonly Pulse[]): void {
  const edges = pulses.flatMap((p) => {
    const line = p.line === 'd0' ? lines.d0 : lines.d1;
    return [
      { line, tUs: p.fallingUs, level: 0 as const },
      { line, tUs: p.risingUs, level: 1 as const },
    ];
  });
  edges.sort((a, b) => a.tUs - b.tUs);
  for (const e of edges) pins.drive(e.line, e.level, e.tUs);
}
