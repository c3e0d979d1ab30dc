import { parseRowAmount } from './credit-csv-amount.ts';

/**
 * `credits import FILE.csv`, the pure part: the whole file is checked before anything is applied,
 * and every refused row is named with its line number and reason (nothing is applied if any is).
 * Columns after a header line: card number, amount (yuan, two decimals), wallet, expiry YYYY-MM-DD or empty.
 */
export type CreditRow = {
  line: number;
  card: number;
  amountCents: number;
  wallet: 'subsidy' | 'balance';
  expiry: string | null;
};
export type RowRefusal = { line: number; reason: string };
export type CheckedCsv = { ok: true; rows: CreditRow[] } | { ok: false; refusals: RowRefusal[] };

/** A batch file is typed or exported by hand; beyond this it is a wrong file, not a batch. */
export const MAX_CSV_ROWS = 100_000;

/** `refusalOf(card)` is the card register's refusal (null for a known card); `today` is YYYY-MM-DD. */
export function checkCreditCsv(text: string, refusalOf: (card: number) => string | null, today: string): CheckedCsv {
  const lines = text.split(/\r?\n/);
  const refusals: RowRefusal[] = [];
  const rows: CreditRow[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (raw.trim() === '') continue;
    const line = i + 1;
    if (rows.length + refusals.length >= MAX_CSV_ROWS) {
      refusals.push({ line, reason: `more than ${MAX_CSV_ROWS} rows` });
      break;
    }
    const reason = rowRefusal(raw, refusalOf, today);
    if (typeof reason === 'string') {
      refusals.push({ line, reason });
      continue;
    }
    const key = normalisedRow(reason);
    const first = seen.get(key);
    if (first !== undefined) {
      refusals.push({ line, reason: `duplicate of line ${first}` });
      continue;
    }
    seen.set(key, line);
    rows.push({ ...reason, line });
  }
  if (refusals.length > 0) return { ok: false, refusals };
  return { ok: true, rows };
}

/** A row as one line, whatever its spacing or order in the file: duplicates and a batch's hash compare these. */
export function normalisedRow(r: Omit<CreditRow, 'line'>): string {
  return `${r.card},${r.amountCents},${r.wallet},${r.expiry ?? ''}`;
}

function rowRefusal(
  raw: string,
  refusalOf: (card: number) => string | null,
  today: string,
): Omit<CreditRow, 'line'> | string {
  const cells = raw.split(',').map((c) => c.trim());
  if (cells.length !== 4) return `expected 4 columns (card, amount, wallet, expiry), got ${cells.length}`;
  const [cardText = '', amountText = '', wallet = '', expiryText = ''] = cells;
  if (!/^\d{1,10}$/.test(cardText) || !Number.isSafeInteger(Number(cardText))) return `bad card number "${cardText}"`;
  const card = Number(cardText);
  const unknown = refusalOf(card);
  if (unknown !== null) return unknown;
  const amount = parseRowAmount(amountText);
  if (!amount.ok) return amount.reason;
  if (wallet !== 'subsidy' && wallet !== 'balance') return `bad wallet "${wallet}": subsidy or balance`;
  const expiry = expiryText === '' ? null : expiryText;
  if (expiry !== null && !isDate(expiry)) return `bad expiry "${expiry}": YYYY-MM-DD or empty`;
  if (expiry !== null && expiry < today) return `expiry ${expiry} is before today (${today})`;
  return { card, amountCents: amount.amountCents, wallet, expiry };
}

function isDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= (daysInMonth[mo - 1] ?? 0);
}
