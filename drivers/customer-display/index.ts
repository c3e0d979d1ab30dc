/**
 * What the customer sees: the serial 8-digit LED pole display (客显) common
 * on canteen POS, or a two-line 20-character VFD. Both take an amount and
 * which lamp it is (price, total, paid, change); the VFD also takes text.
 */
export type Lamp = 'off' | 'price' | 'total' | 'paid' | 'change';

/** A serial write that failed is a value: the sale goes on, the log says the pole display is gone. */
export type CustomerDisplayResult = { ok: true } | { ok: false; error: string };

export interface CustomerDisplay {
  /** The amount with its lamp lit; integer cents, 0 ≤ amountCents ≤ the display's limit. */
  show(lamp: Lamp, amountCents: number): Promise<CustomerDisplayResult>;
  /** Blank display, every lamp off (between customers). */
  clear(): Promise<CustomerDisplayResult>;
  close(): Promise<void>;
}

/** Amounts as the displays print them: "12.50". Whole cents only, checked before any byte is sent. */
export function amountText(amountCents: number): string {
  if (!Number.isSafeInteger(amountCents) || amountCents < 0) throw new RangeError(`not cents ≥ 0: ${amountCents}`);
  return `${Math.floor(amountCents / 100)}.${String(amountCents % 100).padStart(2, '0')}`;
}
