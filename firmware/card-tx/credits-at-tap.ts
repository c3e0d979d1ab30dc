import { afterLevelWrite, type CardImage } from '../card/app.ts';
import type { CardKeys } from '../card/keys.ts';
import type { CardSession } from '../card/session.ts';
import type { Decision, PolicyRequest } from '../policy/policy.ts';
import type { PendingCredit } from '../store/credits.ts';
import { afterWrite, levelOfWrite, type CardTransactions } from './card-tx.ts';

/** The terminal's pending credits, as a role sees them (firmware/store/credits.ts). */
export interface CreditSource {
  forCard(card: number, appliedUpTo: number): PendingCredit[];
  forget(card: number, appliedUpTo: number): number;
}

export type CreditOutcome = { kind: 'ok'; card: CardImage; amount: number } | { kind: 'cut' };

/**
 * Writes the card's pending credits (subsidies, online top-ups) before
 * anything else the tap does, in one card write: the card's lastCreditSeq makes
 * each land once, here or at any other terminal, whatever the role. A cut write
 * leaves an open intent that the next tap settles; the credits stay pending
 * until the card shows them.
 */
export async function applyPendingCredits(
  credits: CreditSource,
  tx: CardTransactions,
  decide: (card: CardImage, req: PolicyRequest) => Decision,
  session: CardSession,
  card: CardImage,
  keys: CardKeys,
  /** The tap's card day (firmware/core/clock.ts cardDay), the one its policy decision uses. */
  today: number,
): Promise<CreditOutcome> {
  const pending = contiguousFrom(
    credits.forCard(card.identity.cardNumber, card.purse.lastCreditSeq),
    card.purse.lastCreditSeq,
  );
  if (pending.length === 0) return { kind: 'ok', card, amount: 0 };
  // An expired credit is forfeited: its seq is used up with no money, so the ones after it still land.
  const live = pending.filter((c) => !isExpired(c, today));
  const forfeitedSeqs = pending.filter((c) => isExpired(c, today)).map((c) => c.creditSeq);
  const balance = live.reduce((n, c) => n + c.balanceCents, 0);
  const subsidy = live.reduce((n, c) => n + c.subsidyCents, 0);
  const uptoCreditSeq = pending[pending.length - 1].creditSeq;
  // The last level change of the run is the card's class from this write on (an earlier one is overtaken).
  const cardClass = pending.findLast((c) => c.cardClass !== undefined)?.cardClass;
  const decision = decide(card, { kind: 'apply-credits', balance, subsidy, uptoCreditSeq });
  // A refused card (lost, expired, another tenant) keeps its credits pending; the role's own decision says why.
  if (decision.kind !== 'approve') return { kind: 'ok', card, amount: 0 };
  // listAmountCents = chargedAmount (no discount on a credit), as for every write: the journal item derives it so (§6.6.2).
  const outcome = await tx.execute(session, card, keys, decision, {
    tx: 'credit',
    listAmountCents: decision.chargedAmount,
    creditSeqs: pending.map((c) => c.creditSeq),
    ...(forfeitedSeqs.length ? { forfeitedSeqs } : {}),
    ...(cardClass !== undefined ? { cardClass } : {}),
  });
  if (outcome.kind !== 'committed') return { kind: 'cut' };
  credits.forget(card.identity.cardNumber, uptoCreditSeq);
  const written = afterWrite(card, decision.next);
  // From this tap on the card is of its new class: the sale that follows takes the new discount.
  const level = cardClass !== undefined ? levelOfWrite(cardClass, decision.next) : null;
  return { kind: 'ok', card: level ? afterLevelWrite(written, level) : written, amount: balance + subsidy };
}

/**
 * The credits that follow the card's lastCreditSeq without a hole (§6.5):
 * applying 3 while 2 has not arrived would raise lastCreditSeq past 2, and
 * 2 could then never land. The rest waits for the missing one. An expired
 * credit is no hole: it is here, and the write uses its seq up with no money.
 */
export function contiguousFrom(pending: readonly PendingCredit[], lastCreditSeq: number): PendingCredit[] {
  const out: PendingCredit[] = [];
  for (const c of pending) {
    if (c.creditSeq !== lastCreditSeq + out.length + 1) break;
    out.push(c);
  }
  return out;
}

/** expiryDay < today (card days; 0 = none): a credit is valid through its expiry day. */
function isExpired(c: Pick<PendingCredit, 'expiryDay'>, today: number): boolean {
  return c.expiryDay !== 0 && c.expiryDay < today;
}
