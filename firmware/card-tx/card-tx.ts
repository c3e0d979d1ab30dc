import type { CardApp, CardImage } from '../card/app.ts';
import type { CardKeys } from '../card/keys.ts';
import type { CardSession } from '../card/session.ts';
import { currentLevel, type LevelState } from '../card/level.ts';
import type { PurseState } from '../card/layout.ts';
import { cardDay, cardDayToIso } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import type { Decision } from '../policy/policy.ts';
import { isRecordOf, type Journal, type JournalRecord, type TotalsDelta } from '../store/journal/journal.ts';
import { samePurse } from '../../protocol/settlement.ts';
import { CLOSING_KINDS, hex, KIND, type IntentBody, type SettleBody } from './records.ts';
import { settle } from './settle.ts';

/**
 * Moves money on a card with the journal around it:
 *   intent (durable) → two-slot write + read-back → commit | abort | uncertain.
 * The intent is fsync'd before the first card byte, so a power cut at any point
 * leaves a record that start-up recovery turns into "uncertain". It is the only
 * fsync before the result: an outcome (and a settle) is appended deferred, and a
 * cut that takes it leaves the intent open, settled by the card's next tap.
 */
export type TxOutcome =
  | { kind: 'committed'; intent: JournalRecord<IntentBody> }
  | { kind: 'aborted'; intent: JournalRecord<IntentBody>; problem: string }
  | { kind: 'uncertain'; intent: JournalRecord<IntentBody>; problem: string };

/** What the caller says about a write beyond the decision: the intent's own fields of that name. */
export type TxMeta = Pick<
  IntentBody,
  | 'tx'
  | 'listAmountCents'
  | 'undoOf'
  | 'shift'
  | 'operator'
  | 'items'
  | 'creditSeqs'
  | 'forfeitedSeqs'
  | 'points'
  | 'cardClass'
>;

/** A valid slot of the card holds exactly `purse` (its writer included). */
function holds(card: CardImage, purse: PurseState): boolean {
  return card.slots.some((s) => s.ok && samePurse(s.value, purse));
}

/** The card as it is after a verified write of `next`: the other slot became current. */
export function afterWrite(card: CardImage, next: PurseState): CardImage {
  const target: 0 | 1 = card.current === 0 ? 1 : 0;
  const slots =
    target === 0
      ? ([{ ok: true, value: next }, card.slots[1]] as const)
      : ([card.slots[0], { ok: true, value: next }] as const);
  return { ...card, slots, current: target, purse: next };
}

/**
 * The level slot a credit write with a level change puts on the card: the class, stamped with
 * the purse's lastCreditSeq after the write, which only grows, so a later change always wins.
 */
export function levelOfWrite(cardClass: number, next: PurseState): LevelState {
  return { cardClass, changeSeq: next.lastCreditSeq };
}

/** Totals scope of the cash the desk paid out (退卡) per day: money leaving cards that is no sale. */
export const PAYOUT_DAY_SCOPE = 'payout-day';
/** Totals scope of the cents topped up onto each card here (key: card number), moved with the write's final record. */
export const TOPUP_CARD_SCOPE = 'topup-card';

export interface SettledIntent {
  intent: JournalRecord<IntentBody>;
  outcome: 'landed' | 'not-landed';
}

export class CardTransactions {
  /**
   * Intents still waiting for their card, by card number. The journal is the
   * truth (this process is its only writer); this mirror keeps a tap from
   * querying it. Loaded at start-up, kept in step with every append below.
   */
  private readonly waiting = new Map<number, JournalRecord<IntentBody>[]>();

  constructor(
    private readonly journal: Journal,
    private readonly cards: CardApp,
    private readonly log: Logger,
    private readonly utcOffsetMinutes: number,
  ) {
    for (const r of journal.open(KIND.intent, CLOSING_KINDS)) this.wait(r);
  }

  private wait(intent: JournalRecord<IntentBody>): void {
    const list = this.waiting.get(intent.body.cardNumber) ?? [];
    list.push(intent);
    this.waiting.set(intent.body.cardNumber, list);
  }

  private close(intent: JournalRecord<IntentBody>): void {
    const rest = (this.waiting.get(intent.body.cardNumber) ?? []).filter((r) => r.seq !== intent.seq);
    if (rest.length) this.waiting.set(intent.body.cardNumber, rest);
    else this.waiting.delete(intent.body.cardNumber);
  }

  /**
   * Start-up: an intent with no outcome means the power went while its card
   * write was in flight. It may have landed: mark it uncertain for the card to settle.
   */
  recoverInterrupted(): number {
    const interrupted = this.journal.open(KIND.intent, [...CLOSING_KINDS, KIND.uncertain]);
    for (const intent of interrupted) {
      this.journal.append(
        KIND.uncertain,
        { intentSeq: intent.seq, problem: 'terminal restarted during the card write' },
        { card: intent.card ?? undefined, ref: intent.seq },
      );
      this.log.warn('card.write.interrupted', { intentSeq: intent.seq, cardNumber: intent.card });
    }
    return interrupted.length;
  }

