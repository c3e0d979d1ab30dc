/**
 * Money is whole cents in integers; these are the only conversions to and from
 * text. No floats anywhere: "12.3" is parsed digit by digit.
 */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not integer cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * The widest amount anything carries: a card's value block and the protocol's credit amount are
 * signed 32-bit cents. A typed amount beyond it could never be written or sent, so it is refused.
 */
export const AMOUNT_CENTS_MAX = 0x7fff_ffff;

/** What a caller accepts beyond "12", "12.5", "12.50" (non-negative, up to AMOUNT_CENTS_MAX). */
export interface AmountRule {
  /** A leading "-" is an amount below zero (an account in debt), not a slip. */
  negative?: boolean;
  /** Zero is refused (nothing to sell, credit or import). */
  positive?: boolean;
  /** Exactly two decimals, "20.00": a spreadsheet column, where "0.1" is more likely a slip. */
  twoDecimals?: boolean;
  /** A lower ceiling than AMOUNT_CENTS_MAX, with the reason at the caller. */
  maxCents?: number;
}

export type AmountParse = { ok: true; amountCents: number } | { ok: false; reason: string };

/** An integer part longer than this is past AMOUNT_CENTS_MAX whatever it holds (and past exact doubles). */
const YUAN_DIGITS_MAX = 12;

/**
 * The one rule for "a string a person typed → integer cents", for every CLI, console and CSV.
 * Digit by digit, no floats; a refusal says why (the caller adds which field or row).
 */
export function parseAmountText(text: string, rule: AmountRule = {}): AmountParse {
  const t = text.trim();
  const no = (why: string): AmountParse => ({ ok: false, reason: `"${t}": ${why}` });
  if (t === '') return { ok: false, reason: 'no amount: write one like 12.50' };
  if (/^-?\d[\d.]*[,\s'_]\d[\d.,\s'_]*$/.test(t)) return no('no thousands separators: write 1234.50');
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(t);
  if (!m) return no('not an amount: digits with at most one ".", like 12.50');
  const [, minus, yuan, fraction = ''] = m as unknown as [string, string, string, string | undefined];
  if (minus && !rule.negative) return no('must not be negative');
  if (fraction.length > 2) return no('at most two decimals (cents)');
  if (rule.twoDecimals && fraction.length !== 2) return no('yuan with two decimals, e.g. 20.00');
  const max = rule.maxCents ?? AMOUNT_CENTS_MAX;
  if (yuan.length > YUAN_DIGITS_MAX) return no(`above ${formatCents(max)}`);
  const abs = Number(yuan) * 100 + Number(fraction.padEnd(2, '0'));
  if (abs > max) return no(`above ${formatCents(max)}`);
  if (abs === 0 && rule.positive) return no('must be above 0.00');
  return { ok: true, amountCents: minus && abs !== 0 ? -abs : abs };
}

/** The same rule where a caller only needs "an amount or not" (a key buffer, a shell word). */
export function parseAmount(text: string): number | null {
  const r = parseAmountText(text);
  return r.ok ? r.amountCents : null;
}

/** Amount in a purse unit, for display: cents as yuan, uses as a count. */
export function formatPurse(amount: number, unit: 'cents' | 'uses'): string {
  return unit === 'cents' ? formatCents(amount) : `${amount}`;
}
