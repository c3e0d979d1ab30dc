/**
 * The `gpio` section of a terminal's config (docs/gpio.md): a schema only, so
 * the terminal's config (firmware/config/schema.ts) embeds it as part of the
 * driver's contract; ./open.ts opens the backend it names. Lines are the
 * chip's own offsets (BCM numbers on a Pi's header), never sysfs numbers.
 */
import { z } from 'zod';
import { SIGNAL_OUTPUTS } from '../signal/patterns.ts';

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
    /** A Wiegand reader's data lines, when the terminal has one (peripherals.reader). */
    wiegand: z.object({ d0: line, d1: line }).strict().optional(),
    /** A second Wiegand reader's lines (peripherals.reader2: a car park's exit, a door's out side). */
    wiegand2: z.object({ d0: line, d1: line }).strict().optional(),
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
    for (const [what, w] of wiegandLinesOf(c)) claim(w, what);
  });
export type GpioConfig = z.infer<typeof GpioConfigSchema>;

/** Each Wiegand reader's lines with the field that names them, for the collision checks. */
export function wiegandLinesOf(c: Pick<GpioConfig, 'wiegand' | 'wiegand2'>): [string, number][] {
  return (['wiegand', 'wiegand2'] as const).flatMap((field): [string, number][] => {
    const w = c[field];
    return w
      ? [
          [`${field}.d0`, w.d0],
          [`${field}.d1`, w.d1],
        ]
      : [];
  });
}
