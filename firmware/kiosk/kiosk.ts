import type { BillEntry, CashEvent } from '../../drivers/cash/index.ts';
import type { PeripheralHealth } from '../../protocol/messages/status.ts';
import type { CardImage } from '../card/app.ts';
import type { CardSession } from '../card/session.ts';
import { applyPendingCredits } from '../card-tx/credits-at-tap.ts';
import { KIND } from '../card-tx/records.ts';
import { cardDay } from '../core/clock.ts';
import { checkCard, decide, type PolicyContext, type PolicyRules } from '../policy/policy.ts';
import { policyContextFor } from '../policy/context.ts';
import type { BillStep, KioskDeps } from './deps.ts';
import { initialMemory, type KioskEffect, type KioskEvent, type KioskMemory, next } from './machine.ts';
import { cardAnswers } from './card-present.ts';
import { handOverAtStart, handOverOwed } from './handover.ts';
import { type PayOutcome, payOwed, type Present } from './pay-owed.ts';
import { cashboxScreen, emptyCashbox, openStacks, owedCents } from './owed.ts';
import { ReceiptDesk } from './receipt-desk.ts';
import { closeStack } from './stacks.ts';
import { type KioskScreen, screenView } from './screen.ts';

/**
 * The self-service top-up kiosk: the I/O shell around machine.ts. It takes
 * card taps and the acceptor's events, journals each bill's life, writes the
 * card through CardTransactions and is the one place the state moves (move()).
 */
export class KioskApp {
  private memory: KioskMemory;
  private present: Present | null = null;
  private shown: KioskScreen = { kind: 'idle' };
  private tableSeen: readonly BillEntry[] | undefined;
  private readonly desk: ReceiptDesk;
  /** The policy rules in force: a pushed config replaces them between events (takeRules). */
  private rules: PolicyRules;

  constructor(private readonly d: KioskDeps) {
    this.memory = initialMemory(!d.acceptorEnabled);
    this.desk = new ReceiptDesk(d);
    this.rules = d.rules;
    this.screen = d.acceptorEnabled ? { kind: 'idle' } : { kind: 'disabled', balanceCents: null };
  }

  get state(): KioskMemory {
    return this.memory;
  }

  /** What the screen shows now. */
  get screen(): KioskScreen {
    return this.shown;
  }

  /** Every change of the screen, wherever it is made, also goes to the screen driver (the web page). */
  private set screen(screen: KioskScreen) {
    this.shown = screen;
    this.d.screenDisplay?.show(screenView(screen));
  }

  /**
   * Start-up: a card write cut by the power is marked uncertain (the card settles
   * it at its next tap); what a card is owed otherwise is handed over. An open cash.stack
   * stays open: the acceptor's first events of this run (stacked, power-up, escrow at start) say where its bill went.
   */
  recover(): void {
    this.d.tx.recoverInterrupted();
    handOverAtStart(this.d);
    this.d.screenDisplay?.show(screenView(this.shown)); // a page has the screen from boot
    const open = openStacks(this.d.journal);
    if (open.length) this.d.log.warn('kiosk.stack-open', { stackSeqs: open.map((r) => r.seq).join(',') });
  }

  /** A card on the reader: settle, pending credits, what it is owed here, then the top-up. */
  async tap(session: CardSession): Promise<void> {
    const read = await this.d.cards.read(session);
    if (!read.ok) return this.dispatch({ kind: 'card-refused', reason: read.problem });
    const number = read.card.identity.cardNumber;
    if (this.d.operatorCards.has(number)) return this.dispatch({ kind: 'operator-card', cardNumber: number });
    const refusal = checkCard(this.context(read.card));
    if (refusal?.kind === 'refuse') return this.dispatch({ kind: 'card-refused', reason: refusal.reason });
    this.d.tx.settleOpen(read.card);
    // An intent the card could not answer yet: paying what is owed now could pay it twice if that one landed.
    if (this.d.tx.openIntents(number).length > 0) return this.dispatch({ kind: 'card-refused', reason: 'unsettled' });
    const decideFor = (c: CardImage, req: Parameters<typeof decide>[1]) => decide(this.context(c), req);
    const today = cardDay(this.d.clock.nowMs(), this.d.utcOffsetMinutes);
    const { credits, tx } = this.d;
    const credited = await applyPendingCredits(credits, tx, decideFor, session, read.card, read.keys, today);
    if (credited.kind === 'cut') return this.dispatch({ kind: 'card-refused', reason: 'card removed' });
    this.present = { session, card: credited.card, keys: read.keys };
    if (owedCents(this.d.journal, number) > 0) {
      const paid = await this.payOwed(number);
      if (paid.kind === 'credit-cut') return this.dispatch(paid);
    }
    if (!this.present) return;
    await this.dispatch({ kind: 'card', card: this.context(this.present.card) });
  }

