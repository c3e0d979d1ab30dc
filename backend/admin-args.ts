import { isoToCardDay } from '../protocol/card-day.ts';

/**
 * The admin commands' argument rules, once: a card number or count is a
 * decimal u32; a day is a real YYYY-MM-DD date a card day can hold.
 */
const U32_MAX = 0xffff_ffff;
const CARD_DAY_MAX = 0xffff;

/** A decimal u32 (a card number, a count of points), or null when it is not one. */
export function decimalU32(s: string | undefined): number | null {
  return s !== undefined && /^\d{1,10}$/.test(s) && Number(s) <= U32_MAX ? Number(s) : null;
}

/** A card day from YYYY-MM-DD, or null when it is not a real date (2026-02-30) or past what a card day holds. */
export function cardDayArg(text: string): number | null {
  let day: number;
  try {
    day = isoToCardDay(text);
  } catch {
    return null;
  }
  return day >= 0 && day <= CARD_DAY_MAX ? day : null;
}
