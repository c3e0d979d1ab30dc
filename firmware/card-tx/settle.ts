import type { CardImage } from '../card/app.ts';
import type { PurseState } from '../card/layout.ts';
import type { IntentBody } from './records.ts';

/**
 * Did an uncertain write land? The card's counters answer it (docs/architecture.md, money
 * invariant 3): the slot holding the intended counter shows who wrote it.
 *
 * landed     — a slot holds exactly the state we meant to write, written by us.
 * not-landed — the card is still at the old counter, or someone else wrote the intended counter.
 * unknown    — the card moved on twice or more elsewhere, so both slots are past
 *              the evidence; the backend settles it from all terminals' journals.
 */
export type Settlement = 'landed' | 'not-landed' | 'unknown';

export function samePurse(a: PurseState, b: PurseState): boolean {
  return (
    a.counter === b.counter &&
    a.balance === b.balance &&
    a.subsidy === b.subsidy &&
    a.lastCreditSeq === b.lastCreditSeq &&
    a.day === b.day &&
    a.spentToday === b.spentToday &&
    a.writerTerminalId === b.writerTerminalId
  );
}

export function settle(intent: IntentBody, card: CardImage): Settlement {
  const valid = card.slots.flatMap((s) => (s.ok ? [s.value] : []));
  const atTarget = valid.find((p) => p.counter === intent.counterAfter);
  if (atTarget) return samePurse(atTarget, intent.next) ? 'landed' : 'not-landed';
  if (card.purse.counter === intent.counterBefore) return 'not-landed';
  return 'unknown';
}
