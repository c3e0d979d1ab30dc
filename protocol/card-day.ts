/**
 * Card days: the day numbers a card stores (last debit day, expiry) and a
 * record's day on the wire. One definition for the terminal and any backend.
 */
const MS_PER_DAY = 86_400_000;
/** Day numbers on cards count from 2000-01-01 (fits in 16 bits until 2179). */
export const CARD_EPOCH_MS = 946_684_800_000;

/**
 * The local calendar day of an instant as a card day number. Terminals work in
 * one fixed UTC offset (from config) so a canteen's "today" flips at local midnight.
 */
export function cardDay(atMs: number, utcOffsetMinutes: number): number {
  return Math.floor((atMs + utcOffsetMinutes * 60_000 - CARD_EPOCH_MS) / MS_PER_DAY);
}

/** Minutes since the card epoch (2000-01-01T00:00Z, UTC): door grants' time (PROTOCOL.md §6.4 list 1 carries no zone). */
export function cardMinute(nowMs: number): number {
  return Math.floor((nowMs - CARD_EPOCH_MS) / 60_000);
}

/** The last day converted and its text: every tap of a day asks for the same one (a Date and its text, ~3 µs). */
let lastIso: { readonly day: number; readonly iso: string } | null = null;

/** ISO date (YYYY-MM-DD) of a card day number, for people and reports. */
export function cardDayToIso(day: number): string {
  if (lastIso !== null && lastIso.day === day) return lastIso.iso;
  const iso = new Date(CARD_EPOCH_MS + day * MS_PER_DAY).toISOString().slice(0, 10);
  lastIso = { day, iso };
  return iso;
}

/** Card day number of an ISO date (YYYY-MM-DD); throws on anything else. */
export function isoToCardDay(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`not a date (YYYY-MM-DD): ${JSON.stringify(iso)}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2026-02-30 over to March: a date that does not come back unchanged does not exist.
  if (new Date(ms).toISOString().slice(0, 10) !== iso) throw new Error(`no such date: ${iso}`);
  return Math.round((ms - CARD_EPOCH_MS) / MS_PER_DAY);
}
