import { cardDay, minuteOfDay } from '../core/clock.ts';

/**
 * Weekly time zones (the access-control sense: "when", not a UTC offset) and
 * the holiday list, pure. A time zone gives each weekday, and holidays, a few
 * intervals of local minutes. An interval may run past midnight into the next
 * day (22:00–06:00 is from 1320 until 1800), so a night shift is one interval
 * that belongs to the day it started: Monday's night still opens at 03:00 on
 * Tuesday, and a holiday's own intervals replace its weekday's.
 */

export const MINUTES_PER_DAY = 1440;
/** Intervals end at most 24 h after the midnight after they start: a day's interval never reaches two days on. */
export const INTERVAL_UNTIL_MAX = 2 * MINUTES_PER_DAY;
/** A controller's memory is small and a door schedule with more than this per day is a config mistake. */
export const INTERVALS_PER_DAY_MAX = 8;
/** Weekdays Monday first, as people write schedules. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Local minutes since that day's midnight: from ≤ m < until; until > 1440 runs into the next day. */
export interface Interval {
  fromMinute: number;
  untilMinute: number;
}

export interface TimeZone {
  id: number;
  /** Seven entries, Monday first. */
  week: readonly (readonly Interval[])[];
  /** What applies on a day on the holiday list, instead of its weekday. */
  holiday: readonly Interval[];
}

/**
 * The holiday list as it syncs from the backend: a version (the backend bumps
 * it on every change; the terminal keeps the newest it has) and the local
 * calendar days (card days) that are holidays.
 */
export interface HolidayList {
  version: number;
  days: { has(day: number): boolean };
}

/** Where and when, in the site's local time, a decision is taken. */
export interface LocalTime {
  /** Card day (days since 2000-01-01) of the local date. */
  day: number;
  /** Minutes since local midnight. */
  minute: number;
}

export function localTime(nowMs: number, utcOffsetMinutes: number): LocalTime {
  return { day: cardDay(nowMs, utcOffsetMinutes), minute: minuteOfDay(nowMs, utcOffsetMinutes) };
}

/** 0 = Monday … 6 = Sunday. Card day 0 (2000-01-01) was a Saturday. */
export function weekdayOf(day: number): number {
  return (((day + 5) % 7) + 7) % 7;
}

function intervalsOn(zone: TimeZone, day: number, holidays: HolidayList): readonly Interval[] {
  return holidays.days.has(day) ? zone.holiday : (zone.week[weekdayOf(day)] ?? []);
}

const within = (intervals: readonly Interval[], minute: number) =>
  intervals.some((i) => i.fromMinute <= minute && minute < i.untilMinute);

/** True when `at` falls in one of today's intervals or in yesterday's that ran past midnight. */
export function inTimeZone(zone: TimeZone, at: LocalTime, holidays: HolidayList): boolean {
  if (within(intervalsOn(zone, at.day, holidays), at.minute)) return true;
  return within(intervalsOn(zone, at.day - 1, holidays), at.minute + MINUTES_PER_DAY);
}

/** What is wrong with a time zone, one message per problem; [] when usable. */
export function checkTimeZone(zone: TimeZone): string[] {
  const problems: string[] = [];
  const checkDay = (name: string, intervals: readonly Interval[]) => {
    if (intervals.length > INTERVALS_PER_DAY_MAX)
      problems.push(`time zone ${zone.id} ${name}: ${intervals.length} intervals, at most ${INTERVALS_PER_DAY_MAX}`);
    intervals.forEach((i, n) => {
      const ok =
        Number.isInteger(i.fromMinute) &&
        Number.isInteger(i.untilMinute) &&
        i.fromMinute >= 0 &&
        i.fromMinute < MINUTES_PER_DAY &&
        i.untilMinute > i.fromMinute &&
        i.untilMinute <= INTERVAL_UNTIL_MAX;
      if (!ok)
        problems.push(
          `time zone ${zone.id} ${name}[${n}]: want whole minutes 0 ≤ from < 1440, from < until ≤ ${INTERVAL_UNTIL_MAX}`,
        );
    });
  };
  if (zone.week.length !== WEEKDAYS.length)
    problems.push(`time zone ${zone.id}: week needs ${WEEKDAYS.length} days (Monday first), has ${zone.week.length}`);
  zone.week.forEach((day, n) => checkDay(WEEKDAYS[n] ?? `day ${n}`, day));
  checkDay('holiday', zone.holiday);
  return problems;
}
