import { z } from 'zod';
import { isSerialBaud, SERIAL_BAUD_HINT, SERIAL_DEVICE } from '../../drivers/serial/config.ts';

/**
 * The kiosk's cash peripherals in the config (`peripherals.billAcceptor`,
 * `peripherals.printer`): which bill validator and which receipt printer,
 * each a kind app/registry-cash.ts maps to its driver or to its simulator
 * twin. The printer's paper width and language stay in `pos.printer`.
 */
const serialDevice = z.string().regex(SERIAL_DEVICE, 'a serial port like /dev/ttyUSB0 (a USB-serial adapter)');

/** CashCode validators ship at 9600 8N1; some firmwares can be switched to 19200. Nothing else is CCNET. */
export const CCNET_BAUDS = [9600, 19200] as const;

export const BillAcceptorConfigSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('ccnet'),
      device: serialDevice.default('/dev/ttyUSB0'),
      baud: z
        .number()
        .int()
        .refine((b) => (CCNET_BAUDS as readonly number[]).includes(b), 'must be 9600 (the factory setting) or 19200')
        .default(9600),
    })
    .strict(),
  /** The simulator's CCNET validator emulator on serialport's mock binding, driven by the real driver. */
  z.object({ kind: z.literal('twin') }).strict(),
]);
export type BillAcceptorConfig = z.infer<typeof BillAcceptorConfigSchema>;

/** Receipt printers' serial ports run 9600 to 115200; below or above is a typo, not a printer. */
const PRINTER_BAUD_MIN = 9600;
const PRINTER_BAUD_MAX = 115_200;

export const PrinterConfigSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('serial'),
      device: serialDevice,
      baud: z
        .number()
        .int()
        .min(PRINTER_BAUD_MIN)
        .max(PRINTER_BAUD_MAX)
        .refine(isSerialBaud, SERIAL_BAUD_HINT)
        .default(9600),
    })
    .strict(),
  /** The kernel's usblp driver: write-only, so the printer's status reads as unknown. */
  z
    .object({
      kind: z.literal('usb-lp'),
      device: z
        .string()
        .regex(/^\/dev\/usb\/lp\d+$/, 'a USB line printer like /dev/usb/lp0')
        .default('/dev/usb/lp0'),
    })
    .strict(),
  /** A network printer's raw port (JetDirect, TCP 9100). */
  z
    .object({
      kind: z.literal('tcp'),
      host: z.string().min(1, "the printer's address, like 192.168.1.50"),
      port: z.number().int().min(1).max(65_535).default(9100),
    })
    .strict(),
  /** The simulator's printer twin: captures the bytes and answers status queries. */
  z.object({ kind: z.literal('twin') }).strict(),
]);
export type PrinterConfig = z.infer<typeof PrinterConfigSchema>;

export const CashConfigShape = {
  /** The kiosk's bill validator. */
  billAcceptor: BillAcceptorConfigSchema.optional(),
  /** The receipt printer (the kiosk's receipts; the POS prints through it too once wired). */
  printer: PrinterConfigSchema.optional(),
};

/**
 * A kiosk on a device takes bills and prints receipts: a config naming its
 * peripherals must name both, or `onecard run` could only refuse it later.
 */
export function kioskCashIssues(p: { billAcceptor?: unknown; printer?: unknown }, ctx: z.RefinementCtx): void {
  if (!p.billAcceptor)
    ctx.addIssue({
      code: 'custom',
      path: ['peripherals', 'billAcceptor'],
      message:
        'the kiosk role takes bills: add {"kind": "ccnet", "device": "/dev/ttyUSB0"} (or {"kind": "twin"} to try it)',
    });
  if (!p.printer)
    ctx.addIssue({
      code: 'custom',
      path: ['peripherals', 'printer'],
      message: 'the kiosk role prints receipts: add {"kind": "usb-lp", "device": "/dev/usb/lp0"} (serial, tcp, twin)',
    });
}
