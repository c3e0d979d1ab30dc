import { type GpioPort, type Level, opposite } from '../../drivers/gpio/index.ts';
import type { CardApp, CardImage } from '../card/app.ts';
import type { CardSession } from '../card/session.ts';
import type { CardTransactions } from '../card-tx/card-tx.ts';
import { cardDay, type Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import type { CardRules, PolicyContext, PolicyRules } from '../policy/policy.ts';
import { policyContextFor } from '../policy/context.ts';
import { isRecordOf, type Journal } from '../store/journal/journal.ts';
import { KIND } from '../../protocol/index.ts';
import { chargeAtExit } from './exit-charge.ts';
import type { RateTable } from './fee.ts';
import { decideGate, type GateRequest, type GateVerdict, type ParkingFacts, type ParkingPass } from './gate.ts';
import { journalGateVerdict } from './gate-journal.ts';

/**
 * The parking role's app: two barriers (entry, exit) on one terminal, each
 * with its reader and relay. A tap reads the card, asks the gate's decision
 * (./gate.ts), charges the exit's fee through the card transaction exactly
 * once (./exit-charge.ts), journals the passage, and only then lifts the
 * barrier (a relay pulse through the GPIO driver).
 */
export type Gate = 'entry' | 'exit';
/** What the operator at the booth may do (./gate.ts). */
export type OverrideAction = Extract<GateRequest, { kind: 'override' }>['action'];

export interface GateRelay {
  line: number;
  activeLow: boolean;
  releaseMs: number;
}

export interface ParkingGatesDeps {
  port: GpioPort;
  relays: Record<Gate, GateRelay>;
  journal: Journal;
  tx: CardTransactions;
  cards: CardApp;
  cardRules: CardRules;
  /** The money rules for the exit's debit (the POS's, with no sale limits of its own). */
  moneyRules: PolicyRules;
  blacklisted(cardNumber: number): boolean;
  rates: RateTable;
  passClasses: readonly number[];
  /** The card's pass from the holders list (list 3), or null. */
  passOf(cardNumber: number): ParkingPass | null;
  utcOffsetMinutes: number;
  clock: Clock;
  log: Logger;
}

export type GateOutcome =
  | { kind: 'lifted'; gate: Gate; feeCents: number }
  | { kind: 'refused'; gate: Gate; detail: string }
  /** The card left mid-write at the exit: tap again; it is charged at most once. */
  | { kind: 'tap-again'; gate: Gate; detail: string };

/** A card's newest records are its passages: the open entry is among them. */
const ENTRY_SCAN_RECORDS = 16;

const onLevel = (activeLow: boolean): Level => (activeLow ? 0 : 1);

export class ParkingGates {
  /** Exit writes left uncertain, by card: the next tap settles them before charging again. */
  private readonly pending = new Map<number, number>();

  constructor(private readonly d: ParkingGatesDeps) {
    for (const r of Object.values(d.relays)) d.port.output(r.line, opposite(onLevel(r.activeLow)));
  }

  /** When the card's car came in, from the journal: its newest passage is an entry, or it is outside. */
  entryOf(cardNumber: number): number | null {
    for (const r of this.d.journal.byCard(cardNumber, ENTRY_SCAN_RECORDS)) {
      if (isRecordOf(r, KIND.parkingEntry)) return r.atMs;
      if (isRecordOf(r, KIND.parkingExit)) return null;
    }
    return null;
  }

  async tap(gate: Gate, session: CardSession): Promise<GateOutcome> {
    const read = await this.d.cards.read(session);
    if (!read.ok) return { kind: 'refused', gate, detail: `card not read (${read.reason}): ${read.problem}` };
    const credential = { kind: 'card' as const, identity: read.card.identity };
    const v = decideGate({ kind: gate, credential }, this.facts());
    if (v.kind === 'refuse') return { kind: 'refused', gate, detail: v.detail };
    return this.chargeThenLift(gate, v, session, read.card.identity.cardNumber);
  }

  /**
   * A bare card number at a barrier's reader (a Wiegand reader): the lists decide; with no card to take a
   * fee from, a car that owes one stays in (the booth's operator lets it out), a pass holder leaves.
   */
  async tapNumber(gate: Gate, cardNumber: number): Promise<GateOutcome> {
    const v = decideGate({ kind: gate, credential: { kind: 'uid', cardNumber } }, this.facts());
    if (v.kind === 'refuse') return { kind: 'refused', gate, detail: v.detail };
    return this.chargeThenLift(gate, v, null, cardNumber);
  }

  /**
   * The operator at the booth: open a barrier without a card check, or let a
   * car out whose entry is not on record for the lost-ticket fee, taken from
   * the card at the exit reader (`session`) like any exit fee. The operator's
   * card number is journaled with the passage.
   */
  async override(action: OverrideAction, operatorCard: number, session: CardSession | null): Promise<GateOutcome> {
    const gate: Gate = action === 'open-entry' ? 'entry' : 'exit';
    let cardNumber: number | null = null;
    if (action === 'lost-ticket') {
      if (session === null)
        return { kind: 'refused', gate, detail: "lost ticket: the car's card pays at the exit reader" };
      const read = await this.d.cards.read(session);
      if (!read.ok) return { kind: 'refused', gate, detail: `card not read (${read.reason}): ${read.problem}` };
      cardNumber = read.card.identity.cardNumber;
    }
    const v = decideGate({ kind: 'override', operatorCard, action, cardNumber }, this.facts());
    if (v.kind === 'refuse') return { kind: 'refused', gate, detail: v.detail };
    this.d.log.info('parking.override', { action, operator: operatorCard, card: cardNumber });
    return this.chargeThenLift(gate, v, session, cardNumber);
  }

  /** A fee is taken from the purse exactly once (a torn write is settled at the next tap), then the barrier lifts. */
  private async chargeThenLift(
    gate: Gate,
    v: Exclude<GateVerdict, { kind: 'refuse' }>,
    session: CardSession | null,
    cardNumber: number | null,
  ): Promise<GateOutcome> {
    if (v.kind === 'leave' && v.feeCents > 0) {
      if (session === null || cardNumber === null)
        return { kind: 'refused', gate, detail: 'a fee is due and no card is at the reader' };
      const paid = await chargeAtExit({
        tx: this.d.tx,
        cards: this.d.cards,
        session,
        context: (card) => this.moneyContext(card),
        feeCents: v.feeCents,
        pendingIntentSeq: this.pending.get(cardNumber) ?? null,
      });
      if (paid.kind === 'uncertain') {
        this.pending.set(cardNumber, paid.intentSeq);
        return { kind: 'tap-again', gate, detail: paid.problem };
      }
      if (paid.kind !== 'paid')
        return { kind: 'refused', gate, detail: 'problem' in paid ? paid.problem : paid.detail };
      this.pending.delete(cardNumber);
    }
    return this.lift(gate, v);
  }

  /** Journaled first (durable), then the barrier: a lifted barrier is never without its record. */
  private lift(gate: Gate, v: Exclude<GateVerdict, { kind: 'refuse' }>): GateOutcome {
    const seq = journalGateVerdict(this.d.journal, v);
    const relay = this.d.relays[gate];
    this.d.port.pulse(relay.line, onLevel(relay.activeLow), relay.releaseMs);
    const feeCents = v.kind === 'leave' ? v.feeCents : 0;
    this.d.log.info('parking.lifted', { gate, seq, card: v.body.cardNumber, feeCents });
    return { kind: 'lifted', gate, feeCents };
  }

  private facts(): ParkingFacts {
    return {
      cardRules: this.d.cardRules,
      blacklisted: (n) => this.d.blacklisted(n),
      entryOf: (n) => this.entryOf(n),
      passOf: (n) => this.d.passOf(n),
      passClasses: this.d.passClasses,
      rates: this.d.rates,
      utcOffsetMinutes: this.d.utcOffsetMinutes,
      nowMs: this.d.clock.nowMs(),
    };
  }

  private moneyContext(card: CardImage): PolicyContext {
    const lookups = {
      blacklisted: (n: number) => this.d.blacklisted(n),
      lastSeenCounter: (n: number) => this.d.tx.lastSeenCounter(n),
    };
    return policyContextFor(card, lookups, cardDay(this.d.clock.nowMs(), this.d.utcOffsetMinutes), this.d.moneyRules);
  }
}
