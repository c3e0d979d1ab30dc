/**
 * The GPIO twin: raw lines that keep a timeline of every pin change in
 * virtual time, outputs (what the terminal drove) and inputs (what the world
 * drove) alike. Wrapped in drivers/gpio/port.ts's Gpio, exactly as a real
 * backend is, so tests read the buzzer's and LEDs' patterns off the timeline.
 */
import type { Clock } from '../../base/clock.ts';
import type { EdgeHandler, GpioLines, Level } from '../../drivers/gpio/index.ts';

export interface PinChange {
  atUs: number;
  line: number;
  level: Level;
  /** 'out': the terminal drove it; 'in': the world (a reader, a contact, a test) did. */
  direction: 'out' | 'in';
}

export class SimGpioLines implements GpioLines {
  readonly timeline: PinChange[] = [];
  private readonly outputs = new Map<number, Level>();
  private readonly inputs = new Map<number, Level>();
  private readonly listeners = new Map<number, Set<EdgeHandler>>();
  private closed = false;

  constructor(private readonly clock: Clock) {}

  claimOutput(line: number, initial: Level): void {
    this.open();
    if (this.listeners.has(line)) throw new Error(`GPIO line ${line} is an input`);
    this.outputs.set(line, initial);
    this.record(line, initial, 'out', this.nowUs());
  }

  write(line: number, level: Level): void {
    this.open();
    const was = this.outputs.get(line);
    if (was === undefined) throw new Error(`GPIO line ${line} is not an output`);
    if (was === level) return;
    this.outputs.set(line, level);
    this.record(line, level, 'out', this.nowUs());
  }

  claimInput(line: number, onRaw: EdgeHandler): () => void {
    this.open();
    if (this.outputs.has(line)) throw new Error(`GPIO line ${line} is an output`);
    const set = this.listeners.get(line) ?? new Set<EdgeHandler>();
    this.listeners.set(line, set);
    set.add(onRaw);
    return () => {
      set.delete(onRaw);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }

  /** The world drives an input (idle inputs read 1: pull-ups). Same level again is no edge. */
  drive(line: number, level: Level, atUs = this.nowUs()): void {
    if ((this.inputs.get(line) ?? 1) === level) return;
    this.inputs.set(line, level);
    this.record(line, level, 'in', atUs);
    for (const h of this.listeners.get(line) ?? []) h(atUs, level);
  }

  /** One line's changes as [ms since `fromUs`, level] pairs: what a pattern test compares. */
  changes(line: number, fromUs = 0): [number, Level][] {
    return this.timeline
      .filter((c) => c.line === line && c.atUs >= fromUs)
      .map((c) => [(c.atUs - fromUs) / 1000, c.level]);
  }

  /** The line's real changes only (a write at the level it has is none): what a relay did, the claim first. */
  levels(line: number, fromUs = 0): [number, Level][] {
    return this.changes(line, fromUs).filter(([, level], i, all) => i === 0 || level !== all[i - 1][1]);
  }

  private nowUs(): number {
    return this.clock.nowMs() * 1000;
  }

  private record(line: number, level: Level, direction: PinChange['direction'], atUs: number): void {
    this.timeline.push({ atUs, line, level, direction });
  }

  private open(): void {
    if (this.closed) throw new Error('GPIO is closed');
  }
}
