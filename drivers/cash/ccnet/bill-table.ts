/**
 * GET BILL TABLE reply: 24 entries × 5 bytes — value digit, 3-letter country,
 * power of ten (bit 7 set: negative). An entry whose digit is 0 is unused.
 * Values become integer cents; an entry that is not a whole number of cents
 * is refused rather than rounded.
 */
export interface BillEntry {
  billType: number;
  valueCents: number;
  currency: string;
}

export const BILL_TYPES = 24;
const ENTRY_BYTES = 5;
/** Powers beyond this are not banknotes (10^7 units); they point at a corrupt table. */
const POWER_MAX = 7;

export type BillTableResult = { ok: true; entries: BillEntry[] } | { ok: false; error: string };

export function decodeBillTable(p: Uint8Array): BillTableResult {
  if (p.length !== BILL_TYPES * ENTRY_BYTES) return { ok: false, error: `bill table of ${p.length} bytes, want 120` };
  const entries: BillEntry[] = [];
  for (let t = 0; t < BILL_TYPES; t++) {
    const e = p.subarray(t * ENTRY_BYTES, (t + 1) * ENTRY_BYTES);
    const digit = e[0]!;
    if (digit === 0) continue;
    const currency = String.fromCharCode(e[1]!, e[2]!, e[3]!);
    if (!/^[A-Z]{3}$/.test(currency))
      return { ok: false, error: `bill type ${t}: country "${currency}" is not 3 letters` };
    const negative = (e[4]! & 0x80) !== 0;
    const power = e[4]! & 0x7f;
    if (power > POWER_MAX) return { ok: false, error: `bill type ${t}: power of ten ${power} out of range` };
    // cents = digit × 10^(±power) × 100
    const exponent = (negative ? -power : power) + 2;
    if (exponent < 0 && digit % 10 ** -exponent !== 0)
      return { ok: false, error: `bill type ${t}: not a whole number of cents` };
    const valueCents = exponent >= 0 ? digit * 10 ** exponent : digit / 10 ** -exponent;
    entries.push({ billType: t, valueCents, currency });
  }
  return { ok: true, entries };
}

export function encodeBillTable(entries: readonly BillEntry[]): Uint8Array {
  const out = new Uint8Array(BILL_TYPES * ENTRY_BYTES);
  for (const e of entries) {
    let units = e.valueCents / 100;
    let power = 0;
    while (units >= 10 && units % 10 === 0) {
      units /= 10;
      power += 1;
    }
    out.set(
      [units, e.currency.charCodeAt(0), e.currency.charCodeAt(1), e.currency.charCodeAt(2), power],
      e.billType * ENTRY_BYTES,
    );
  }
  return out;
}