  /**
   * The kiosk holds a card (a top-up in progress): it owns the reader until it lets go, so the run loop
   * selects nothing (that would end the session the writes go through) and asks cardPresent() instead.
   */
  get holdsCard(): boolean {
    return this.present !== null;
  }

  /** Whether the card it holds still answers, through its own session (card-present.ts). */
  cardPresent(): Promise<boolean> {
    return this.present ? cardAnswers(this.present.session, this.present.keys) : Promise.resolve(false);
  }

  cardGone(): Promise<void> {
    this.present = null;
    return this.dispatch({ kind: 'card-gone' });
  }

  finish(): Promise<void> {
    return this.dispatch({ kind: 'finish' });
  }

  /** A pushed config's rules (classes, balance cap): each next decision and enable uses them. */
  takeRules(rules: PolicyRules): void {
    this.rules = rules;
  }

  /** The backend's switch (config kiosk.acceptorEnabled): off enables no bill type until it is on again. */
  setAcceptorEnabled(enabled: boolean): Promise<void> {
    if (enabled === !this.memory.disabled) return Promise.resolve();
    this.d.log.info('kiosk.acceptor-switched', { enabled: enabled ? 1 : 0 });
    return this.dispatch({ kind: 'remote', enabled });
  }

  /** Takes the acceptor's events and acts on each, oldest first (call after each poll cycle). */
  async pump(): Promise<void> {
    const table = this.d.acceptor.billTable;
    if (table !== this.tableSeen) {
      this.tableSeen = table;
      if (table) await this.dispatch({ kind: 'bill-table' });
    }
    for (const e of this.d.acceptor.takeEvents()) await this.onCash(e);
    // The validator ACKs away its "stacked" at the first poll: a run cut between that poll and the journal
    // finds it idle with the stack still open. STACK had gone out (else the bill would be in escrow): it is in.
    const settled = ['idle', 'disabled'].includes(this.d.acceptor.device.kind);
    if (settled && openStacks(this.d.journal).length > 0) {
      this.step('stacked', {});
      await this.closeStacked(null, null);
    }
    // Not while a bill is on its way in: its own receipt comes first.
    const s = this.memory.state;
    const billInHand = s.kind === 'topup' && s.bill !== null;
    if (this.desk.due && !billInHand) await this.reprintOwed();
  }

  /** Prints the receipts a printer fault left owed, as COPY (receipt-desk.ts); the printer is back once all are out. */
  async reprintOwed(): Promise<number> {
    const r = await this.desk.reprintOwed();
    if (r.allOut && (this.memory.printerFault !== null || r.printed > 0)) await this.dispatch({ kind: 'printer-back' });
    return r.printed;
  }

  /** An operator emptied the cassette: the count so far is journaled and the cash box starts from 0. */
  emptied(operatorCard: number): { count: number; amountCents: number } {
    const box = emptyCashbox(this.d.journal, operatorCard);
    this.d.log.info('kiosk.cash-emptied', { ...box });
    return box;
  }

  /** STATUS: the acceptor's health, degraded while an alarm is in force. */
  health(): PeripheralHealth {
    return { kind: 'bill-acceptor', health: this.memory.alarm || this.memory.disabled ? 'degraded' : 'ok' };
  }

  /** STATUS: the receipt printer, degraded while a receipt it did not finish is owed. */
  printerHealth(): PeripheralHealth {
    return { kind: 'printer', health: this.memory.printerFault ? 'degraded' : 'ok' };
  }

  private async onCash(e: CashEvent): Promise<void> {
    switch (e.kind) {
      case 'escrow':
        this.step('escrowed', { billType: e.billType });
        return this.dispatch({ kind: 'escrow', billType: e.billType, valueCents: e.valueCents });
      case 'stacked':
        this.step('stacked', { billType: e.billType });
        if (await this.closeStacked(e.id, e.billType)) return;
        // No open cash.stack: its cash.stacked is journaled already (the cut fell before the ACK).
        this.d.acceptor.acknowledge(e.id);
        return;
      case 'power-up':
        // The STACK went out: a bill not in the validator is in the stacker or already in the cassette.
        if (e.bill === 'in-validator') return this.returned('in the validator at power-up');
        await this.closeStacked(null, null);
        return;
      case 'returned':
      case 'escrow-at-start':
      case 'escrow-timeout':
        return this.returned(e.kind);
      case 'rejected':
        // The validator's reason stays in the log; a customer is told what it means for them.
        this.d.log.info('kiosk.bill-rejected', { reason: e.text, code: e.reason });
        return this.dispatch({ kind: 'bill-back', reason: e.text, notTaken: e.inhibited });
      case 'alarm':
        return this.dispatch({ kind: 'alarm', alarm: e.alarm, detail: e.detail });
      case 'alarm-cleared':
        return this.dispatch({ kind: 'alarm-cleared' });
      case 'refused':
      case 'anomaly':
        this.d.log.warn('kiosk.acceptor', { ...e });
        return;
    }
  }

