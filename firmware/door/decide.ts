import { cardMinute } from '../core/clock.ts';
import { cardNumberOf, checkCredential, type Credential } from '../policy/credential.ts';
import type { CardRules } from '../policy/policy.ts';
import type { DoorRefusal } from './reasons.ts';
import { type HolidayList, inTimeZone, localTime, type TimeZone } from './time-zones.ts';

/**
 * The door decision, pure: (request, door, lists, schedules, presence, door
 * states, mode, now) → open or stay shut, with the reason. No I/O and no
 * clock of its own; the controller (./controller.ts) looks the facts up and
 * acts on the verdict. Order matters and is the reason for each step:
 * lockdown and free passage first (the backend's word overrides every
 * card), then the card itself (a lost card never opens, offline included),
 * then whether it may use this door now, then the interlock (physics), and
 * anti-passback last so a refused door never counts as a passage.
 */

export { type Credential, cardNumberOf } from '../policy/credential.ts';

export type DoorRequest =
  /** `direction`: the reader's side for anti-passback; null on a door without paired readers. */
  | { kind: 'tap'; credential: Credential; direction: Direction | null }
  | { kind: 'exit-button' }
  /** An operator at the backend opens the door. */
  | { kind: 'remote' };

export type Direction = 'in' | 'out';
export type Presence = 'inside' | 'outside';
export type DoorMode = 'normal' | 'lockdown' | 'free-passage';
export const DOOR_MODES: readonly DoorMode[] = ['normal', 'lockdown', 'free-passage'];
export type AntiPassback = 'off' | 'hard' | 'soft';

export interface DoorSpec {
  /** 0..31: the door's bit in a grant's door mask (PROTOCOL.md §6.4 list 1) and in rules' masks. */
  id: number;
  /** Mantrap: the door that must be shut before this one opens. */
  partnerId: number | null;
  antiPassback: AntiPassback;
  /** Fire safety: whether the exit button still opens the door in lockdown. */
  exitInLockdown: boolean;
}

/** One line of a schedule: who (a card class or a group), which doors (bit mask), when (a time zone). */
export type AccessRule = ({ cardClass: number } | { group: number }) & { doors: number; timeZoneId: number };

export interface DoorSchedules {
  utcOffsetMinutes: number;
  timeZones: ReadonlyMap<number, TimeZone>;
  rules: readonly AccessRule[];
}

/** What the terminal looks up for a card; every list is local, so the decision holds offline. */
export interface DoorLists {
  blacklisted(cardNumber: number): boolean;
  /** The grants list: a grant for this door valid at `nowMinute` (card minutes, UTC). */
  grantOpens(cardNumber: number, doorId: number, nowMinute: number): boolean;
  /** The access groups a card belongs to (a list from the backend); [] when none. */
  groupsOf(cardNumber: number): readonly number[];
  holidays: HolidayList;
}

export interface DoorFacts {
  door: DoorSpec;
  cardRules: CardRules;
  lists: DoorLists;
  schedules: DoorSchedules;
  /** Where the card was last seen for anti-passback; null: unknown (first use, or the state was reset). */
  presenceOf(cardNumber: number): Presence | null;
  /** Whether a door is shut (contact closed and latch not released). */
  isShut(doorId: number): boolean;
  mode: DoorMode;
  nowMs: number;
}

export type GrantCause = 'schedule' | 'grant' | 'free-passage' | 'exit-button' | 'remote';

export type DoorVerdict =
  | {
      kind: 'open';
      cause: GrantCause;
      cardNumber: number | null;
      /** Where the card is once it passes (null: no anti-passback here); the caller records it. */
      presence: Presence | null;
      /** Soft anti-passback let a passback through: journal it. */
      passbackViolation: boolean;
    }
  | { kind: 'shut'; reason: DoorRefusal; detail: string; cardNumber: number | null };

const shut = (reason: DoorRefusal, detail: string, cardNumber: number | null = null): DoorVerdict => ({
  kind: 'shut',
  reason,
  detail,
  cardNumber,
});

const open = (cause: GrantCause, cardNumber: number | null = null): Extract<DoorVerdict, { kind: 'open' }> => ({
  kind: 'open',
  cause,
  cardNumber,
  presence: null,
  passbackViolation: false,
});

