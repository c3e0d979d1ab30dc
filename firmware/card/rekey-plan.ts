import { keySetsToTry, type KeyRing } from './key-ring.ts';
import { APP_SECTORS, IDENTITY_SECTOR } from './layout.ts';
import { KEY_BYTES } from './session.ts';

/**
 * What a terminal's key probe found in one application sector: the key version
 * whose key B opened it, 'torn' when only a torn-trailer candidate key B did
 * (see tornKeyCandidates), or null when nothing this terminal holds opens it.
 */
export interface SectorProbe {
  readonly sector: number;
  readonly opensWith: number | 'torn' | null;
}

export type RekeyPlan =
  | { kind: 'current'; keyVersion: number }
  | { kind: 'rekey'; fromKeyVersion: number; toKeyVersion: number; trailerSectors: readonly number[] }
  | { kind: 'refused'; reason: string };

/**
 * Order of the trailer rewrites: purse sectors first, identity last. Each write
 * is one block, so every sector always opens with one version's keys (or a torn
 * candidate); identity last means "sector 1 opens with the current keys" proves
 * the whole card is done, the one-authentication fast path for every later tap.
 */
const TRAILER_ORDER: readonly number[] = [...APP_SECTORS.filter((s) => s !== IDENTITY_SECTOR), IDENTITY_SECTOR];

/**
 * Decides, from a probe of every application sector, whether a card is on the
 * current key version, must be re-keyed in place (洗卡) and which trailers remain,
 * or is refused. Pure: recomputed at every tap, so a re-key cut anywhere is
 * finished by the next tap at any terminal holding both versions.
 */
export function rekeyPlan(probes: readonly SectorProbe[], ring: KeyRing): RekeyPlan {
  const bySector = new Map(probes.map((p) => [p.sector, p.opensWith]));
  const missing = APP_SECTORS.filter((s) => !bySector.has(s));
  if (missing.length > 0) return { kind: 'refused', reason: `no key probe for sector ${missing.join(', ')}` };
  const held = keySetsToTry(ring).map((set) => set.keyVersion);
  const heldText = held.join(' or ');
  for (const sector of APP_SECTORS) {
    const opensWith = bySector.get(sector);
    if (opensWith === null || (typeof opensWith === 'number' && !held.includes(opensWith))) {
      // Older than previous: those master keys are on no terminal any more; the desk must re-issue.
      return {
        kind: 'refused',
        reason:
          `sector ${sector} opens with no key version this terminal holds (${heldText}): ` +
          'the card is keyed by an older version or is not ours; re-issue it at the desk',
      };
    }
  }
  const current = ring.current.keyVersion;
  const remaining = TRAILER_ORDER.filter((s) => bySector.get(s) !== current);
  if (remaining.length === 0) return { kind: 'current', keyVersion: current };
  if (ring.previous === null) {
    return { kind: 'refused', reason: `card is partly re-keyed but this terminal holds only key version ${current}` };
  }
  return { kind: 'rekey', fromKeyVersion: ring.previous.keyVersion, toKeyVersion: current, trailerSectors: remaining };
}

/**
 * Key B values a trailer torn while being rewritten from `oldKeyB` to `newKeyB`
 * can hold: the write lands a prefix of the block, so key B is the first j new
 * bytes then the old ones (fill 'prefix', 0 < j < 6) or zeros (fill 'erased',
 * 0 ≤ j < 6). Key B is trailer bytes 10–15: a 'prefix' cut before byte 10 leaves
 * it old, an 'erased' one zeroes it. Trying these (at most 11) keeps a torn
 * sector writable with key B, so the next tap can finish its trailer instead of
 * the sector being stuck on an unknown key.
 */
export function tornKeyCandidates(oldKeyB: Uint8Array, newKeyB: Uint8Array): Uint8Array[] {
  if (oldKeyB.length !== KEY_BYTES || newKeyB.length !== KEY_BYTES) {
    throw new Error(`sector keys must be ${KEY_BYTES} bytes`);
  }
  const out: Uint8Array[] = [];
  for (let landed = 0; landed < KEY_BYTES; landed++) {
    if (landed > 0) {
      const prefix = new Uint8Array(oldKeyB);
      prefix.set(newKeyB.subarray(0, landed), 0);
      out.push(prefix);
    }
    // landed 0 with 'erased': a cut before byte 10 zeroes key B whole.
    const erased = new Uint8Array(KEY_BYTES);
    erased.set(newKeyB.subarray(0, landed), 0);
    out.push(erased);
  }
  return out;
}
