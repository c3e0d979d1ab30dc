/**
 * The `gpio` section of a terminal's config (docs/gpio.md), and opening the
 * backend it names. The composition root embeds `GpioConfigSchema` in the
 * terminal config and calls `openGpio`; the twin comes in as a factory so
 * drivers/ never imports simulator/. Lines are the chip's own offsets (BCM
 * numbers on a Pi's header), never sysfs numbers, whatever the backend.
 */
import { z } from 'zod';
import type { Scheduler } from '../../base/scheduler.ts';
import type { Logger } from '../../base/log.ts';
import { SIGNAL_OUTPUTS } from '../signal/patterns.ts';
import { openGpiod, systemSpawner, type Spawner } from './gpiod.ts';
import type { GpioLines, GpioPort } from './index.ts';
import { openOnoff } from './onoff.ts';
import { Gpio } from './port.ts';

/** Highest line offset: the Pi 5's RP1 has 54 lines (0-53), the Pi 4's header chip 58. */
export const GPIO_LINE_MAX = 63;

const line = z.number().int().min(0).max(GPIO_LINE_MAX);
const SignalPinSchema = z.object({ line, activeLow: z.boolean().default(false) }).strict();

export const GpioConfigSchema = z
  .object({
    /** gpiod: the character device (any current kernel); onoff: sysfs (old kernels); sim: the simulator's twin. */
    backend: z.enum(['gpiod', 'onoff', 'sim']),
    /** gpiod only: the chip as `gpiodetect` lists it. */
    chip: z
      .string()
      .regex(/^gpiochip\d+$/, 'a chip name like gpiochip0 (see gpiodetect)')
      .default('gpiochip0'),
    /** onoff only: the label of the chip whose base to add; default: the Pi's header chip. */
    sysfsLabel: z.string().min(1).optional(),
    /** Buzzer and status LEDs; leave out what the terminal lacks. */
    signals: z
      .object({ buzzer: SignalPinSchema, green: SignalPinSchema, red: SignalPinSchema })
      .partial()
      .strict()
      .default({}),
    /** A Wiegand reader's data lines, when the terminal has one. */
    wiegand: z.object({ d0: line, d1: line }).strict().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const used = new Map<number, string>();
    const claim = (n: number, what: string) => {
      const other = used.get(n);
      if (other) ctx.addIssue({ code: 'custom', message: `line ${n} is already ${other}: give ${what} its own line` });
      used.set(n, what);
    };
    for (const o of SIGNAL_OUTPUTS) if (c.signals[o]) claim(c.signals[o].line, `signals.${o}`);
    if (c.wiegand) {
      claim(c.wiegand.d0, 'wiegand.d0');
      claim(c.wiegand.d1, 'wiegand.d1');
    }
  });
export type GpioConfig = z.infer<typeof GpioConfigSchema>;

export interface GpioDeps {
  scheduler: Scheduler;
  /** Microseconds on a monotonic clock: onoff's edge stamps (gpiod and the twin stamp their own). */
  nowUs: () => number;
  /** The twin's lines, for backend "sim" (the composition root passes simulator/gpio's SimGpioLines). */
  sim?: () => GpioLines;
  spawner?: Spawner;
  log?: Logger;
}

export async function openGpio(
  config: GpioConfig,
  deps: GpioDeps,
): Promise<{ ok: true; port: GpioPort } | { ok: false; message: string }> {
  let opened: { ok: true; lines: GpioLines } | { ok: false; message: string };
  if (config.backend === 'gpiod')
    opened = await openGpiod(deps.spawner ?? systemSpawner, { chip: config.chip, log: deps.log });
  else if (config.backend === 'onoff') opened = await openOnoff({ nowUs: deps.nowUs, sysfsLabel: config.sysfsLabel });
  else
    opened = deps.sim
      ? { ok: true, lines: deps.sim() }
      : { ok: false, message: 'gpio.backend "sim" runs only in the simulator' };
  if (!opened.ok) return { ok: false, message: `gpio (${config.backend}): ${opened.message}` };
  return { ok: true, port: new Gpio(opened.lines, deps.scheduler) };
}