  /** Intents of this card still waiting for the card to say whether they landed. */
  openIntents(cardNumber: number): JournalRecord<IntentBody>[] {
    return [...(this.waiting.get(cardNumber) ?? [])];
  }

  /** Settles every open intent of this card that the card can answer now. */
  settleOpen(card: CardImage): SettledIntent[] {
    const done: SettledIntent[] = [];
    for (const intent of this.openIntents(card.identity.cardNumber)) {
      const outcome = settle(intent.body, card);
      if (outcome === 'unknown') {
        this.log.warn('card.settle.unknown', {
          intentSeq: intent.seq,
          cardNumber: card.identity.cardNumber,
          counter: card.purse.counter,
        });
        continue;
      }
      // Pair assertion, before: the outcome is what the card shows (the purse we meant is on it, or not).
      if ((outcome === 'landed') !== holds(card, intent.body.next)) {
        throw new Error(`bug: intent ${intent.seq} settled ${outcome} against the card`);
      }
      const body: SettleBody = { intentSeq: intent.seq, outcome, counterSeen: card.purse.counter };
      // Deferred: lost to a power cut, the intent is open again and this card settles it again.
      const settled = this.journal.appendDeferred(KIND.settle, body, {
        card: card.identity.cardNumber,
        ref: intent.seq,
        cardCounter: card.purse.counter,
        totals: outcome === 'landed' ? this.totalsOf(intent.body, intent.atMs) : [],
      });
      this.assertSettled(settled.seq, intent.seq, outcome);
      this.close(intent);
      this.log.info('card.settled', { intentSeq: intent.seq, outcome, cardNumber: card.identity.cardNumber });
      done.push({ intent, outcome });
    }
    return done;
  }

  /** Highest counter this terminal knows the card has reached: a lower one on the card is a restored dump. */
  lastSeenCounter(cardNumber: number): number | null {
    return this.journal.cardCounter(cardNumber);
  }

  async execute(
    session: CardSession,
    card: CardImage,
    keys: CardKeys,
    decision: Extract<Decision, { kind: 'approve' }>,
    meta: TxMeta,
  ): Promise<TxOutcome> {
    const other = card.slots[card.current === 0 ? 1 : 0];
    const body: IntentBody = {
      tx: meta.tx,
      cardNumber: card.identity.cardNumber,
      uid: hex(card.uid),
      unit: card.identity.flags.countPurse ? 'uses' : 'cents',
      chargedAmount: decision.chargedAmount,
      fromSubsidy: decision.fromSubsidy,
      fromBalance: decision.fromBalance,
      listAmountCents: meta.listAmountCents,
      discountAmount: decision.discountAmount,
      counterBefore: card.purse.counter,
      counterAfter: decision.next.counter,
      writerBefore: card.purse.writerTerminalId,
      otherSlot: other.ok ? { counter: other.value.counter, writer: other.value.writerTerminalId } : null,
      next: decision.next,
      ...(meta.undoOf !== undefined ? { undoOf: meta.undoOf } : {}),
      ...(meta.shift !== undefined ? { shift: meta.shift } : {}),
      ...(meta.operator !== undefined ? { operator: meta.operator } : {}),
      ...(meta.items ? { items: meta.items } : {}),
      ...(meta.creditSeqs ? { creditSeqs: meta.creditSeqs } : {}),
      ...(meta.forfeitedSeqs ? { forfeitedSeqs: meta.forfeitedSeqs } : {}),
      ...(meta.points ? { points: meta.points } : {}),
      ...(meta.cardClass !== undefined ? { cardClass: meta.cardClass } : {}),
    };
    // Pair assertion: the purse moves by exactly the charged amount.
    const before = card.purse.balance + card.purse.subsidy;
    const after = decision.next.balance + decision.next.subsidy;
    if (before - after !== decision.chargedAmount)
      throw new Error(`bug: purse moves by ${before - after}, decision says ${decision.chargedAmount}`);

    const intent = this.journal.append(KIND.intent, body, { card: body.cardNumber, cardCounter: body.counterBefore });
    this.wait(intent);
    // Pair assertion: the intent is in the journal file before the first card byte, so a cut from here on
    // leaves a record that start-up recovery turns into "uncertain".
    this.assertJournaled(intent);
    const ref = { card: body.cardNumber, ref: intent.seq };
    // A level change goes on first, into its own spare slot: cut, the purse is untouched (abort) and the
    // credit stays pending, so the next tap writes the level again — the same block, so twice is harmless.
    const levelProblem = body.cardClass === undefined ? null : await this.putLevel(session, card, keys, body);
    if (levelProblem !== null) {
      this.journal.appendDeferred(KIND.abort, { intentSeq: intent.seq, problem: `level: ${levelProblem}` }, ref);
      this.close(intent);
      return { kind: 'aborted', intent, problem: levelProblem };
    }
    const result = await this.cards.writePurse(session, card, keys, decision.next);
    // Outcomes are deferred: the intent's fsync above is the only one before the result (docs/journal.md).
    switch (result.kind) {
      case 'written':
        this.journal.appendDeferred(
          KIND.commit,
          { intentSeq: intent.seq },
          { ...ref, cardCounter: body.counterAfter, totals: this.totalsOf(body, intent.atMs) },
        );
        this.close(intent);
        return { kind: 'committed', intent };
      case 'not-written':
        this.journal.appendDeferred(KIND.abort, { intentSeq: intent.seq, problem: result.problem }, ref);
        this.close(intent);
        return { kind: 'aborted', intent, problem: result.problem };
      case 'uncertain':
        this.journal.appendDeferred(KIND.uncertain, { intentSeq: intent.seq, problem: result.problem }, ref);
        this.log.warn('card.write.uncertain', {
          intentSeq: intent.seq,
          cardNumber: body.cardNumber,
          problem: result.problem,
        });
        return { kind: 'uncertain', intent, problem: result.problem };
    }
  }

