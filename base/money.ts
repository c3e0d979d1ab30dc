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

/** Parses "12", "12.5", "12.50" into cents; null when it is not such an amount. */
export function parseAmount(text: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{0,2}))?$/.exec(text.trim());
  if (!m) return null;
  const fraction = (m[2] ?? '').padEnd(2, '0');
  return Number(m[1]) * 100 + Number(fraction);
}

/** Amount in a purse unit, for display: cents as yuan, uses as a count. */
export function formatPurse(amount: number, unit: 'cents' | 'uses'): string {
  return unit === 'cents' ? formatCents(amount) : `${amount}`;
}
