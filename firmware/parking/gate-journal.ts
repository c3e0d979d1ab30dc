import { KIND } from '../../protocol/index.ts';
import type { Journal } from '../store/journal/journal.ts';
import type { GateVerdict } from './gate.ts';

/**
 * A gate that opens is journaled before it opens (parking.entry / parking.exit),
 * so the car inside (anti-passback) and what its stay cost are never lost.
 * A refusal journals nothing here: the runtime shows it (and the card's own
 * refusals are the policy's). The exit's charge is the card transaction's own
 * record (card.intent), written before this one.
 */
/** The record's seq, null when nothing was journaled. */
export function journalGateVerdict(journal: Journal, v: GateVerdict): number | null {
  if (v.kind === 'enter')
    return journal.append(KIND.parkingEntry, v.body, { card: v.body.cardNumber ?? undefined }).seq;
  if (v.kind === 'leave') return journal.append(KIND.parkingExit, v.body, { card: v.body.cardNumber ?? undefined }).seq;
  return null;
}
