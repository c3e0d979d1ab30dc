import type { MasterKeys } from './keys.ts';

/**
 * Master-key versions a terminal holds during a rollover: the current set, which
 * keys every card written from now on, and the previous one, still accepted so a
 * card keyed before the rollover can be read and re-keyed (洗卡) in place. A card
 * older than `previous` is refused: its keys are no longer on any terminal.
 */
export interface KeySet {
  /** Positive integer, strictly increasing from one rollover to the next. */
  readonly keyVersion: number;
  readonly keys: MasterKeys;
}

export interface KeyRing {
  readonly current: KeySet;
  readonly previous: KeySet | null;
}

/** Why a ring is unusable, or null: the one place that says what a valid ring is. */
export function keyRingProblem(current: number, previous: number | null): string | null {
  if (!isKeyVersion(current)) return `current key version must be a positive integer, got ${current}`;
  if (previous === null) return null;
  if (!isKeyVersion(previous)) return `previous key version must be a positive integer, got ${previous}`;
  // Equal versions would make "which keys opened this card" ambiguous.
  if (previous >= current) return `previous key version ${previous} must be below current ${current}`;
  return null;
}

/**
 * Why two key sets cannot make a rollover, or null. The data MACs (identity, purse) are under the
 * `cardMac` of the set that issued the card, and a re-key rewrites trailers only, never the data: a
 * ring whose versions differ in `cardMac` would leave every re-keyed card reading as forged. Until
 * the data is re-MACed torn-safely (not built), a rollover changes `cardKeyA`/`cardKeyB` only.
 */
export function sharedMacProblem(current: MasterKeys, previous: MasterKeys | null): string | null {
  if (previous === null) return null;
  const same =
    current.cardMac.length === previous.cardMac.length && current.cardMac.every((b, i) => b === previous.cardMac[i]);
  return same ? null : 'previous and current must have the same cardMac: the data-MAC key cannot roll over yet';
}

/** The key sets to try on a card, newest first: a card is most likely already on the current keys. */
export function keySetsToTry(ring: KeyRing): readonly KeySet[] {
  return ring.previous === null ? [ring.current] : [ring.current, ring.previous];
}

function isKeyVersion(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 1;
}
