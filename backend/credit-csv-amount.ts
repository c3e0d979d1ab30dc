/**
 * The amount column of a credits CSV (`credits import`): yuan with exactly two decimals, e.g. "20.00".
 * Stricter than base/money.ts parseAmount on purpose: a batch file is written by a spreadsheet, and
 * "0.1" or "1e3" there is more likely a formatting slip than an intended amount, so it is refused.
 * Parsed digit by digit, no floats.
 */

/** Largest credit one row may carry: 10 000.00 yuan, far above any subsidy; a larger one is a typo. */
export const MAX_ROW_CENTS = 1_000_000;

export type RowAmount = { ok: true; amountCents: number } | { ok: false; reason: string };

export function parseRowAmount(text: string): RowAmount {
  const m = /^(\d{1,7})\.(\d{2})$/.exec(text.trim());
  if (!m) return { ok: false, reason: `bad amount "${text}": yuan with two decimals, e.g. 20.00` };
  const amountCents = Number(m[1]) * 100 + Number(m[2]);
  if (amountCents <= 0) return { ok: false, reason: `bad amount "${text}": must be above 0.00` };
  if (amountCents > MAX_ROW_CENTS) return { ok: false, reason: `bad amount "${text}": above 10000.00 per row` };
  return { ok: true, amountCents };
}
