/**
 * The `peripherals.keypad` section of a terminal's config: a schema only, so
 * the terminal's config (firmware/config/face-schema.ts) embeds it as the
 * driver's contract; app/registry-face.ts opens the kind it names.
 */
import { z } from 'zod';
import { GPIO_LINE_MAX } from '../gpio/config.ts';
import { keyMapSchema, UsbKeypadSchema } from './keymap.ts';
import { DEFAULT_MATRIX_MAP, MATRIX_LEGEND, MATRIX_SIZE } from './matrix.ts';

/** The 4×4 pad's keys by their printed legend: 0–9, *, #, A–D. */
const MATRIX_KEYS = [...MATRIX_LEGEND.join('')] as [string, ...string[]];

const gpioLine = z.number().int().min(0).max(GPIO_LINE_MAX);
export const KeypadConfigSchema = z.discriminatedUnion('kind', [
  UsbKeypadSchema.extend({ kind: z.literal('usb') }).strict(),
  /** A 4×4 membrane matrix on peripherals.gpio's lines: rows top to bottom, columns left to right. */
  z
    .object({
      kind: z.literal('matrix'),
      rows: z.array(gpioLine).length(MATRIX_SIZE),
      columns: z.array(gpioLine).length(MATRIX_SIZE),
      /** Legend → POS key; the default reads the printed legend (A confirm, B cancel, C back, D +, # .). */
      map: keyMapSchema(MATRIX_KEYS, 'the 4×4 matrix keypad').default(DEFAULT_MATRIX_MAP),
    })
    .strict(),
  /** The simulator's twin: key presses a test or the sim script, as the kernel's event bytes. */
  z.object({ kind: z.literal('scripted') }).strict(),
]);
export type KeypadConfig = z.infer<typeof KeypadConfigSchema>;
