import type { CardImage } from '../card/app.ts';
import type { CardKeys } from '../card/keys.ts';
import type { CardSession } from '../card/session.ts';
import { afterWrite } from '../card-tx/card-tx.ts';
import { decide, type PolicyContext } from '../policy/policy.ts';
import { pointsOfWrite } from '../policy/points.ts';
import type { KioskDeps } from './deps.ts';
import { mayHandOver } from './handover.ts';
import type { KioskEvent } from './machine.ts';
import { owedCents } from './owed.ts';
import type { ReceiptDesk } from './receipt-desk.ts';

/** The card the kiosk is serving: its session, as last read or written, and its keys. */
export type Present = { session: CardSession; card: CardImage; keys: CardKeys };
export type PayOutcome = Extract<KioskEvent, { kind: 'credited' | 'credit-cut' }>;

/**
 * Writes what the card is owed here as one top-up, then its receipt; a write
 * that does not land leaves it owed (and says whether it may be handed over).
 * Returns the event for the machine and the card as it is now (null: gone).
 */
export async function payOwed(
  d: KioskDeps,
  desk: ReceiptDesk,
  p: Present | null,
  cardNumber: number,
  context: (card: CardImage) => PolicyContext,
): Promise<{ event: PayOutcome; present: Present | null }> {
  const owed = owedCents(d.journal, cardNumber);
  // Asked after the write: a write that did not land may have left an intent of unknown outcome.
  const cut = (present: Present | null): { event: PayOutcome; present: Present | null } => {
    const handOver = owed > 0 && mayHandOver(d, cardNumber);
    return { event: { kind: 'credit-cut', cardNumber, owedCents: owed, handOver }, present };
  };
  if (!p || p.card.identity.cardNumber !== cardNumber) return cut(p);
  const ctx = context(p.card);
  if (owed <= 0) return { event: { kind: 'credited', card: ctx, amountCents: 0, receiptFault: null }, present: p };
  const decision = decide(ctx, { kind: 'credit', amountCents: owed });
  if (decision.kind !== 'approve') {
    d.log.warn('kiosk.owed-refused', { cardNumber, owed, reason: decision.kind });
    return cut(p);
  }
  // Member points as the POS journals them (the one rule, pointsOfWrite): on the cash, never the bonus.
  // A count card is never topped up with money (decide refuses it), so the unit is cents.
  const points = pointsOfWrite(ctx.rules.points, 'topup', 'cents', decision.chargedAmount, -decision.fromBalance);
  const meta = { tx: 'topup', listAmountCents: owed, ...(points !== 0 ? { points } : {}) } as const;
  const outcome = await d.tx.execute(p.session, p.card, p.keys, decision, meta);
  if (outcome.kind !== 'committed') return cut(null);
  d.log.info('kiosk.bill', { step: 'card-written', cardNumber, amountCents: owed });
  const card = afterWrite(p.card, decision.next);
  const balanceCents = card.purse.balance + card.purse.subsidy;
  const { seq: intentSeq, atMs } = outcome.intent;
  const receipt = { cardNumber, amountCents: owed, balanceCents, intentSeq, atMs, copy: false };
  const print = await desk.print({ ...receipt, ...(points !== 0 ? { points } : {}) });
  if (print === null) d.log.info('kiosk.bill', { step: 'receipt-printed', cardNumber });
  const event = { kind: 'credited', card: context(card), amountCents: owed, receiptFault: print } as const;
  return { event, present: { ...p, card } };
}
