import { U32_MAX } from '../card/layout.ts';

/**
 * Which numbers a desk may give new cards: its own range, cut from the card
 * number space by its terminal id — desk T numbers T × 100,000 + 1 …
 * T × 100,000 + 99,999 (desk 100: 10000001, 10000002 …). Two desks of one
 * tenant cannot hand out one number: a terminal id names one terminal (one key,
 * one journal at the backend), the map (id, n) → id × 100,000 + n is one-to-one
 * for n below 100,000, and within a desk each number is spent on disk before
 * its card is written (app/desk/card-numbers.ts). No backend is needed: an
 * offline desk numbers from its range like an online one. docs/cards.md says why.
 */
export const NUMBERS_PER_DESK = 100_000;
/** The highest terminal id whose whole range fits a u32 card number. */
export const DESK_ID_MAX = Math.floor((U32_MAX - (NUMBERS_PER_DESK - 1)) / NUMBERS_PER_DESK);

export interface DeskRange {
  first: number;
  last: number;
}

export type DeskRangeOf = { ok: true; range: DeskRange } | { ok: false; message: string };

export function deskRange(terminalId: number): DeskRangeOf {
  if (!Number.isInteger(terminalId) || terminalId < 1 || terminalId > DESK_ID_MAX)
    return {
      ok: false,
      message: `a desk numbers cards from its terminal id: terminal.id must be 1..${DESK_ID_MAX} (is ${terminalId})`,
    };
  const first = terminalId * NUMBERS_PER_DESK + 1;
  return { ok: true, range: { first, last: first + NUMBERS_PER_DESK - 2 } };
}

/** The numbers a desk gives new cards, in its range (app/desk/card-numbers.ts keeps them on disk). */
export interface CardNumbers {
  /** The number the next issue gets; null when the desk's range is used up. */
  next(): number | null;
  /** The issue under `n` went ahead: `n` is never given again, even after a crash. */
  used(n: number): void;
}
