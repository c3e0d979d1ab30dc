import type { I2cBus } from './i2c.ts';
import { type Display, type DisplayResult, errorText, misfit, type PanelSize } from './index.ts';

/**
 * An HD44780 character LCD (16×2 or 20×4) behind a PCF8574 I2C backpack, in
 * 4-bit mode. The common backpack wires the expander's P0–P7 as
 * RS, RW, E, backlight, D4, D5, D6, D7: each nibble is written with E high,
 * then again with E low (the LCD latches on E's falling edge). Facts
 * (Hitachi HD44780U datasheet):
 * - Power-on in 8-bit mode; 4-bit mode is reached by the nibbles 3, 3, 3, 2
 *   (waits of > 4.1 ms and > 100 µs after the first two).
 * - Instructions take 37 µs, clear and home 1.52 ms. One I2C byte at 100 kHz
 *   takes 90 µs, so only init and clear need a wait.
 * - DDRAM rows start at 0x00, 0x40, 0x14, 0x54 (20×4; 16×2 uses the first two).
 * - The A00 ROM is ASCII except 0x5C (¥) and 0x7E (→); layout.ts sends
 *   printable ASCII only.
 */
export const PCF8574_ADDRESS_DEFAULT = 0x27;
const RS = 0x01;
const E = 0x04;
const BACKLIGHT = 0x08;
const ROW_ADDRESS = [0x00, 0x40, 0x14, 0x54] as const;
const INSTR = { fourBit2Lines: 0x28, displayOn: 0x0c, clear: 0x01, entryIncrement: 0x06, setDdram: 0x80 } as const;
/** Datasheet: > 4.1 ms after the first 0x3 nibble, > 100 µs after the second, 1.52 ms for clear (rounded up). */
const WAIT_MS = { firstNibble: 5, secondNibble: 1, clear: 2 } as const;

/** One nibble (upper 4 bits of `nibble4`) as the two expander bytes that strobe E. */
const strobe = (nibble4: number, rs: number): number[] => {
  const lines = (nibble4 & 0xf0) | rs | BACKLIGHT;
  return [lines | E, lines];
};
const byteFrames = (byte: number, rs: number): number[] => [...strobe(byte & 0xf0, rs), ...strobe(byte << 4, rs)];
export const hdCommand = (byte: number): number[] => byteFrames(byte, 0);
export const hdData = (byte: number): number[] => byteFrames(byte, RS);

/** The init steps: expander bytes, each followed by a wait in ms (0 = none). */
export const hd44780Init = (): [number[], number][] => [
  [[BACKLIGHT], WAIT_MS.firstNibble],
  [strobe(0x30, 0), WAIT_MS.firstNibble],
  [strobe(0x30, 0), WAIT_MS.secondNibble],
  [strobe(0x30, 0), 0],
  [strobe(0x20, 0), 0],
  [[...hdCommand(INSTR.fourBit2Lines), ...hdCommand(INSTR.displayOn), ...hdCommand(INSTR.clear)], WAIT_MS.clear],
  [hdCommand(INSTR.entryIncrement), 0],
];

/** One write per row: set the row's DDRAM address, then its characters (printable ASCII). */
export const hd44780Rows = (lines: readonly string[]): number[][] =>
  lines.map((line, row) => [
    ...hdCommand(INSTR.setDdram | (ROW_ADDRESS[row] ?? 0)),
    ...[...line].flatMap((ch) => hdData(ch.charCodeAt(0) < 0x80 ? ch.charCodeAt(0) : 0x3f)),
  ]);

export class Hd44780Display implements Display {
  private constructor(
    readonly panel: PanelSize,
    private readonly bus: I2cBus,
    private readonly address: number,
  ) {}

  /** `wait` is the driver's only timer, injected so tests and the simulator run without real delays. */
  static async open(
    panel: PanelSize,
    bus: I2cBus,
    wait: (ms: number) => Promise<void>,
    address = PCF8574_ADDRESS_DEFAULT,
  ): Promise<Hd44780Display> {
    for (const [bytes, waitMs] of hd44780Init()) {
      await bus.write(address, Uint8Array.from(bytes));
      if (waitMs > 0) await wait(waitMs);
    }
    return new Hd44780Display(panel, bus, address);
  }

  async show(lines: readonly string[]): Promise<DisplayResult> {
    const bad = misfit(this.panel, lines);
    if (bad) return { ok: false, error: bad };
    try {
      for (const row of hd44780Rows(lines)) await this.bus.write(this.address, Uint8Array.from(row));
      return { ok: true };
    } catch (err) {
      return { ok: false, error: `hd44780: ${errorText(err)}` };
    }
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
