import { amountText, type CustomerDisplay, type CustomerDisplayResult, type Lamp } from './index.ts';
import type { SerialLink } from './serial.ts';

/**
 * A two-line, 20-character VFD pole display speaking the CD5220 command set
 * (9600 baud 8N1 by default): `ESC @` initialise, `CLR` (0C) clear,
 * `ESC Q A text CR` the upper line, `ESC Q B text CR` the lower line.
 * Printable ASCII only: the VFD's default code page has no Chinese.
 */
export const VFD_BAUD_DEFAULT = 9600;
export const VFD_COLUMNS = 20;

const ESC = 0x1b;
const CR = 0x0d;
const LABEL: Record<Lamp, string> = { off: '', price: 'PRICE', total: 'TOTAL', paid: 'PAID', change: 'CHANGE' };

/** A line as the VFD takes it: printable ASCII, cut to 20 characters, padded so old text is overwritten. */
const vfdText = (text: string): number[] =>
  [
    ...text
      .replace(/[^\x20-\x7e]/g, '?')
      .slice(0, VFD_COLUMNS)
      .padEnd(VFD_COLUMNS),
  ].map((c) => c.charCodeAt(0));

export const vfdInit = (): number[] => [ESC, 0x40];
export const vfdClear = (): number[] => [0x0c];
export const vfdLines = (upper: string, lower: string): number[] => [
  ...[ESC, 0x51, 0x41, ...vfdText(upper), CR],
  ...[ESC, 0x51, 0x42, ...vfdText(lower), CR],
];
/** Label on the left of the upper line, the amount right-aligned on the lower. */
export const vfdShow = (lamp: Lamp, amountCents: number): number[] =>
  vfdLines(LABEL[lamp], amountText(amountCents).padStart(VFD_COLUMNS));

export class VfdDisplay implements CustomerDisplay {
  private constructor(private readonly link: SerialLink) {}

  static async open(link: SerialLink): Promise<{ ok: true; display: VfdDisplay } | { ok: false; error: string }> {
    const r = await link.write(vfdInit());
    return r.ok ? { ok: true, display: new VfdDisplay(link) } : r;
  }

  show(lamp: Lamp, amountCents: number): Promise<CustomerDisplayResult> {
    if (!Number.isSafeInteger(amountCents) || amountCents < 0 || amountText(amountCents).length > VFD_COLUMNS)
      return Promise.resolve({ ok: false, error: `vfd: ${amountCents} is not an amount it can show` });
    return this.link.write(vfdShow(lamp, amountCents));
  }

  /** Free text, e.g. the welcome or a refusal in English. */
  lines(upper: string, lower: string): Promise<CustomerDisplayResult> {
    return this.link.write(vfdLines(upper, lower));
  }

  clear(): Promise<CustomerDisplayResult> {
    return this.link.write(vfdClear());
  }

  close(): Promise<void> {
    return this.link.close();
  }
}
