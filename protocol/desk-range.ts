/**
 * Which numbers a desk may give new cards: its own range, cut from the card
 * number space by its terminal id — desk T numbers T × 100,000 + 1 …
 * T × 100,000 + 99,999 (desk 100: 10000001, 10000002 …). Here, in protocol/,
 * because both ends hold the rule: the desk numbers from its range
 * (app/desk/card-numbers.ts), the backend keeps hand-registered numbers out
 * of every range and tells a new desk where its range stands. docs/cards.md says why.
 */
export const NUMBERS_PER_DESK = 100_000;
/** A card number is a u32 on the card. */
const CARD_NUMBER_MAX = 0xffff_ffff;
/** The highest terminal id whose whole range fits a u32 card number. */
export const DESK_ID_MAX = Math.floor((CARD_NUMBER_MAX - (NUMBERS_PER_DESK - 1)) / NUMBERS_PER_DESK);

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

/** The terminal id whose desk range holds `card`, or null (below 100,000, a multiple of it, or past every range). */
export function deskOfCard(card: number): number | null {
  const id = Math.floor(card / NUMBERS_PER_DESK);
  if (card % NUMBERS_PER_DESK === 0) return null;
  return deskRange(id).ok ? id : null;
}
