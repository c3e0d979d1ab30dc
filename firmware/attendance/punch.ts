import type { PunchBody } from '../../protocol/index.ts';
import { cardDay } from '../core/clock.ts';
import { cardNumberOf, checkCredential, type CardRefusal, type Credential } from '../policy/credential.ts';
import type { CardRules } from '../policy/policy.ts';

/**
 * The punch clock's decision, pure: a credential and a punch type → a punch
 * to journal, a duplicate to ignore, or a refusal. UID-only cards and
 * Wiegand readers punch like card applications (their number is all the
 * clock needs); a lost card is refused offline like anywhere else.
 */
export type PunchType = PunchBody['type'];
export const PUNCH_TYPES: readonly PunchType[] = ['in', 'out', 'break'];
/** How the type was chosen: a key pressed before the tap, or the reader's own type (an "in" reader by the door). */
export type PunchVia = PunchBody['via'];

/** A second tap this soon with the same type is the same punch: people tap twice when unsure it beeped. */
export const DUPLICATE_WINDOW_MS_DEFAULT = 60_000;
/** Beyond 10 minutes a "duplicate" is a real second punch (back from a short errand). */
export const DUPLICATE_WINDOW_MS_MAX = 600_000;

/** What a punch journals (record kind `punch`): the protocol's body, since it travels. */
export type { PunchBody };

export interface LastPunch {
  type: PunchType;
  atMs: number;
}

export interface PunchFacts {
  cardRules: CardRules;
  blacklisted(cardNumber: number): boolean;
  /** The holder's name from the names list, for the display; null when the list does not know the card. */
  nameOf(cardNumber: number): string | null;
  lastPunch(cardNumber: number): LastPunch | null;
  duplicateWindowMs: number;
  utcOffsetMinutes: number;
  nowMs: number;
}

export type PunchVerdict =
  | { kind: 'punch'; body: PunchBody; name: string | null }
  | { kind: 'duplicate'; cardNumber: number; type: PunchType; sinceMs: number; name: string | null }
  | { kind: 'refuse'; reason: CardRefusal; detail: string; cardNumber: number };

export function decidePunch(credential: Credential, type: PunchType, via: PunchVia, f: PunchFacts): PunchVerdict {
  const cardNumber = cardNumberOf(credential);
  const day = cardDay(f.nowMs, f.utcOffsetMinutes);
  const barred = checkCredential(credential, {
    blacklisted: f.blacklisted(cardNumber),
    cardRules: f.cardRules,
    today: day,
  });
  if (barred) return { kind: 'refuse', ...barred, cardNumber };
  const name = f.nameOf(cardNumber);
  const last = f.lastPunch(cardNumber);
  // A clock stepped back (last in the future) is no duplicate: dropping a punch is worse than keeping two.
  const sinceMs = last === null ? null : f.nowMs - last.atMs;
  if (last !== null && last.type === type && sinceMs !== null && sinceMs >= 0 && sinceMs < f.duplicateWindowMs)
    return { kind: 'duplicate', cardNumber, type, sinceMs, name };
  return { kind: 'punch', body: { cardNumber, type, via, uidOnly: credential.kind === 'uid', day }, name };
}

/** Keys that choose the punch type before a tap (F1/F2/F3 on the punch clock's keypad). */
export const PUNCH_KEYS: Readonly<Record<string, PunchType>> = { f1: 'in', f2: 'out', f3: 'break' };

/** The type a key chooses, or a message naming the keys that do: a wrong key changes nothing. */
export function punchTypeForKey(key: string): { ok: true; type: PunchType } | { ok: false; message: string } {
  const type = PUNCH_KEYS[key];
  if (type !== undefined) return { ok: true, type };
  const keys = Object.entries(PUNCH_KEYS)
    .map(([k, t]) => `${k.toUpperCase()} ${t}`)
    .join(', ');
  return { ok: false, message: `key ${key} does not choose a punch (${keys})` };
}
