import type { CardApp } from '../card/app.ts';
import type { CardSession } from '../card/session.ts';
import type { CardTransactions } from '../card-tx/card-tx.ts';
import { decide, type PolicyContext } from '../policy/policy.ts';
import type { RefusalCode } from '../policy/reasons.ts';
import type { CardImage } from '../card/app.ts';

/**
 * The exit's fee taken from the purse through the card transaction (intent
 * journaled before the first byte, two-slot write, read-back), exactly once:
 * when the card was pulled mid-write at the previous tap, the exit holds that
 * write's intent and this tap first lets the card settle it. Landed: the
 * stay is paid and nothing more is taken. Not landed: charged now. The gate
 * opens only on 'paid'.
 */
export type ExitChargeOutcome =
  | { kind: 'paid'; intentSeq: number; settledEarlier: boolean }
  /** The card left mid-write: hold `intentSeq` and ask for the card again. */
  | { kind: 'uncertain'; intentSeq: number; problem: string }
  | { kind: 'not-paid'; problem: string }
  | { kind: 'refused'; reason: RefusalCode; detail: string };

export async function chargeAtExit(a: {
  tx: CardTransactions;
  cards: CardApp;
  session: CardSession;
  /** The policy context for the card as read (lists, rules, today). */
  context(card: CardImage): PolicyContext;
  feeCents: number;
  /** The exit's write left uncertain at an earlier tap of this card, if any. */
  pendingIntentSeq: number | null;
}): Promise<ExitChargeOutcome> {
  const read = await a.cards.read(a.session);
  if (!read.ok) return { kind: 'not-paid', problem: read.problem };
  const settled = a.tx.settleOpen(read.card);
  if (a.pendingIntentSeq !== null) {
    const mine = settled.find((s) => s.intent.seq === a.pendingIntentSeq);
    if (mine?.outcome === 'landed') return { kind: 'paid', intentSeq: mine.intent.seq, settledEarlier: true };
    if (!mine) return { kind: 'not-paid', problem: `write ${a.pendingIntentSeq} cannot be settled from this card yet` };
  }
  const decision = decide(a.context(read.card), { kind: 'debit', amountCents: a.feeCents, pinOk: false });
  if (decision.kind === 'refuse') return { kind: 'refused', reason: decision.reason, detail: decision.detail };
  // A gate has no PIN pad: a card that wants its PIN pays at the booth.
  if (decision.kind === 'need-pin')
    return { kind: 'refused', reason: 'operator-required', detail: `card asks for a PIN (${decision.reason})` };
  const out = await a.tx.execute(a.session, read.card, read.keys, decision, {
    tx: 'sale',
    listAmountCents: a.feeCents,
  });
  if (out.kind === 'committed') return { kind: 'paid', intentSeq: out.intent.seq, settledEarlier: false };
  if (out.kind === 'uncertain') return { kind: 'uncertain', intentSeq: out.intent.seq, problem: out.problem };
  return { kind: 'not-paid', problem: out.problem };
}
