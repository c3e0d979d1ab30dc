import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardMinute } from '../../../firmware/core/clock.ts';
import { decideDoor, type DoorRequest, type DoorVerdict, type Presence } from '../../../firmware/door/decide.ts';
import { checkTimeZone, weekdayOf } from '../../../firmware/door/time-zones.ts';
import { isoToCardDay } from '../../../firmware/core/clock.ts';
import {
  door0,
  facts,
  identity,
  localMs,
  LOST_CARD,
  memoryLists,
  NIGHT,
  NIGHT_GROUP,
  OFFICE,
  VISITOR,
} from './fixtures.ts';

const tap = (over = {}, direction: 'in' | 'out' | null = null): DoorRequest => ({
  kind: 'tap',
  credential: { kind: 'card', identity: identity(over) },
  direction,
});
const uidTap = (cardNumber: number, direction: 'in' | 'out' | null = null): DoorRequest => ({
  kind: 'tap',
  credential: { kind: 'uid', cardNumber },
  direction,
});
const outcome = (v: DoorVerdict) => (v.kind === 'open' ? `open:${v.cause}` : `shut:${v.reason}`);
type Row = [day: string, hh: number, mm: number, want: string];
/** Each row: the request at that local time decides as `want`. */
function expectRows(req: DoorRequest, rows: Row[], lists = memoryLists()): void {
  for (const [day, hh, mm, want] of rows) {
    assert.equal(outcome(decideDoor(req, facts({ lists, nowMs: localMs(day, hh, mm) }))), want, `${day} ${hh}:${mm}`);
  }
}

test('weekdays: card day 0 (2000-01-01) was a Saturday, 2026-12-07 a Monday', () => {
  assert.equal(weekdayOf(0), 5);
  assert.equal(weekdayOf(isoToCardDay('2026-12-07')), 0);
  assert.deepEqual(checkTimeZone(OFFICE), []);
  assert.deepEqual(checkTimeZone(NIGHT), []);
});

test('schedules by class: office hours with a lunch gap, weekends shut', () => {
  expectRows(tap(), [
    ['2026-12-07', 6, 59, 'shut:outside-schedule'],
    ['2026-12-07', 7, 0, 'open:schedule'],
    ['2026-12-07', 11, 59, 'open:schedule'],
    ['2026-12-07', 12, 0, 'shut:outside-schedule'],
    ['2026-12-07', 13, 0, 'open:schedule'],
    ['2026-12-07', 18, 59, 'open:schedule'],
    ['2026-12-07', 19, 0, 'shut:outside-schedule'],
    ['2026-12-11', 9, 0, 'open:schedule'], // Friday
    ['2026-12-12', 9, 0, 'shut:outside-schedule'], // Saturday
  ]);
});

test('a class with no rule for the door has no access; a rule for another door does not open this one', () => {
  assert.equal(outcome(decideDoor(tap({ cardClass: VISITOR }), facts())), 'shut:no-access');
  assert.equal(outcome(decideDoor(tap(), facts({ door: { ...door0, id: 1 } }))), 'open:schedule');
  assert.equal(outcome(decideDoor(tap(), facts({ door: { ...door0, id: 2 } }))), 'shut:no-access');
});

test('across midnight: Monday 22:00–06:00 still opens at 03:00 Tuesday, not at 06:00 nor Tuesday night', () => {
  const lists = memoryLists({ groups: { 2002: [NIGHT_GROUP] } });
  const rows: Row[] = [
    ['2026-12-07', 21, 59, 'shut:outside-schedule'],
    ['2026-12-07', 22, 0, 'open:schedule'],
    ['2026-12-07', 23, 59, 'open:schedule'],
    ['2026-12-08', 0, 0, 'open:schedule'],
    ['2026-12-08', 3, 0, 'open:schedule'],
    ['2026-12-08', 5, 59, 'open:schedule'],
    ['2026-12-08', 6, 0, 'shut:outside-schedule'],
    ['2026-12-08', 23, 0, 'shut:outside-schedule'], // Tuesday night is not Monday night
    ['2026-12-07', 3, 0, 'shut:outside-schedule'], // Sunday had no night interval
  ];
  expectRows(uidTap(2002), rows, lists);
});

test('holidays: the holiday intervals replace the weekday, including the night that started on it', () => {
  const lists = memoryLists({ groups: { 2002: [NIGHT_GROUP] }, holidays: ['2026-12-07'] });
  const at = (day: string, hh: number) => outcome(decideDoor(uidTap(2002), facts({ lists, nowMs: localMs(day, hh) })));
  assert.equal(at('2026-12-07', 10), 'open:schedule', 'holiday 09:00–12:00');
  assert.equal(at('2026-12-07', 23), 'shut:outside-schedule', 'no night shift on the holiday');
  assert.equal(at('2026-12-08', 3), 'shut:outside-schedule', 'nor its tail past midnight');
  // Office staff on a holiday: the office zone has no holiday intervals.
  assert.equal(outcome(decideDoor(tap(), facts({ lists, nowMs: localMs('2026-12-07', 9) }))), 'shut:outside-schedule');
});

