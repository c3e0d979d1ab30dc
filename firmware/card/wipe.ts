import type { CardKeys } from './keys.ts';
import { APP_SECTORS } from './layout.ts';
import { tornKeyCandidates } from './rekey-plan.ts';
import { CardError, KEY_BYTES, trailerBlockOf, type CardSession } from './session.ts';

/** Factory state of a sector trailer: key A and key B all FF, access bits FF 07 80, user byte 69. */
export const TRANSPORT_KEY = new Uint8Array(KEY_BYTES).fill(0xff);
export function transportTrailer(): Uint8Array {
  const t = new Uint8Array(16).fill(0xff);
  t.set([0xff, 0x07, 0x80, 0x69], 6);
  return t;
}

export type WipeOutcome = { kind: 'wiped' } | { kind: 'uncertain'; problem: string };

/**
 * 退卡: puts the application sectors back to transport state (zeros, factory
 * keys), so the card can be issued again. Identity last: a cut leaves a card
 * that still says whose it was until the very end. Each sector opens with its
 * card key B or, already wiped by an earlier cut attempt, with the transport
 * key: calling again finishes the job. The purse must already be empty (the
 * caller's payout write): this erases, it does not move money.
 */
export async function wipeCard(session: CardSession, keys: CardKeys): Promise<WipeOutcome> {
  const zero = new Uint8Array(16);
  try {
    for (const sector of [...APP_SECTORS].reverse()) {
      const opened = await openSector(session, sector, keys);
      if (opened === 'transport') continue; // wiped by an earlier attempt
      if (opened === null) return { kind: 'uncertain', problem: `sector ${sector} opens with no key this desk knows` };
      for (let i = 0; i < 3; i++) await session.writeBlock(sector * 4 + i, zero);
      await session.writeBlock(trailerBlockOf(sector), transportTrailer());
      // Read-back of a trailer is an authentication: the transport key must open it now.
      await session.authenticate(sector, 'A', TRANSPORT_KEY);
    }
    return { kind: 'wiped' };
  } catch (e) {
    if (e instanceof CardError)
      return { kind: 'uncertain', problem: e.code === 'removed' ? 'card left the field' : e.message };
    throw e; // a bug, not an operating error
  }
}

/**
 * Opens a sector for the wipe: with the card's key B, with the transport key
 * (wiped already), or with a key a trailer torn mid-write can hold
 * (rekey-plan.ts). Null: none opens it — a cut inside the access bits locks a
 * MIFARE sector for good, and the card is set aside (no money is on it then).
 */
async function openSector(session: CardSession, sector: number, keys: CardKeys): Promise<'open' | 'transport' | null> {
  const keyB = keys.keyB(sector);
  if (await opens(session, sector, 'B', keyB)) return 'open';
  if (await opens(session, sector, 'A', TRANSPORT_KEY)) return 'transport';
  // Behind our access bits only key B writes: a trailer cut on its way to transport (a wipe) or from it (an issue).
  const keysB = [TRANSPORT_KEY, ...tornKeyCandidates(keyB, TRANSPORT_KEY), ...tornKeyCandidates(TRANSPORT_KEY, keyB)];
  for (const k of keysB) if (await opens(session, sector, 'B', k)) return 'open';
  // An issue cut in key A: the access bits are still transport's, and key A writes everything.
  for (const k of tornKeyCandidates(TRANSPORT_KEY, keys.keyA(sector)))
    if (await opens(session, sector, 'A', k)) return 'open';
  return null;
}

async function opens(session: CardSession, sector: number, keyType: 'A' | 'B', key: Uint8Array): Promise<boolean> {
  try {
    await session.authenticate(sector, keyType, key);
    return true;
  } catch (e) {
    if (e instanceof CardError && e.code === 'auth-failed') return false;
    throw e;
  }
}
