/**
 * Which numbers a desk may give new cards: its own range, cut from the card
 * number space by its terminal id — desk T numbers T × 100,000 + 1 …
 * T × 100,000 + 99,999 (desk 100: 10000001, 10000002 …). Two desks of one
 * tenant cannot hand out one number: a terminal id names one terminal (one key,
 * one journal at the backend), the map (id, n) → id × 100,000 + n is one-to-one
 * for n below 100,000, and within a desk each number is spent on disk before
 * its card is written (app/desk/card-numbers.ts). No backend is needed: an
 * offline desk numbers from its range like an online one. docs/cards.md says why.
 * The range arithmetic is protocol/desk-range.ts: the backend holds the same rule.
 */
export {
  DESK_ID_MAX,
  deskRange,
  NUMBERS_PER_DESK,
  type DeskRange,
  type DeskRangeOf,
} from '../../protocol/desk-range.ts';

/** The numbers a desk gives new cards, in its range (app/desk/card-numbers.ts keeps them on disk). */
export interface CardNumbers {
  /** The number the next issue gets; null when none may be given (`whyNone` says why). */
  next(): number | null;
  /** Why `next()` is null; absent: the range is used up. */
  whyNone?(): string;
  /** The issue under `n` went ahead: `n` is never given again, even after a crash. */
  used(n: number): void;
}
