/**
 * Plays named patterns (./patterns.ts) on the buzzer and status LEDs through
 * a GpioPort: every on-period is a pulse, started now or by the Scheduler.
 * A new signal cuts the one playing short (the newest outcome is the one the
 * person in front of the terminal needs), so outputs never stay on.
 */
import type { Cancel, Scheduler } from '../../base/scheduler.ts';
import { type GpioPort, type Level, opposite } from '../gpio/index.ts';
import {
  DEFAULT_PATTERNS,
  patternSteps,
  SIGNAL_OUTPUTS,
  type PatternTable,
  type SignalName,
  type SignalOutput,
} from './patterns.ts';

export interface SignalPin {
  line: number;
  /** The output is on when the line is low (LEDs wired to 3.3 V, most buzzer modules). */
  activeLow?: boolean;
}
/** Outputs a terminal lacks are left out; their part of each pattern is skipped. */
export type SignalWiring = Partial<Record<SignalOutput, SignalPin>>;

export class Signals {
  private pending: Cancel[] = [];

  constructor(
    private readonly port: GpioPort,
    private readonly scheduler: Scheduler,
    private readonly wiring: SignalWiring,
    private readonly table: PatternTable = DEFAULT_PATTERNS,
  ) {
    for (const output of SIGNAL_OUTPUTS) {
      const pin = wiring[output];
      if (pin) port.output(pin.line, this.offLevel(pin));
    }
  }

  show(name: SignalName): void {
    this.stop();
    for (const step of patternSteps(this.table[name])) {
      const pin = this.wiring[step.output];
      if (!pin) continue;
      const on = () => this.port.pulse(pin.line, opposite(this.offLevel(pin)), step.onMs);
      if (step.atMs === 0) on();
      else this.pending.push(this.scheduler.after(step.atMs, on));
    }
  }

  /** Cancels what is scheduled and turns every output off. */
  stop(): void {
    for (const cancel of this.pending) cancel();
    this.pending = [];
    for (const output of SIGNAL_OUTPUTS) {
      const pin = this.wiring[output];
      if (pin) this.port.write(pin.line, this.offLevel(pin));
    }
  }

  private offLevel(pin: SignalPin): Level {
    return pin.activeLow ? 1 : 0;
  }
}
