import type { CardIdentity } from '../../../firmware/card/layout.ts';
import type { CardClass } from '../../../firmware/config/schema.ts';
import { isoToCardDay } from '../../../firmware/core/clock.ts';
import type { DoorFacts, DoorLists, DoorSchedules, DoorSpec, Presence } from '../../../firmware/door/decide.ts';
import type { CardRules } from '../../../firmware/policy/policy.ts';
import type { TimeZone } from '../../../firmware/door/time-zones.ts';

/** China: UTC+8. Schedules are local; grants are UTC card minutes. */
export const OFFSET_MIN = 480;

/** An instant given as local wall time at UTC+8. */
export const localMs = (iso: string, hh: number, mm = 0): number => {
  const [y, mo, d] = iso.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, mo - 1, d, hh, mm) - OFFSET_MIN * 60_000;
};

const h = (hours: number, minutes = 0) => hours * 60 + minutes;
const none: TimeZone['holiday'] = [];

/** Office hours Monday–Friday 07:00–19:00 with a lunch-time gap closed 12:00–13:00 (two intervals). */
export const OFFICE: TimeZone = {
  id: 1,
  week: [
    ...[0, 1, 2, 3, 4].map(() => [
      { fromMinute: h(7), untilMinute: h(12) },
      { fromMinute: h(13), untilMinute: h(19) },
    ]),
    none,
    none,
  ],
  holiday: none,
};
/** Night shift: Monday 22:00 to Tuesday 06:00, one interval past midnight; holidays 09:00–12:00. */
export const NIGHT: TimeZone = {
  id: 2,
  week: [[{ fromMinute: h(22), untilMinute: h(24 + 6) }], none, none, none, none, none, none],
  holiday: [{ fromMinute: h(9), untilMinute: h(12) }],
};

export const STAFF = 1;
export const VISITOR = 3;
export const NIGHT_GROUP = 7;
export const LOST_CARD = 4004;

export const schedules: DoorSchedules = {
  utcOffsetMinutes: OFFSET_MIN,
  timeZones: new Map([
    [OFFICE.id, OFFICE],
    [NIGHT.id, NIGHT],
  ]),
  rules: [
    { cardClass: STAFF, doors: 0b0011, timeZoneId: OFFICE.id },
    { group: NIGHT_GROUP, doors: 0b0001, timeZoneId: NIGHT.id },
  ],
};

const cls = (id: number): CardClass => ({
  id,
  name: { zh: '类', en: 'Class' },
  discountPercent: 0,
  dailyLimitCents: 0,
  operator: false,
  account: 'purse',
});
export const cardRules: CardRules = {
  tenantId: 1,
  classes: new Map([
    [STAFF, cls(STAFF)],
    [VISITOR, cls(VISITOR)],
  ]),
  allowedClasses: [],
};

export const identity = (over: Partial<CardIdentity> = {}): CardIdentity => ({
  tenantId: 1,
  cardNumber: 1001,
  cardClass: STAFF,
  expiryDay: isoToCardDay('2030-01-01'),
  issueDay: isoToCardDay('2024-01-01'),
  flags: { frozen: false, pinRequired: false, countPurse: false },
  pinVerifier: new Uint8Array(4),
  ...over,
});

export interface GrantRow {
  cardNumber: number;
  doors: number;
  validFromMinute: number;
  validUntilMinute: number;
}

/** In-memory lists with the same meaning as the stores' (firmware/store/lists). */
export function memoryLists(
  opts: { grants?: GrantRow[]; groups?: Record<number, number[]>; holidays?: string[] } = {},
) {
  const blacklist = new Set([LOST_CARD]);
  const lists: DoorLists = {
    blacklisted: (n) => blacklist.has(n),
    grantOpens: (n, door, minute) =>
      (opts.grants ?? []).some(
        (g) =>
          g.cardNumber === n &&
          ((g.doors >>> door) & 1) === 1 &&
          g.validFromMinute <= minute &&
          minute < g.validUntilMinute,
      ),
    groupsOf: (n) => opts.groups?.[n] ?? [],
    holidays: { version: 1, days: new Set((opts.holidays ?? []).map(isoToCardDay)) },
  };
  return lists;
}

export const door0: DoorSpec = { id: 0, partnerId: null, antiPassback: 'off', exitInLockdown: true };

export function facts(over: Partial<DoorFacts> = {}, presence: Map<number, Presence> = new Map()): DoorFacts {
  return {
    door: door0,
    cardRules,
    lists: memoryLists(),
    schedules,
    presenceOf: (n) => presence.get(n) ?? null,
    isShut: () => true,
    mode: 'normal',
    nowMs: localMs('2026-12-07', 9), // a Monday, 09:00 local
    ...over,
  };
}
