import type { CardKeys } from '../card/keys.ts';
import { IDENTITY_BLOCKS, IDENTITY_SECTOR } from '../card/layout.ts';
import { CardError, type CardSession } from '../card/session.ts';

/**
 * Whether a card the kiosk holds still answers, asked through the kiosk's own
 * session: a read of the first block of the sector it is authenticated in
 * (else of the identity sector, with key A). Nothing is selected anew, so the
 * session its writes go through stays alive. Only `removed` means gone: a
 * garbled answer or a refusal came from a card that is there.
 */
export async function cardAnswers(session: CardSession, keys: CardKeys): Promise<boolean> {
  try {
    const held = session.authenticatedAs?.() ?? null;
    if (held === null) await session.authenticate(IDENTITY_SECTOR, 'A', keys.keyA(IDENTITY_SECTOR));
    await session.readBlock(held === null ? IDENTITY_BLOCKS[0] : held.sector * 4);
    return true;
  } catch (e) {
    if (e instanceof CardError) return e.code !== 'removed';
    throw e;
  }
}
