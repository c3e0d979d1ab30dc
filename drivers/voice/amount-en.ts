/**
 * Amounts read in English, as clip names (one word a clip). Pure.
 *
 *   12.50 → twelve yuan and fifty cents    0.05 → five cents
 *   10,000.00 → ten thousand yuan          100.10 → one hundred yuan and ten cents
 *
 * No "and" inside the yuan (American usage), so the one "and" always marks
 * the cents.
 */
const ONES = [
  ...['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'],
  ...['eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'],
] as const;
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'] as const;
const SCALE = [
  [1_000_000_000, 'billion'],
  [1_000_000, 'million'],
  [1_000, 'thousand'],
] as const;
export const EN_INTEGER_MAX = 999_999_999_999;

function underThousand(n: number): string[] {
  const out: string[] = [];
  if (n >= 100) out.push(ONES[Math.floor(n / 100)]!, 'hundred');
  const rest = n % 100;
  if (rest >= 20) out.push(TENS[Math.floor(rest / 10)]!, ...(rest % 10 ? [ONES[rest % 10]!] : []));
  else if (rest > 0) out.push(ONES[rest]!);
  return out;
}

export function integerEn(n: number): string[] {
  if (!Number.isSafeInteger(n) || n < 0 || n > EN_INTEGER_MAX) throw new RangeError(`cannot read ${n}`);
  if (n === 0) return ['zero'];
  const out: string[] = [];
  let rest = n;
  for (const [size, word] of SCALE) {
    if (rest >= size) out.push(...underThousand(Math.floor(rest / size)), word);
    rest %= size;
  }
  return [...out, ...underThousand(rest)];
}

export function amountEn(amountCents: number): string[] {
  if (!Number.isSafeInteger(amountCents) || amountCents < 0) throw new RangeError(`not cents ≥ 0: ${amountCents}`);
  const yuan = Math.floor(amountCents / 100);
  const cents = amountCents % 100;
  const centWords = [...integerEn(cents), cents === 1 ? 'cent' : 'cents'];
  if (yuan === 0) return cents === 0 ? ['zero', 'yuan'] : centWords;
  return [...integerEn(yuan), 'yuan', ...(cents ? ['and', ...centWords] : [])];
}