export function decideDoor(req: DoorRequest, f: DoorFacts): DoorVerdict {
  if (f.mode === 'lockdown') {
    if (req.kind === 'exit-button' && f.door.exitInLockdown) return interlocked(f) ?? open('exit-button');
    return shut('lockdown', 'site in lockdown', req.kind === 'tap' ? cardNumberOf(req.credential) : null);
  }
  if (f.mode === 'free-passage') return open('free-passage', req.kind === 'tap' ? cardNumberOf(req.credential) : null);
  if (req.kind === 'exit-button') return interlocked(f) ?? open('exit-button');
  if (req.kind === 'remote') return interlocked(f) ?? open('remote');
  const cardNumber = cardNumberOf(req.credential);
  const barred = cardRefusal(req.credential, f);
  if (barred) return { ...barred, cardNumber };
  const cause = accessCause(req.credential, f);
  if (cause.kind === 'shut') return { ...cause, cardNumber };
  const locked = interlocked(f);
  if (locked) return { ...locked, cardNumber };
  return passback(open(cause.cause, cardNumber), req.direction, f);
}

function interlocked(f: DoorFacts): DoorVerdict | null {
  const partner = f.door.partnerId;
  if (partner === null || f.isShut(partner)) return null;
  return shut('interlock', `door ${partner} is not shut`);
}

function cardRefusal(c: Credential, f: DoorFacts): DoorVerdict | null {
  const today = localTime(f.nowMs, f.schedules.utcOffsetMinutes).day;
  const barred = checkCredential(c, {
    blacklisted: f.lists.blacklisted(cardNumberOf(c)),
    cardRules: f.cardRules,
    today,
  });
  return barred && shut(barred.reason, barred.detail);
}

/** A grant for this door now, else a rule for the card's class or groups whose time zone holds now. */
type Shut = Extract<DoorVerdict, { kind: 'shut' }>;
const shutFor = (cardNumber: number, reason: DoorRefusal, detail: string): Shut => ({
  kind: 'shut',
  reason,
  detail,
  cardNumber,
});

function accessCause(c: Credential, f: DoorFacts): { kind: 'open'; cause: GrantCause } | Shut {
  const cardNumber = cardNumberOf(c);
  const doorBit = 1 << f.door.id;
  if (f.lists.grantOpens(cardNumber, f.door.id, cardMinute(f.nowMs))) return { kind: 'open', cause: 'grant' };
  const groups = f.lists.groupsOf(cardNumber);
  const cardClass = c.kind === 'card' ? c.identity.cardClass : null;
  const mine = f.schedules.rules.filter(
    (r) => (r.doors & doorBit) !== 0 && ('cardClass' in r ? r.cardClass === cardClass : groups.includes(r.group)),
  );
  if (mine.length === 0) return shutFor(cardNumber, 'no-access', `no rule or grant for door ${f.door.id}`);
  const at = localTime(f.nowMs, f.schedules.utcOffsetMinutes);
  const now = mine.some((r) => {
    const zone = f.schedules.timeZones.get(r.timeZoneId);
    return zone !== undefined && inTimeZone(zone, at, f.lists.holidays);
  });
  if (now) return { kind: 'open', cause: 'schedule' };
  return shutFor(cardNumber, 'outside-schedule', `day ${at.day} minute ${at.minute}`);
}

/** In through an in-reader flips the card inside; a second "in" without an "out" is a passback. */
/** Where a passage through a paired reader leaves the card: one rule for the decision and the restart. */
export const presenceAfter = (direction: Direction): Presence => (direction === 'in' ? 'inside' : 'outside');

function passback(
  granted: Extract<DoorVerdict, { kind: 'open' }>,
  direction: Direction | null,
  f: DoorFacts,
): DoorVerdict {
  const cardNumber = granted.cardNumber as number;
  if (f.door.antiPassback === 'off' || direction === null) return granted;
  const after = presenceAfter(direction);
  const violation = f.presenceOf(cardNumber) === after;
  if (violation && f.door.antiPassback === 'hard')
    return shut('passback', `card ${cardNumber} is already ${after}`, cardNumber);
  return { ...granted, presence: after, passbackViolation: violation };
}
