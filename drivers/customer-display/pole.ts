import { amountText, type CustomerDisplay, type CustomerDisplayResult, type Lamp } from './index.ts';
import type { SerialLink } from './serial.ts';

/**
 * The 8-digit LED pole display (客显) with four lamps. Its command set, as
 * the common canteen units take it (2400 baud 8N1 by default):
 * - `ESC @` (1B 40) initialise: blank, lamps off;
 * - `ESC s n` (1B 73 n) lamps, n an ASCII digit: 0 off, 1 price, 2 total, 3 paid, 4 change;
 * - `ESC Q A d… CR` (1B 51 41 … 0D) the number, digits and one '.', which
 *   lights the digit's decimal point and takes no digit of its own;
 * - `CLR` (0C) blank.
 */
export const POLE_BAUD_DEFAULT = 2400;
/** Eight 7-segment digits: the largest amount is 999999.99. */
export const POLE_DIGITS = 8;
export const POLE_AMOUNT_CENTS_MAX = 10 ** POLE_DIGITS - 1;

const ESC = 0x1b;
const CR = 0x0d;
const CLR = 0x0c;
const LAMP_CODE: Record<Lamp, number> = { off: 0x30, price: 0x31, total: 0x32, paid: 0x33, change: 0x34 };
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

export const poleInit = (): number[] => [ESC, 0x40];
export const poleClear = (): number[] => [CLR, ESC, 0x73, LAMP_CODE.off];
export const poleLamp = (lamp: Lamp): number[] => [ESC, 0x73, LAMP_CODE[lamp]];
export const poleNumber = (amountCents: number): number[] => [ESC, 0x51, 0x41, ...ascii(amountText(amountCents)), CR];
/** One amount: the lamp, then the number. */
export const poleShow = (lamp: Lamp, amountCents: number): number[] => [...poleLamp(lamp), ...poleNumber(amountCents)];

export class PoleDisplay implements CustomerDisplay {
  private constructor(private readonly link: SerialLink) {}

  static async open(link: SerialLink): Promise<{ ok: true; display: PoleDisplay } | { ok: false; error: string }> {
    const r = await link.write(poleInit());
    return r.ok ? { ok: true, display: new PoleDisplay(link) } : r;
  }

  show(lamp: Lamp, amountCents: number): Promise<CustomerDisplayResult> {
    if (!Number.isSafeInteger(amountCents) || amountCents < 0 || amountCents > POLE_AMOUNT_CENTS_MAX) {
      return Promise.resolve({ ok: false, error: `pole display: ${amountCents} cents does not fit 8 digits` });
    }
    return this.link.write(poleShow(lamp, amountCents));
  }

  clear(): Promise<CustomerDisplayResult> {
    return this.link.write(poleClear());
  }

  close(): Promise<void> {
    return this.link.close();
  }
}
