import { cardDay } from '../core/clock.ts';

/**
 * The car park's fee for a stay, pure, in integer cents. The stay is cut
 * into steps (an hour, by default) counted from the entry, so a step that
 * runs over midnight is one step, not two. Each step is charged to the local
 * day it starts on, and each day's charge stops at the daily cap. A stay no
 * longer than the free minutes costs nothing; a longer one pays from its
 * first minute (the free minutes are a grace to drive through, not a discount).
 */
export interface RateTable {
  freeMinutes: number;
  stepMinutes: number;
  /** The first step (often dearer: a short stay pays for the space it took at a busy hour). */
  firstStepCents: number;
  stepCents: number;
  /** Most that one local calendar day's steps cost; 0: no cap. */
  dailyCapCents: number;
  /** Flat fee when the entry cannot be shown (lost ticket, a card with no entry recorded). */
  lostTicketCents: number;
}

/** A stay longer than this is a record problem (an exit never recorded), not a fee: an operator settles it. */
export const STAY_MINUTES_MAX = 366 * 24 * 60;
/** The most any one fee may be: the purse field is u32, and a fee this size is surely a wrong rate table. */
export const FEE_CENTS_MAX = 10_000_00;

const MS_PER_MINUTE = 60_000;

export type FeeResult = { ok: true; feeCents: number; steps: number } | { ok: false; message: string };

export function parkingFee(entryMs: number, exitMs: number, rates: RateTable, utcOffsetMinutes: number): FeeResult {
  if (!Number.isSafeInteger(entryMs) || !Number.isSafeInteger(exitMs) || exitMs < entryMs)
    return { ok: false, message: `exit ${exitMs} before entry ${entryMs}` };
  const stayMinutes = Math.ceil((exitMs - entryMs) / MS_PER_MINUTE);
  if (stayMinutes > STAY_MINUTES_MAX)
    return { ok: false, message: `a stay of ${stayMinutes} min: settle at the office` };
  if (stayMinutes <= rates.freeMinutes) return { ok: true, feeCents: 0, steps: 0 };
  const steps = Math.ceil(stayMinutes / rates.stepMinutes);
  const perDay = new Map<number, number>();
  for (let i = 0; i < steps; i++) {
    const day = cardDay(entryMs + i * rates.stepMinutes * MS_PER_MINUTE, utcOffsetMinutes);
    const cents = i === 0 ? rates.firstStepCents : rates.stepCents;
    perDay.set(day, (perDay.get(day) ?? 0) + cents);
  }
  let feeCents = 0;
  for (const cents of perDay.values())
    feeCents += rates.dailyCapCents > 0 ? Math.min(cents, rates.dailyCapCents) : cents;
  if (feeCents > FEE_CENTS_MAX)
    return { ok: false, message: `fee ${feeCents} cents is above ${FEE_CENTS_MAX}: check the rate table` };
  return { ok: true, feeCents, steps };
}

/** What is wrong with a rate table, one message per problem; [] when usable. */
export function checkRateTable(r: RateTable): string[] {
  const problems: string[] = [];
  const whole = (name: keyof RateTable, min: number, max: number) => {
    const v = r[name];
    if (!Number.isInteger(v) || v < min || v > max)
      problems.push(`rates.${name}: want a whole number in ${min}..${max}, got ${v}`);
  };
  whole('freeMinutes', 0, 24 * 60);
  whole('stepMinutes', 1, 24 * 60);
  whole('firstStepCents', 0, FEE_CENTS_MAX);
  whole('stepCents', 0, FEE_CENTS_MAX);
  whole('dailyCapCents', 0, FEE_CENTS_MAX);
  whole('lostTicketCents', 0, FEE_CENTS_MAX);
  return problems;
}
