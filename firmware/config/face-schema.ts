import { z } from 'zod';
import { isSerialBaud, SERIAL_BAUD_HINT } from '../../drivers/serial/config.ts';
import { KeypadConfigSchema } from '../../drivers/keypad/config.ts';
import { KioskScreenConfigSchema } from '../../drivers/kiosk-screen/config.ts';

/**
 * The terminal's face in the config (`peripherals.display`, `.customerDisplay`,
 * `.keypad`, `.voice`): which panel, pole display, keypad and voice, each a
 * kind app/registry.ts maps to its driver or to its simulator twin. Every
 * part may be left out: a terminal sells with no screen, pole or voice.
 */
const SPI_DEVICE = /^\/dev\/spidev\d+\.\d+$/;
/** The ST7920's serial clock: above ~200 kHz a frame ends before the 72 µs instruction time. */
const ST7920_SPEED_HZ_MAX = 200_000;
/** PCF8574 at 0x20–0x27, PCF8574A at 0x38–0x3F: the 7-bit addresses an I2C backpack can take. */
const I2C_ADDRESS_MIN = 0x08;
const I2C_ADDRESS_MAX = 0x77;

export const DISPLAY_KINDS = ['st7920', 'hd44780', 'console', 'twin'] as const;
export const DisplayConfigSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('st7920'),
      device: z.string().regex(SPI_DEVICE, 'an SPI device like /dev/spidev0.1').default('/dev/spidev0.1'),
      speedHz: z.number().int().min(10_000).max(ST7920_SPEED_HZ_MAX).default(ST7920_SPEED_HZ_MAX),
    })
    .strict(),
  z
    .object({
      kind: z.literal('hd44780'),
      device: z
        .string()
        .regex(/^\/dev\/i2c-\d+$/, 'an I2C bus like /dev/i2c-1 (dtparam=i2c_arm=on)')
        .default('/dev/i2c-1'),
      address: z.number().int().min(I2C_ADDRESS_MIN).max(I2C_ADDRESS_MAX).default(0x27),
      size: z.enum(['16x2', '20x4']).default('20x4'),
    })
    .strict(),
  /** The lines on stdout, for a terminal with no LCD. */
  z.object({ kind: z.literal('console') }).strict(),
  /** The simulator's twin of a panel: the real driver's bytes decoded back to text. */
  z.object({ kind: z.literal('twin'), panel: z.enum(['st7920-128x64', 'hd44780-20x4', 'hd44780-16x2']) }).strict(),
]);
export type DisplayConfig = z.infer<typeof DisplayConfigSchema>;

export const CustomerDisplayConfigSchema = z
  .object({
    kind: z.enum(['pole', 'vfd']),
    /** A serial port; "twin" puts the simulator's display on serialport's mock binding instead. */
    device: z.string().regex(/^(\/dev\/\S+|twin)$/, 'a serial port like /dev/ttyUSB0, or "twin"'),
    /** Left out: the kind's usual rate (pole 2400, VFD 9600). */
    baud: z.number().int().min(1200).max(115_200).refine(isSerialBaud, SERIAL_BAUD_HINT).optional(),
  })
  .strict();
export type CustomerDisplayConfig = z.infer<typeof CustomerDisplayConfigSchema>;

export { KeypadConfigSchema, type KeypadConfig } from '../../drivers/keypad/config.ts';
export { KioskScreenConfigSchema, type KioskScreenConfig } from '../../drivers/kiosk-screen/config.ts';

export const VoiceConfigSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('aplay'),
      /** The clip set: <clipDir>/zh/*.wav and <clipDir>/en/*.wav (scripts/voice-clips.ts makes one). */
      clipDir: z.string().min(1),
      lang: z.enum(['zh', 'en']).default('zh'),
    })
    .strict(),
  /** The simulator's twin: records what was said. */
  z.object({ kind: z.literal('twin'), lang: z.enum(['zh', 'en']).default('zh') }).strict(),
]);
export type VoiceConfig = z.infer<typeof VoiceConfigSchema>;

export const FaceConfigShape = {
  display: DisplayConfigSchema.optional(),
  customerDisplay: CustomerDisplayConfigSchema.optional(),
  keypad: KeypadConfigSchema.optional(),
  voice: VoiceConfigSchema.optional(),
  /** The kiosk's touch screen: a local web page Chromium shows in kiosk mode, or the simulator's recorder. */
  kioskScreen: KioskScreenConfigSchema.optional(),
};
