/**
 * Did an uncertain card write land? One rule for everyone who asks: the
 * terminal with the card in hand, the backend with every terminal's journal,
 * and the simulator's fleet-wide reconciliation. It lives in protocol/ because
 * its evidence is what travels (card.intent bodies) and a backend may import
 * only this folder. docs/journal.md ("Settling an uncertain write") explains the cases.
 *
 * A purse counter goes up by one on every write, and each slot records the
 * terminal that wrote it, so "who holds the counter this write aimed at"
 * answers the question.
 */

/** A purse slot as the card stores it and a card.intent's `next` carries it. */
export interface PurseEvidence {
  counter: number;
  balance: number;
  subsidy: number;
  lastCreditSeq: number;
  day: number;
  spentToday: number;
  writerTerminalId: number;
}

/** What some terminal read on the card: a counter and the terminal that wrote it. */
export interface CounterSighting {
  counter: number;
  writer: number;
}

export interface SettlementEvidence {
  /** The write in question: `next` is the slot it meant to write (next.counter is the target), by `terminalId`. */
  write: { terminalId: number; next: PurseEvidence };
  /** Another write is known to have landed at the target counter. */
  otherLandedAtTarget: boolean;
  /** Valid purse slots read from the card now (none when the card is not in hand). */
  slots: readonly PurseEvidence[];
  /** The card's current counter, when the card is in hand. */
  cardCounter: number | null;
  /** Counters and writers other terminals read on this card (their intents' counterBefore/writerBefore, otherSlot). */
  sightings: readonly CounterSighting[];
}

/**
 * landed     — the card holds (or held) exactly the state the write meant, written by its terminal.
 * not-landed — the card never reached the target counter, or it got there through another write.
 * unknown    — the evidence is past the target and says nothing about it: wait for more.
 */
export type Settlement = 'landed' | 'not-landed' | 'unknown';

export const PURSE_FIELDS = [
  'counter',
  'balance',
  'subsidy',
  'lastCreditSeq',
  'day',
  'spentToday',
  'writerTerminalId',
] as const;

/** Every field, the writer included: the same amounts written by another terminal are another write. */
export function samePurse(a: PurseEvidence, b: PurseEvidence): boolean {
  return PURSE_FIELDS.every((f) => a[f] === b[f]);
}

export function settlement(e: SettlementEvidence): Settlement {
  const target = e.write.next.counter;
  // One write lands per counter: if another did, this one did not.
  if (e.otherLandedAtTarget) return 'not-landed';
  const slot = e.slots.find((p) => p.counter === target);
  if (slot) return samePurse(slot, e.write.next) ? 'landed' : 'not-landed';
  const seen = e.sightings.find((s) => s.counter === target);
  if (seen) return seen.writer === e.write.terminalId ? 'landed' : 'not-landed';
  // Counters only rise: a card below the target never took the write.
  if (e.cardCounter !== null && e.cardCounter < target) return 'not-landed';
  return 'unknown';
}
