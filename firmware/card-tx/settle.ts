import { settlement, type Settlement } from '../../protocol/settlement.ts';
import type { CardImage } from '../card/app.ts';
import type { IntentBody } from './records.ts';

export type { Settlement } from '../../protocol/settlement.ts';

/**
 * Did this terminal's uncertain write land? The card in hand is the evidence:
 * its valid slots and its counter (protocol/settlement.ts holds the rule).
 * `unknown` — the card moved on twice or more elsewhere, so both slots are past
 * the target; the backend settles it from all terminals' journals.
 * docs/architecture.md (money invariant 3) says why the counters answer it.
 */
export function settle(intent: IntentBody, card: CardImage): Settlement {
  return settlement({
    // The slot we meant to write names us as its writer.
    write: { terminalId: intent.next.writerTerminalId, next: intent.next },
    otherLandedAtTarget: false,
    slots: card.slots.flatMap((s) => (s.ok ? [s.value] : [])),
    cardCounter: card.purse.counter,
    sightings: [],
  });
}