  /** Writes the intent's level unless the card holds it already; the problem when it did not surely land. */
  private async putLevel(
    session: CardSession,
    card: CardImage,
    keys: CardKeys,
    body: IntentBody,
  ): Promise<string | null> {
    const level = levelOfWrite(body.cardClass as number, body.next);
    const held = card.levels ? currentLevel(card.levels) : null;
    if (held?.cardClass === level.cardClass && held.changeSeq === level.changeSeq) return null;
    const r = await this.cards.writeLevel(session, card, keys, level);
    return r.kind === 'written' ? null : r.problem;
  }

  /** Pair assertion, after: the settle record reads back from the journal closing this intent, as decided. */
  private assertSettled(seq: number, intentSeq: number, outcome: SettleBody['outcome']): void {
    const back = this.journal.get(seq);
    if (!back || !isRecordOf(back, KIND.settle) || back.ref !== intentSeq || back.body.outcome !== outcome) {
      throw new Error(`bug: settle record ${seq} does not read back as intent ${intentSeq} ${outcome}`);
    }
  }

  /** Reads the intent back from the journal: the last record, the very one appended, and fsync'd. */
  private assertJournaled(intent: JournalRecord<IntentBody>): void {
    const back = this.journal.get(intent.seq);
    const last = this.journal.lastSeq();
    if (back?.kind !== KIND.intent || back.corrupt || last !== intent.seq || back.card !== intent.body.cardNumber) {
      throw new Error(`bug: intent ${intent.seq} is not the journal's last record (last ${last}) before the write`);
    }
    // Read back from this connection it would be there unsynced too: nothing may still wait for its fsync.
    const { waiting } = this.journal.fsyncs();
    if (waiting !== 0) throw new Error(`bug: intent ${intent.seq} not fsync'd before the write (${waiting} wait)`);
  }

  /** Day, shift and top-up totals move with the record that makes a write final, in one transaction. */
  totalsOf(body: IntentBody, atMs: number): TotalsDelta[] {
    // Counted on the day of the sale, even when an uncertain write settles after midnight.
    const day = cardDayToIso(cardDay(atMs, this.utcOffsetMinutes));
    if (body.tx === 'topup') {
      // Per card as well: a kiosk owes a card its stacked bills less the top-ups that landed (firmware/kiosk/owed.ts).
      // Cash only (fromBalance): a top-up bonus (subsidy) is a promotion, not money in the drawer.
      const card = String(body.cardNumber);
      return [
        { scope: 'topup-day', key: day, count: 1, amountCents: -body.fromBalance },
        { scope: TOPUP_CARD_SCOPE, key: card, count: 1, amountCents: -body.fromBalance },
      ];
    }
    if (body.tx === 'credit')
      return [{ scope: 'credit-day', key: day, count: body.creditSeqs?.length ?? 1, amountCents: -body.chargedAmount }];
    // Cash handed out at the desk (退卡): counted apart, never in the day's or a shift's sales.
    if (body.tx === 'payout') return [{ scope: PAYOUT_DAY_SCOPE, key: day, count: 1, amountCents: body.chargedAmount }];
    const scope = body.unit === 'uses' ? 'uses' : 'sales';
    const count = body.tx === 'undo' ? -1 : 1;
    const deltas: TotalsDelta[] = [{ scope: `${scope}-day`, key: day, count, amountCents: body.chargedAmount }];
    if (body.shift) deltas.push({ scope: `${scope}-shift`, key: body.shift, count, amountCents: body.chargedAmount });
    return deltas;
  }
}
