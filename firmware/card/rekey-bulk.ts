import type { KeyRing } from './key-ring.ts';
import { rekeyCard, type RekeyOutcome } from './rekey.ts';
import type { CardSession } from './session.ts';

/** One card of a bulk re-key, by UID (not secret) and its outcome. */
export interface BulkRekeyLine {
  readonly uidHex: string;
  readonly outcome: RekeyOutcome;
}

export interface BulkRekeyReport {
  readonly rekeyed: number;
  readonly alreadyCurrent: number;
  /** Refused (older than previous, not ours) or cut: each needs the operator, so each is listed. */
  readonly needAttention: readonly BulkRekeyLine[];
}

/**
 * The desk's bulk re-key: every card the reader presents is re-keyed in place;
 * one card's failure never stops the batch. The desk role drives this with its
 * reader; a cut card is simply presented again (the re-key is resumable).
 */
export async function rekeyBulk(cards: AsyncIterable<CardSession>, ring: KeyRing): Promise<BulkRekeyReport> {
  let rekeyed = 0;
  let alreadyCurrent = 0;
  const needAttention: BulkRekeyLine[] = [];
  for await (const session of cards) {
    const outcome = await rekeyCard(session, ring);
    if (outcome.kind === 'rekeyed') rekeyed++;
    else if (outcome.kind === 'current') alreadyCurrent++;
    else needAttention.push({ uidHex: Buffer.from(session.uid).toString('hex'), outcome });
  }
  return { rekeyed, alreadyCurrent, needAttention };
}