test('a meeting-room grant opens from its start and stops mid-meeting when it expires', () => {
  const start = localMs('2026-12-12', 14); // a Saturday: no schedule would open
  const grants = [
    { cardNumber: 3003, doors: 0b0001, validFromMinute: cardMinute(start), validUntilMinute: cardMinute(start) + 30 },
  ];
  const lists = memoryLists({ grants });
  const at = (minutes: number, doorId = 0) =>
    outcome(
      decideDoor(uidTap(3003), facts({ lists, door: { ...door0, id: doorId }, nowMs: start + minutes * 60_000 })),
    );
  assert.equal(at(-1), 'shut:no-access', 'before the meeting');
  assert.equal(at(0), 'open:grant');
  assert.equal(at(29), 'open:grant');
  assert.equal(at(30), 'shut:no-access', 'the grant ended at minute 30, the meeting runs on');
  assert.equal(at(10, 1), 'shut:no-access', 'another door is not in the grant');
});

test('card checks hold offline: a lost card is refused even in its hours and with a grant', () => {
  const now = localMs('2026-12-07', 9);
  const lists = memoryLists({
    grants: [{ cardNumber: LOST_CARD, doors: 1, validFromMinute: 0, validUntilMinute: cardMinute(now) + 60 }],
  });
  assert.equal(outcome(decideDoor(tap({ cardNumber: LOST_CARD }), facts({ lists }))), 'shut:blacklisted');
  assert.equal(outcome(decideDoor(uidTap(LOST_CARD), facts({ lists }))), 'shut:blacklisted');
  const frozen = { frozen: true, pinRequired: false, countPurse: false };
  assert.equal(outcome(decideDoor(tap({ flags: frozen }), facts())), 'shut:frozen');
  assert.equal(outcome(decideDoor(tap({ expiryDay: isoToCardDay('2026-12-06') }), facts())), 'shut:expired');
  assert.equal(outcome(decideDoor(tap({ expiryDay: isoToCardDay('2026-12-07') }), facts())), 'open:schedule');
  assert.equal(outcome(decideDoor(tap({ tenantId: 9 }), facts())), 'shut:wrong-tenant');
  assert.equal(outcome(decideDoor(tap({ cardClass: 42 }), facts())), 'shut:class-not-allowed');
});

test('anti-passback hard: in, in again refused, out, in again', () => {
  const presence = new Map<number, Presence>();
  const door = { ...door0, antiPassback: 'hard' as const };
  const pass = (direction: 'in' | 'out') => {
    const v = decideDoor(tap({}, direction), facts({ door }, presence));
    if (v.kind === 'open' && v.presence) presence.set(1001, v.presence);
    return v;
  };
  assert.equal(outcome(pass('in')), 'open:schedule', 'unknown presence: let in');
  assert.equal(outcome(pass('in')), 'shut:passback');
  assert.equal(outcome(pass('out')), 'open:schedule');
  assert.equal(outcome(pass('out')), 'shut:passback');
  const back = pass('in');
  assert.ok(back.kind === 'open' && back.presence === 'inside' && !back.passbackViolation);
});

test('anti-passback soft: the second "in" opens and is flagged as a violation', () => {
  const presence = new Map<number, Presence>([[1001, 'inside']]);
  const v = decideDoor(tap({}, 'in'), facts({ door: { ...door0, antiPassback: 'soft' } }, presence));
  assert.ok(v.kind === 'open' && v.passbackViolation && v.presence === 'inside');
  const ok = decideDoor(tap({}, 'out'), facts({ door: { ...door0, antiPassback: 'soft' } }, presence));
  assert.ok(ok.kind === 'open' && !ok.passbackViolation && ok.presence === 'outside');
});

test('interlock: a door opens only while its partner is shut, for cards, exit buttons and remote opens', () => {
  const door = { ...door0, partnerId: 1 };
  const partnerOpen = facts({ door, isShut: (id) => id !== 1 });
  assert.equal(outcome(decideDoor(tap(), partnerOpen)), 'shut:interlock');
  assert.equal(outcome(decideDoor({ kind: 'exit-button' }, partnerOpen)), 'shut:interlock');
  assert.equal(outcome(decideDoor({ kind: 'remote' }, partnerOpen)), 'shut:interlock');
  assert.equal(outcome(decideDoor(tap(), facts({ door }))), 'open:schedule');
});

test('modes: lockdown opens nothing but the exit button where fire safety says so; free passage opens all', () => {
  const lockdown = facts({ mode: 'lockdown' });
  assert.equal(outcome(decideDoor(tap(), lockdown)), 'shut:lockdown');
  assert.equal(outcome(decideDoor({ kind: 'remote' }, lockdown)), 'shut:lockdown');
  assert.equal(outcome(decideDoor({ kind: 'exit-button' }, lockdown)), 'open:exit-button');
  const sealed = facts({ mode: 'lockdown', door: { ...door0, exitInLockdown: false } });
  assert.equal(outcome(decideDoor({ kind: 'exit-button' }, sealed)), 'shut:lockdown');
  const free = facts({ mode: 'free-passage', nowMs: localMs('2026-12-12', 3) });
  assert.equal(outcome(decideDoor(tap({ cardClass: VISITOR }), free)), 'open:free-passage');
  assert.equal(outcome(decideDoor({ kind: 'exit-button' }, facts())), 'open:exit-button');
  assert.equal(outcome(decideDoor({ kind: 'remote' }, facts())), 'open:remote');
});

test('broken time zones are named, not used', () => {
  const bad = {
    id: 9,
    week: [[{ fromMinute: 1500, untilMinute: 1600 }]],
    holiday: [{ fromMinute: 60, untilMinute: 30 }],
  };
  const problems = checkTimeZone(bad);
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.match(problems[0]!, /week needs 7 days/);
});
