/**
 * The `peripherals.keypad` section of a terminal's config: a schema only, so
 * the terminal's config (firmware/config/face-schema.ts) embeds it as the
 * driver's contract; app/registry-face.ts opens the kind it names.
 */
import { z } from 'zod';
import { GPIO_LINE_MAX } from '../gpio/config.ts';
import { UsbKeypadSchema } from './keymap.ts';
import { MATRIX_SIZE } from './matrix.ts';

const gpioLine = z.number().int().min(0).max(GPIO_LINE_MAX);
export const KeypadConfigSchema = z.discriminatedUnion('kind', [
  UsbKeypadSchema.extend({ kind: z.literal('usb') }).strict(),
  /** A 4×4 membrane matrix on peripherals.gpio's lines: rows top to bottom, columns left to right. */
  z
    .object({
      kind: z.literal('matrix'),
      rows: z.array(gpioLine).length(MATRIX_SIZE),
      columns: z.array(gpioLine).length(MATRIX_SIZE),
    })
    .strict(),
  /** The simulator's twin: key presses a test or the sim script, as the kernel's event bytes. */
  z.object({ kind: z.literal('scripted') }).strict(),
]);
export type KeypadConfig = z.infer<typeof KeypadConfigSchema>;
