import type { Clock } from '../../base/clock.ts';

/** Clock and ManualClock live in the shared leaf base/ (drivers take a clock too); the terminal's own time is here. */
export { type Clock, ManualClock } from '../../base/clock.ts';

/**
 * The terminal's time: a base clock plus the correction the backend's time
 * gave it (PROTOCOL.md §6.2). A Pi has no RTC and may boot an hour off; the
 * sync client steps this, never the system clock (that needs root, and
 * timers built on it would jump too). Journal, decisions and card days read
 * this; session timers keep the base clock, so a step does not look like
 * an hour of silence.
 */
export class SteppedClock implements Clock {
  private correctionMs: number;
  constructor(
    private readonly base: Clock,
    initialCorrectionMs = 0,
  ) {
    this.correctionMs = initialCorrectionMs;
  }
  nowMs(): number {
    return this.base.nowMs() + this.correctionMs;
  }
  /** Moves this clock by toMs − fromMs (either way); the caller journals the step. Always applied. */
  stepClock(fromMs: number, toMs: number): boolean {
    if (!Number.isSafeInteger(fromMs) || !Number.isSafeInteger(toMs)) return false;
    this.correctionMs += toMs - fromMs;
    return true;
  }
}

/** Card days and minutes (what a card and a grant carry) are defined with what travels, in protocol/. */
export { CARD_EPOCH_MS, cardDay, cardDayToIso, cardMinute, isoToCardDay } from '../../protocol/card-day.ts';

const MS_PER_DAY = 86_400_000;

/** Minutes since local midnight, for schedules and shifts. */
export function minuteOfDay(nowMs: number, utcOffsetMinutes: number): number {
  const localMs = nowMs + utcOffsetMinutes * 60_000;
  return Math.floor((((localMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / 60_000);
}

/** Local wall time `YYYY-MM-DD HH:MM:SS` of a record's atMs, for people (the clock is the caller's, injected). */
export function localTime(atMs: number, utcOffsetMinutes: number): string {
  return new Date(atMs + utcOffsetMinutes * 60_000).toISOString().replace('T', ' ').slice(0, 19);
}
