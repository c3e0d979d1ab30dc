import { handNumberRefusal } from './card-register.ts';

/**
 * `card register --csv FILE`, the pure part: a list of issued cards, checked whole before any is registered.
 * A header line whose first cell is `card`, then one card per line in the first column; further columns
 * (a holder's name, a class) are the issuing list's and are not read. Blank lines are skipped.
 */
export type CardCsvRefusal = { line: number; reason: string };
export type CheckedCardCsv = { ok: true; cards: number[] } | { ok: false; refusals: CardCsvRefusal[] };

/** A card list is one office's issue run; beyond this it is the wrong file (and the request too big to post). */
export const CARD_CSV_ROWS_MAX = 100_000;

const U32_MAX = 0xffff_ffff;

export function checkCardCsv(text: string): CheckedCardCsv {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',')[0]?.trim().toLowerCase();
  if (header !== 'card') return { ok: false, refusals: [{ line: 1, reason: 'the first line must be a header: card' }] };
  const refusals: CardCsvRefusal[] = [];
  const cards: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cell = (lines[i] ?? '').split(',')[0]?.trim() ?? '';
    if ((lines[i] ?? '').trim() === '') continue;
    const line = i + 1;
    if (cards.length + refusals.length >= CARD_CSV_ROWS_MAX) {
      refusals.push({ line, reason: `more than ${CARD_CSV_ROWS_MAX} rows` });
      break;
    }
    if (!/^\d{1,10}$/.test(cell) || Number(cell) > U32_MAX) {
      refusals.push({ line, reason: `bad card number "${cell}" (0..${U32_MAX})` });
      continue;
    }
    const inRange = handNumberRefusal(Number(cell));
    if (inRange !== null) {
      refusals.push({ line, reason: inRange });
      continue;
    }
    cards.push(Number(cell));
  }
  if (refusals.length > 0) return { ok: false, refusals };
  return { ok: true, cards };
}

/** CARD_CSV_ROWS_MAX lines of a 10-digit number and a few more cells: a bigger file is the wrong file. */
export const CARD_CSV_BYTES_MAX = 4 * 1024 * 1024;