  private async returned(reason: string): Promise<void> {
    closeStack(this.d, 'returned', null, reason);
    await this.dispatch({ kind: 'bill-back', reason });
  }

  /** Closes the open cash.stack as stacked and acts on it; false when none was open. */
  private async closeStacked(stackedId: number | null, billType: number | null): Promise<boolean> {
    const cardNumber = closeStack(this.d, 'stacked', billType, '');
    if (cardNumber !== null) await this.afterJournaled(stackedId, cardNumber);
    return cardNumber !== null;
  }

  /**
   * The stacked bill is durable in the journal: the validator may take the next one, the card is owed it.
   * A bill no session holds (its stack closed after a restart) is paid to its card if that card is on the
   * reader, else handed over like any owed of a card not being served.
   */
  private async afterJournaled(stackedId: number | null, cardNumber: number): Promise<void> {
    this.step('journaled', {});
    if (stackedId !== null) this.d.acceptor.acknowledge(stackedId);
    const s = this.memory.state;
    if (s.kind === 'topup' && s.bill) return this.dispatch({ kind: 'stacked', valueCents: s.bill.valueCents });
    if (this.present?.card.identity.cardNumber === cardNumber) return this.dispatch(await this.payOwed(cardNumber));
    handOverOwed(this.d, cardNumber);
  }

  /** Writes what the card is owed here (pay-owed.ts); the card as it is after. */
  private async payOwed(cardNumber: number): Promise<PayOutcome> {
    const paid = await payOwed(this.d, this.desk, this.present, cardNumber, (c) => this.context(c));
    this.present = paid.present;
    return paid.event;
  }

  private context(card: CardImage): PolicyContext {
    const lookups = {
      blacklisted: (n: number) => this.d.blacklisted(n),
      lastSeenCounter: (n: number) => this.d.tx.lastSeenCounter(n),
    };
    return policyContextFor(card, lookups, cardDay(this.d.clock.nowMs(), this.d.utcOffsetMinutes), this.rules);
  }

  private step(step: BillStep, fields: Record<string, number>): void {
    this.d.log.info('kiosk.bill', { step, ...fields });
  }

  private async dispatch(event: KioskEvent): Promise<void> {
    const out = next(this.memory, event, {
      billTable: this.d.acceptor.billTable ?? [],
      topupMaxCents: this.d.topupMaxCents,
    });
    this.move(out.memory, event.kind);
    for (const effect of out.effects) await this.run(effect);
  }

  /** The one place the kiosk's state changes, and is logged. */
  private move(memory: KioskMemory, cause: KioskEvent['kind']): void {
    const from = this.memory.state.kind;
    this.memory = memory;
    if (from !== memory.state.kind) this.d.log.info('kiosk.state', { from, to: memory.state.kind, cause });
  }

  private async run(e: KioskEffect): Promise<void> {
    switch (e.kind) {
      case 'enable':
        this.d.acceptor.enable(e.billTypes);
        return;
      case 'stack':
        // Durable before STACK goes out: whatever the acceptor says after a restart, the journal knows whose bill.
        this.d.journal.append(
          KIND.cashStack,
          { cardNumber: e.cardNumber, billType: e.billType, valueCents: e.valueCents },
          { card: e.cardNumber },
        );
        this.step('stacking', { billType: e.billType });
        {
          const sent = this.d.acceptor.stack();
          // The bill left escrow before the decision (the validator's own timeout): no STACK, so it is not ours.
          if (!sent.ok) return this.returned(sent.error);
        }
        return;
      case 'return':
        this.d.acceptor.returnBill();
        return;
      case 'credit':
        return this.dispatch(await this.payOwed(e.cardNumber));
      case 'hand-over':
        handOverOwed(this.d, e.cardNumber);
        return;
      case 'journal-alarm':
        this.d.journal.append(KIND.cashAlarm, { alarm: e.alarm, detail: e.detail });
        this.d.log.warn('kiosk.alarm', { alarm: e.alarm, detail: e.detail });
        return;
      case 'show':
        this.screen = e.screen;
        return;
      case 'show-cashbox':
        this.screen = cashboxScreen(this.d.journal, this.d.clock.nowMs(), this.d.utcOffsetMinutes);
        return;
    }
  }
}
