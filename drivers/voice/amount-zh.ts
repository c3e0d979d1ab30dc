/**
 * Amounts read the way people say them in Mandarin, as a sequence of clip
 * names (each clip one spoken syllable or word). Pure.
 *
 *   12.50 → 十二元五角      100.10 → 一百元一角       10,000.00 → 一万元
 *   12.05 → 十二元零五分    0.05 → 零点零五元         0.50 → 零点五元
 *
 * Rules: digits grouped by four (万, 亿); one 零 for any run of zeros inside
 * the number, none at its end; "十二" not "一十二" when the number starts at
 * the tens; under one yuan the amount is read as a decimal of yuan, which is
 * how terminals and cashiers say small amounts.
 */
const DIGIT = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;
const PLACE = ['', '十', '百', '千'] as const;
const GROUP = ['', '万', '亿'] as const;
/** 亿 groups stop here: 9999,9999,9999 yuan is past any purse (cards hold 32-bit cents). */
export const ZH_INTEGER_MAX = 999_999_999_999;

/** One group of four digits (1..9999), with the 零 rule inside it. */
function group(n: number): string[] {
  const out: string[] = [];
  let zero = false;
  for (let place = 3; place >= 0; place--) {
    const d = Math.floor(n / 10 ** place) % 10;
    if (d === 0) {
      zero = out.length > 0;
      continue;
    }
    if (zero) out.push('零');
    zero = false;
    out.push(DIGIT[d]!);
    if (PLACE[place]) out.push(PLACE[place]!);
  }
  return out;
}

export function integerZh(n: number): string[] {
  if (!Number.isSafeInteger(n) || n < 0 || n > ZH_INTEGER_MAX) throw new RangeError(`cannot read ${n}`);
  if (n === 0) return ['零'];
  const groups = [n % 10_000, Math.floor(n / 10_000) % 10_000, Math.floor(n / 100_000_000)];
  const out: string[] = [];
  for (let g = groups.length - 1; g >= 0; g--) {
    const v = groups[g]!;
    if (v === 0) continue;
    // A zero gap before this group (a lower group under 1000, or a whole group skipped) is read as one 零.
    const gapBefore = out.length > 0 && (v < 1000 || groups[g + 1] === 0);
    if (gapBefore && out.at(-1) !== '零') out.push('零');
    out.push(...group(v));
    if (GROUP[g]) out.push(GROUP[g]!);
  }
  // 10–19 at the head of the number: 十二, not 一十二.
  if (out[0] === '一' && out[1] === '十') out.shift();
  return out;
}

export function amountZh(amountCents: number): string[] {
  if (!Number.isSafeInteger(amountCents) || amountCents < 0) throw new RangeError(`not cents ≥ 0: ${amountCents}`);
  const yuan = Math.floor(amountCents / 100);
  const jiao = Math.floor(amountCents / 10) % 10;
  const fen = amountCents % 10;
  if (yuan === 0) {
    if (amountCents === 0) return ['零', '元'];
    return ['零', '点', DIGIT[jiao]!, ...(fen ? [DIGIT[fen]!] : []), '元'];
  }
  const out = [...integerZh(yuan), '元'];
  if (jiao) out.push(DIGIT[jiao]!, '角');
  if (fen) out.push(...(jiao ? [] : ['零']), DIGIT[fen]!, '分');
  return out;
}
