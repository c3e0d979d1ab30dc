import type { CardApp, CardImage } from '../card/app.ts';
import type { CardSession } from '../card/session.ts';
import type { TerminalConfig } from '../config/schema.ts';
import { cardDay, cardDayToIso, type Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import { decide, type Decision, type PolicyContext, type PolicyRequest, type PolicyRules } from '../policy/policy.ts';
import { policyContextFor } from '../policy/context.ts';
import type { Journal } from '../store/journal/journal.ts';
import type { OnlineSales } from './online-sale.ts';
import type { CardTransactions } from '../card-tx/card-tx.ts';
import { applyPendingCredits, type CreditSource } from '../card-tx/credits-at-tap.ts';
import { CLOSING_KINDS, hex, KIND, type RefusedBody } from '../card-tx/records.ts';
import { labelOf } from './machine-steps.ts';
import type { Key } from './entry.ts';
import { type LaterReceipts, noReceipts, type Receipt, totalsReceiptsFor } from './receipt.ts';
import { screens, type Beep, type Screen } from './screen.ts';
import type { PosMemory, PosState, Request, Unsettled } from './state.ts';
import { OperatorDesk } from './operator.ts';
import { isResting, restingState, rulesFor } from './config-swap.ts';
import { next, type PosEffect, type PosEvent, type PosFacts } from './machine.ts';
import { decideRequest } from './machine-taps.ts';

export interface PosDeps {
  config: TerminalConfig;
  journal: Journal;
  blacklist: { has(cardNumber: number): boolean };
  credits: CreditSource;
  online: OnlineSales;
  locked: () => { locked: boolean; text: string };
  /** Sync stopped and needs a person: the resting screen carries the mark so the cashier calls someone. */
  syncAlarm: () => { reason: string } | null;
  cards: CardApp;
  tx: CardTransactions;
  clock: Clock;
  log: Logger;
}

/** What the runtime shows and does after each step. */
export interface PosOutput {
  screen: Screen;
  beeps: Beep[];
  receipts: Receipt[];
}

/**
 * The output of a step. Its receipts are built on first reading, once, and
 * the same array is read after: the caller has the screen and the beep before
 * any receipt is formatted (the device's run loop beeps, then presents).
 * A class, not an object literal with a getter: V8 makes those ~100x slower,
 * and there is one per key and per tap. The #fields stay out of its own keys.
 */
class StepOutput implements PosOutput {
  #later: LaterReceipts;
  #built: Receipt[] | null = null;

  constructor(
    public screen: Screen,
    public beeps: Beep[],
    later: LaterReceipts,
  ) {
    this.#later = later;
  }

  get receipts(): Receipt[] {
    this.#built ??= this.#later();
    return this.#built;
  }
}

/**
 * Start-up: the writes a cancel or a power cut left open (not credits: those
 * settle silently and stay pending until their card shows them).
 */
function unsettledIn(journal: Journal): Unsettled[] {
  return journal
    .open(KIND.intent, CLOSING_KINDS)
    .filter((r) => r.body.tx !== 'credit')
    .map((r) => ({ intentSeq: r.seq, cardNumber: r.body.cardNumber, label: labelOf(r.body) }));
}

/** An effect whose answer is the next event: a card write or an online sale. */
type Pending = () => Promise<PosEvent>;

/**
 * The POS role at the edge: keys and taps in, screens, beeps and receipts out.
 * Every decision and transition is the pure next() (firmware/pos/machine.ts);
 * this class reads cards, performs the effects (journal, card writes through
 * CardTransactions, online sales) and is the one place the state moves (move()).
 */
export class PosApp {
  private memory: PosMemory;
  private out: PosOutput;
  readonly operators: OperatorDesk;
  private rules: PolicyRules;
  /** A pushed config waiting for the POS to rest (applyConfig), and whether a tap is in hand. */
  private pendingConfig: TerminalConfig | null = null;
  private tapping = false;

  constructor(private readonly d: PosDeps) {
    this.operators = new OperatorDesk(d.journal, d.config, d.clock);
    this.rules = rulesFor(d.config);
    this.memory = { state: restingState(d.config.pos), lastSale: null, unsettled: unsettledIn(d.journal) };
    this.out = { screen: this.restingScreen(), beeps: [], receipts: [] };
  }

  get mode(): PosState['mode'] {
    return this.memory.state.mode;
  }
  get screen(): Screen {
    return this.out.screen;
  }

  private today(): number {
    return cardDay(this.d.clock.nowMs(), this.d.config.terminal.utcOffsetMinutes);
  }

  private restingScreen(): Screen {
    const pos = this.d.config.pos;
    const rest =
      pos.entryMode === 'fixed'
        ? screens.awaitCard(pos.fixedPriceCents, false)
        : screens.idle(this.operators.current?.name ?? null);
    const waiting = this.memory.unsettled;
    const last = waiting.at(-1);
    const shown = last ? screens.awaiting(rest, last.label, last.cardNumber, waiting.length) : rest;
    const alarm = this.d.syncAlarm();
    return alarm ? screens.syncStopped(shown, alarm.reason) : shown;
  }

  private show(screen: Screen, beep: Beep | null, receipts: LaterReceipts = noReceipts): void {
    this.out = new StepOutput(screen, beep ? [beep] : [], receipts);
  }

  /** A pushed config (firmware/sync/config-push.ts): taken now if the POS rests, else when the sale in hand is over. */
  applyConfig(config: TerminalConfig): void {
    this.pendingConfig = config;
    if (this.tapping || !isResting(this.memory.state, this.d.config.pos)) return;
    this.move({ ...this.memory, state: this.memory.state }, 'config');
    this.show(this.restingScreen(), null);
  }

  /**
   * The one place the POS state changes, and is logged. A pushed config is
   * taken here when the POS comes to rest with no tap in hand, so a sale runs
   * under one config from its first key to its receipt.
   */
  private move(memory: PosMemory, cause: PosEvent['kind'] | 'config'): void {
    let state = memory.state;
    const swap = this.pendingConfig && !this.tapping && isResting(state, this.d.config.pos) ? this.pendingConfig : null;
    if (swap) {
      [this.d.config, this.rules, this.pendingConfig] = [swap, rulesFor(swap), null];
      state = restingState(swap.pos);
      this.d.log.info('pos.config-applied', { entryMode: swap.pos.entryMode, menuItems: swap.pos.menu.length });
    }
    const from = this.memory.state.mode;
    this.memory = { ...memory, state };
    if (from !== state.mode) this.d.log.debug('pos.state', { from, to: state.mode, cause });
  }

  /** One event through the pure machine: the state moves, the effects run; a write or a sale answers later. */
  private step(event: PosEvent, session: CardSession | null): Pending | null {
    const { memory, effects } = next(this.memory, event, this.facts());
    this.move(memory, event.kind);
    let pending: Pending | null = null;
    for (const e of effects) pending = this.perform(e, session) ?? pending;
    return pending;
  }

  private facts(): PosFacts {
    return {
      config: this.d.config,
      rules: this.rules,
      operator: this.operators.current,
      nowMs: this.d.clock.nowMs(),
      context: (c) => this.policyContext(c),
    };
  }

  private perform(e: PosEffect, session: CardSession | null): Pending | null {
    switch (e.kind) {
      case 'show':
        this.show(e.screen, e.beep, e.receipts);
        return null;
      case 'show-resting':
        this.show(this.restingScreen(), e.beep);
        return null;
      case 'show-totals':
        this.showTotals();
        return null;
      case 'refuse': {
        const body: RefusedBody = { cardNumber: e.cardNumber, uid: hex(e.uid), reason: e.reason, detail: e.detail };
        this.d.journal.append(KIND.refused, body, e.cardNumber !== null ? { card: e.cardNumber } : {});
        this.d.log.info('pos.refused', { ...body });
        this.show(screens.refused(e.reason), 'error');
        return null;
      }
      case 'toggle-operator':
        this.show(this.operators.toggle(e.cardNumber), 'ok');
        return null;
      case 'warn':
        this.d.log.warn(e.event, e.fields);
        return null;
      case 'write':
        if (!session) throw new Error('bug: a card write with no card in the field');
        return async () => {
          const outcome = await this.d.tx.execute(session, e.card, e.keys, e.decision, e.meta);
          return { kind: 'written', request: e.request, card: e.card, outcome };
        };
      case 'sell-online':
        return async () => {
          const { card } = e;
          const sale = {
            cardNumber: card.identity.cardNumber,
            uid: card.uid,
            chargedCents: e.chargedCents,
            listAmountCents: e.listAmountCents,
          };
          const outcome = await this.d.online.sell({ ...sale, ...(e.shift !== null ? { shift: e.shift } : {}) });
          return { kind: 'sold-online', chargedCents: e.chargedCents, outcome };
        };
    }
  }

  // ── keys ────────────────────────────────────────────────────────────────
  key(k: Key): PosOutput {
    // Pair assertion: keys decide and show; only a tap writes a card or asks the backend.
    if (this.step({ kind: 'key', key: k }, null) !== null) throw new Error(`bug: key ${k} started a card write`);
    return this.out;
  }

  /** The totals key: the day's (and open shift's) sales on screen, and their totals receipts. */
  private showTotals(): void {
    const dayKey = cardDayToIso(this.today());
    const day = this.d.journal.totals('sales-day', dayKey);
    const op = this.operators.current;
    const shift = op ? this.d.journal.totals('sales-shift', op.shift) : null;
    const receipts = totalsReceiptsFor(
      this.d.config,
      this.d.journal.lastSeq(),
      this.d.clock.nowMs(),
      { key: dayKey, sales: day, topups: this.d.journal.totals('topup-day', dayKey) },
      op && shift ? { key: op.shift, sales: shift, operator: op.name } : null,
    );
    this.show(screens.totals(day, shift), null, () => receipts);
  }

  // ── taps ────────────────────────────────────────────────────────────────
  async tap(session: CardSession): Promise<PosOutput> {
    this.tapping = true;
    try {
      let pending = this.step(await this.read(session), session);
      while (pending) pending = this.step(await pending(), session);
      return this.out;
    } finally {
      this.tapping = false;
      if (this.pendingConfig) this.applyConfig(this.pendingConfig);
    }
  }

  /** The card as the machine needs it: read, its open writes settled, its pending credits written. */
  private async read(session: CardSession): Promise<PosEvent> {
    if (this.d.locked().locked) return { kind: 'locked' };
    const read = await this.d.cards.read(session);
    if (!read.ok) {
      const reason = read.reason === 'removed' ? 'unreadable' : read.reason === 'forged' ? 'forged' : 'foreign-card';
      return { kind: 'read-failed', reason, detail: read.problem, uid: session.uid };
    }
    const settled = this.d.tx.settleOpen(read.card);
    const decideCredit = (card: CardImage, req: PolicyRequest) => decide(this.policyContext(card), req);
    const credit = await applyPendingCredits(
      this.d.credits,
      this.d.tx,
      decideCredit,
      session,
      read.card,
      read.keys,
      this.today(),
    );
    if (credit.kind === 'cut') return { kind: 'credit-cut' };
    return { kind: 'card', card: credit.card, keys: read.keys, settled, creditedAmount: credit.amount };
  }

  /** The offline decision for a card that has been read: lists and journal looked up, then the pure policy. */
  decideFor(card: CardImage, request: Request, pinOk: boolean, policyRequest?: PolicyRequest): Decision {
    const ctx = this.policyContext(card);
    return policyRequest ? decide(ctx, policyRequest) : decideRequest(ctx, request, pinOk);
  }

  private policyContext(card: CardImage): PolicyContext {
    const lookups = {
      blacklisted: (n: number) => this.d.blacklist.has(n),
      lastSeenCounter: (n: number) => this.d.tx.lastSeenCounter(n),
    };
    return policyContextFor(card, lookups, this.today(), this.rules);
  }
}
