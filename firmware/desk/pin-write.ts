import type { CardKeys } from '../card/keys.ts';
import {
  decodeIdentity,
  IDENTITY_BLOCKS,
  IDENTITY_SECTOR,
  identityBlockB,
  pinVerifier,
  type CardIdentity,
} from '../card/layout.ts';
import { CardError, type CardSession } from '../card/session.ts';
import { equalBytes } from '../crypto/cmac.ts';

export type PinWriteOutcome =
  | { kind: 'written'; identity: CardIdentity }
  /** Block B was never touched: the card holds its old PIN. */
  | { kind: 'not-written'; problem: string }
  /** The card left during the write: block B may be torn. Writing it again (the same card) finishes. */
  | { kind: 'uncertain'; problem: string };

/**
 * Sets (`pin`), changes or removes (null) a card's PIN: identity block B — the
 * PIN verifier and the identity MAC over both blocks — is rewritten for block
 * A as it stands, then read back and checked. Nothing else on the card
 * changes, no money. `before` sees the identity the card will hold and may
 * refuse (a reason) before anything is written.
 *
 * The identity has one copy (firmware/card/LAYOUT.md): a cut can leave block B
 * torn, a card no terminal reads. This needs nothing of block B, so calling it
 * again on that card finishes: key B of the identity sector (this system's,
 * derived from the UID) opens it, block A — never written after the issue —
 * says which card it is.
 */
export async function writePin(
  session: CardSession,
  keys: CardKeys,
  pin: string | null,
  before: (identity: CardIdentity) => string | null,
): Promise<PinWriteOutcome> {
  let touched = false;
  try {
    await session.authenticate(IDENTITY_SECTOR, 'B', keys.keyB(IDENTITY_SECTOR));
    const a = await session.readBlock(IDENTITY_BLOCKS[0]);
    const verifier = pin === null ? new Uint8Array(4) : pinVerifier(pin, session.uid, keys.mac);
    const b = identityBlockB(a, verifier, session.uid, keys.mac);
    const target = decodeIdentity(a, b, session.uid, keys.mac);
    if (!target.ok) return { kind: 'not-written', problem: `identity: ${target.problem}` };
    const refused = before(target.value);
    if (refused !== null) return { kind: 'not-written', problem: refused };
    touched = true;
    await session.writeBlock(IDENTITY_BLOCKS[1], b);
    // Pair assertion on the way out: the identity reads back whole, with the verifier asked for.
    const back = decodeIdentity(a, await session.readBlock(IDENTITY_BLOCKS[1]), session.uid, keys.mac);
    if (!back.ok) return { kind: 'uncertain', problem: `read-back: ${back.problem}` };
    if (!equalBytes(back.value.pinVerifier, verifier))
      return { kind: 'uncertain', problem: 'read-back holds another PIN verifier' };
    return { kind: 'written', identity: back.value };
  } catch (e) {
    if (!(e instanceof CardError)) throw e; // a bug, not an operating error
    const problem =
      e.code === 'removed' ? 'card left the field' : e.code === 'auth-failed' ? 'not a card of this system' : e.message;
    return touched ? { kind: 'uncertain', problem } : { kind: 'not-written', problem };
  }
}
