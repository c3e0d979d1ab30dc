import { keySetsToTry, type KeyRing } from './key-ring.ts';
import { deriveCardKeys } from './keys.ts';
import { APP_SECTORS } from './layout.ts';
import { rekeyPlan, tornKeyCandidates, type RekeyPlan, type SectorProbe } from './rekey-plan.ts';
import { CardError, trailerBlockOf, type CardSession } from './session.ts';
import { sectorTrailer } from './trailer.ts';

/** A sector probe plus the key B that opened it (never logged: it is key material). */
interface OpenedSector extends SectorProbe {
  readonly keyB: Uint8Array | null;
}

export type RekeyOutcome =
  | { kind: 'current'; keyVersion: number }
  | { kind: 'rekeyed'; fromKeyVersion: number; toKeyVersion: number; sectors: readonly number[] }
  | { kind: 'refused'; reason: string }
  | { kind: 'uncertain'; problem: string };

/**
 * Probes every application sector with key B of each held version (current
 * first), then with the torn-rewrite candidates, so a sector cut mid-trailer by
 * an earlier tap still opens and can be finished.
 */
async function probeSectors(session: CardSession, ring: KeyRing): Promise<OpenedSector[]> {
  const sets = keySetsToTry(ring);
  const out: OpenedSector[] = [];
  for (const sector of APP_SECTORS) {
    // One sector nothing opens refuses the card (rekey-plan.ts): a foreign card costs one sector's tries, not all.
    if (out.some((o) => o.opensWith === null)) {
      out.push({ sector, opensWith: null, keyB: null });
      continue;
    }
    let found: OpenedSector = { sector, opensWith: null, keyB: null };
    for (const set of sets) {
      const keyB = deriveCardKeys(set.keys, session.uid).keyB(sector);
      if (await opens(session, sector, keyB)) {
        found = { sector, opensWith: set.keyVersion, keyB };
        break;
      }
    }
    if (found.opensWith === null && ring.previous !== null) {
      const oldKeyB = deriveCardKeys(ring.previous.keys, session.uid).keyB(sector);
      const newKeyB = deriveCardKeys(ring.current.keys, session.uid).keyB(sector);
      for (const keyB of tornKeyCandidates(oldKeyB, newKeyB)) {
        if (await opens(session, sector, keyB)) {
          found = { sector, opensWith: 'torn', keyB };
          break;
        }
      }
    }
    out.push(found);
  }
  return out;
}

async function opens(session: CardSession, sector: number, keyB: Uint8Array): Promise<boolean> {
  try {
    await session.authenticate(sector, 'B', keyB);
    return true;
  } catch (e) {
    if (e instanceof CardError && e.code === 'auth-failed') return false;
    throw e;
  }
}

/**
 * Re-keys a card in place (洗卡) when it is on the previous key version: each
 * remaining sector trailer is rewritten with the current version's keys, in the
 * plan's order, and checked by authenticating with the new key B. Only trailers
 * change: data blocks, and so the money, are never written here. A cut anywhere
 * is finished by the next call (the plan is recomputed from a fresh probe).
 */
export async function rekeyCard(session: CardSession, ring: KeyRing): Promise<RekeyOutcome> {
  let plan: RekeyPlan;
  let opened: OpenedSector[];
  try {
    opened = await probeSectors(session, ring);
    plan = rekeyPlan(opened, ring);
  } catch (e) {
    return { kind: 'uncertain', problem: problemOf(e) };
  }
  if (plan.kind !== 'rekey') return plan;
  const newKeys = deriveCardKeys(ring.current.keys, session.uid);
  try {
    for (const sector of plan.trailerSectors) {
      const keyB = opened.find((o) => o.sector === sector)?.keyB;
      if (!keyB) return { kind: 'uncertain', problem: `sector ${sector} lost its key during the probe` };
      await session.authenticate(sector, 'B', keyB);
      await session.writeBlock(trailerBlockOf(sector), sectorTrailer(newKeys, sector));
      // Read-back of a trailer is an authentication: the new key B must open it.
      await session.authenticate(sector, 'B', newKeys.keyB(sector));
    }
  } catch (e) {
    return { kind: 'uncertain', problem: problemOf(e) };
  }
  return {
    kind: 'rekeyed',
    fromKeyVersion: plan.fromKeyVersion,
    toKeyVersion: plan.toKeyVersion,
    sectors: plan.trailerSectors,
  };
}

function problemOf(e: unknown): string {
  if (e instanceof CardError) return e.code === 'removed' ? 'card left the field' : e.message;
  throw e; // a bug, not an operating error
}
