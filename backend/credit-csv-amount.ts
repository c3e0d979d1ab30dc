/**
 * The amount column of a credits CSV (`credits import`): yuan with exactly two decimals, e.g. "20.00",
 * through the one amount rule (base/money.ts) made stricter on purpose: a batch file is written by a
 * spreadsheet, and "0.1" or "1e3" there is more likely a formatting slip than an intended amount.
 */
import { parseAmountText } from '../base/money.ts';

/** Largest credit one row may carry: 10 000.00 yuan, far above any subsidy; a larger one is a typo. */
export const MAX_ROW_CENTS = 1_000_000;

export type RowAmount = { ok: true; amountCents: number } | { ok: false; reason: string };

export function parseRowAmount(text: string): RowAmount {
  const r = parseAmountText(text, { positive: true, twoDecimals: true, maxCents: MAX_ROW_CENTS });
  return r.ok ? r : { ok: false, reason: `bad amount ${r.reason}` };
}
