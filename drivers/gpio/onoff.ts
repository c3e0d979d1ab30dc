/**
 * GPIO through sysfs with the npm package `onoff`, for kernels that still
 * have /sys/class/gpio (deprecated upstream, gone from some Pi 5 kernels).
 * onoff numbers lines the sysfs way, so the chip's base is found at start
 * (./sysfs-base.ts) and added to every line. sysfs events carry no
 * timestamp: edges are stamped when Node sees them, too late for Wiegand's
 * 50 µs pulses; use gpiod for a Wiegand reader.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadOptionalAddon } from '../optional-addon.ts';
import type { EdgeHandler, GpioLines, GpioOpenResult, Level } from './index.ts';
import { findSysfsBase, type SysfsReader } from './sysfs-base.ts';

/** The part of onoff's Gpio class we use. */
export interface OnoffGpio {
  writeSync(value: Level): void;
  watch(cb: (err: Error | null | undefined, value: Level) => void): void;
  unexport(): void;
}
export interface OnoffModule {
  Gpio: new (gpio: number, direction: 'in' | 'high' | 'low', edge?: 'both') => OnoffGpio;
}

export interface OnoffOptions {
  /** Chip label as in /sys/class/gpio/gpiochipN/label; default: the Pi's header chip. */
  sysfsLabel?: string;
  /** Microseconds on a monotonic clock, for edges (sysfs gives none). */
  nowUs: () => number;
  /** For tests: the sysfs tree and the module. */
  sysfs?: SysfsReader;
  load?: () => Promise<{ ok: true; module: OnoffModule } | { ok: false; message: string }>;
}

export const systemSysfs: SysfsReader = {
  list: (dir) => (existsSync(dir) ? readdirSync(dir) : null),
  read: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  },
};

export async function openOnoff(opts: OnoffOptions): Promise<GpioOpenResult> {
  const base = findSysfsBase(opts.sysfs ?? systemSysfs, opts.sysfsLabel);
  if (!base.ok) return base;
  const loaded = await (opts.load ?? (() => loadOptionalAddon<OnoffModule>('onoff')))();
  if (!loaded.ok) return loaded;
  return { ok: true, lines: new OnoffLines(loaded.module, base.base, opts.nowUs) };
}

class OnoffLines implements GpioLines {
  private readonly outputs = new Map<number, OnoffGpio>();
  private readonly inputs = new Set<OnoffGpio>();

  constructor(
    private readonly onoff: OnoffModule,
    private readonly base: number,
    private readonly nowUs: () => number,
  ) {}

  claimOutput(line: number, initial: Level): void {
    this.outputs.set(line, new this.onoff.Gpio(this.base + line, initial === 1 ? 'high' : 'low'));
  }

  write(line: number, level: Level): void {
    const gpio = this.outputs.get(line);
    if (!gpio) throw new Error(`GPIO line ${line} is not an output`);
    gpio.writeSync(level);
  }

  claimInput(line: number, onRaw: EdgeHandler): () => void {
    const gpio = new this.onoff.Gpio(this.base + line, 'in', 'both');
    this.inputs.add(gpio);
    gpio.watch((err, value) => {
      if (!err) onRaw(this.nowUs(), value);
    });
    return () => {
      if (this.inputs.delete(gpio)) gpio.unexport();
    };
  }

  async close(): Promise<void> {
    for (const gpio of [...this.outputs.values(), ...this.inputs]) gpio.unexport();
    this.outputs.clear();
    this.inputs.clear();
  }
}
