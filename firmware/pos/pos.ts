import type { CardApp, CardImage } from '../card/app.ts';
import type { CardKeys } from '../card/keys.ts';
import { pinVerifier } from '../card/layout.ts';
import type { CardSession } from '../card/session.ts';
import type { TerminalConfig } from '../config/schema.ts';
import { cardDay, cardDayToIso, type Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import { equalBytes } from '../crypto/cmac.ts';
import { checkCard, decide, decideOnlineSale, type Decision, type PolicyContext, type PolicyRequest, type PolicyRules } from '../policy/policy.ts';
import type { RefusalCode } from '../policy/reasons.ts';
import type { Journal, JournalRecord } from '../store/journal/journal.ts';
import type { OnlineSales } from './online-sale.ts';
import type { CardTransactions } from '../card-tx/card-tx.ts';
import { applyPendingCredits, type CreditSource } from '../card-tx/credits-at-tap.ts';
import { hex, KIND, type IntentBody, type RefusedBody } from '../card-tx/records.ts';
import { freeEntry, itemEntry, simpleEntry, type Key } from './entry.ts';
import { receiptFor, type Receipt } from './receipt.ts';
import { screens, type Beep, type Screen } from './screen.ts';
import type { LastSale, PosState, Request } from './state.ts';
import { OperatorDesk } from './operator.ts';
import { isResting, restingState, rulesFor } from './config-swap.ts';

/** For decisions that are not about a sale (credits): the policy request says what. */
const NO_REQUEST: Request = { kind: 'sale', amountCents: 0, lines: [] };

export interface PosDeps {
  config: TerminalConfig;
  journal: Journal;
  blacklist: { has(cardNumber: number): boolean };
  credits: CreditSource;
  online: OnlineSales;
  locked: () => { locked: boolean; text: string };
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
 * The POS role: keys and taps in, screens, beeps and receipts out. Money moves
 * only through CardTransactions; every decision comes from the pure policy.
 */
export class PosApp {
  private state: PosState = { mode: 'idle' };
  private lastSale: LastSale | null = null;
  private out: PosOutput;
  readonly operators: OperatorDesk;
  private rules: PolicyRules;
  /** A pushed config waiting for the POS to rest (applyConfig), and whether a tap is in hand. */
  private pendingConfig: TerminalConfig | null = null;
  private tapping = false;

  constructor(private readonly d: PosDeps) {
    this.operators = new OperatorDesk(d.journal, d.config, d.clock);
    this.rules = rulesFor(d.config);
    this.rest();
    this.out = { screen: this.restingScreen(), beeps: [], receipts: [] };
  }

  get mode(): PosState['mode'] {
    return this.state.mode;
  }
  get screen(): Screen {
    return this.out.screen;
  }

  private today(): number {
    return cardDay(this.d.clock.nowMs(), this.d.config.terminal.utcOffsetMinutes);
  }

  private restingScreen(): Screen {
    const pos = this.d.config.pos;
    if (pos.entryMode === 'fixed') return screens.awaitCard(pos.fixedPriceCents, false);
    return screens.idle(this.operators.current?.name ?? null);
  }

  private show(screen: Screen, beep?: Beep, receipts: Receipt[] = []): PosOutput {
    this.out = { screen, beeps: beep ? [beep] : [], receipts };
    return this.out;
  }

  private rest(): void {
    if (this.pendingConfig && !this.tapping) {
      [this.d.config, this.rules, this.pendingConfig] = [this.pendingConfig, rulesFor(this.pendingConfig), null];
      this.d.log.info('pos.config-applied', { entryMode: this.d.config.pos.entryMode, menuItems: this.d.config.pos.menu.length });
    }
    this.state = restingState(this.d.config.pos);
  }

  /** A pushed config (firmware/sync/config-push.ts): taken now if the POS rests, else when the sale in hand is over. */
  applyConfig(next: TerminalConfig): void {
    this.pendingConfig = next;
    if (this.tapping || !isResting(this.state, this.d.config.pos)) return;
    this.rest();
    this.out = { screen: this.restingScreen(), beeps: [], receipts: [] };
  }

  // ── keys ────────────────────────────────────────────────────────────────
  key(k: Key): PosOutput {
    const s = this.state;
    if (k === 'cancel') return this.cancel();
    if (s.mode === 'await-pin') return this.pinKey(s, k);
    if (s.mode === 'retap') return this.show(screens.tapAgain(), 'error');
    if (k === 'undo') return this.startUndo();
    if (k === 'totals') return this.show(this.totalsScreen());
    if (k === 'topup') {
      if (!this.d.config.pos.allowTopup || !this.operators.current) return this.refusedScreen('operator-required');
      this.state = { mode: 'entry', buffer: '', topup: true };
      return this.show(screens.entry('', { zh: '充值金额', en: 'Top-up' }), 'key');
    }
    const pos = this.d.config.pos;
    const topup = s.mode === 'entry' && s.topup;
    if (pos.entryMode === 'simple' && !topup) return this.entered(simpleEntry(k, pos), false);
    const buffer = s.mode === 'entry' ? s.buffer : '';
    if (k === 'back') {
      this.state = { mode: 'entry', buffer: buffer.slice(0, -1), topup };
      return this.show(screens.entry(buffer.slice(0, -1), { zh: '金额', en: 'Amount' }), 'key');
    }
    const r = pos.entryMode === 'item' && !topup ? itemEntry(buffer, k, pos.menu) : freeEntry(buffer, k);
    return this.entered(r, topup);
  }

  private entered(r: ReturnType<typeof freeEntry>, topup: boolean): PosOutput {
    if (r.kind === 'error') return this.show(screens.message({ zh: r.zh, en: r.en }), 'error');
    if (r.kind === 'editing') {
      this.state = { mode: 'entry', buffer: r.buffer, topup };
      return this.show(screens.entry(r.buffer, topup ? { zh: '充值金额', en: 'Top-up' } : { zh: '金额', en: 'Amount' }), 'key');
    }
    if (!topup && this.d.config.pos.requireOperator && !this.operators.current) {
      this.rest();
      return this.refusedScreen('operator-required');
    }
    const request: Request = { kind: topup ? 'topup' : 'sale', amountCents: r.amountCents, lines: r.lines };
    this.state = { mode: 'await-card', request, pinFor: null };
    return this.show(screens.awaitCard(r.amountCents, topup), 'key');
  }

  private cancel(): PosOutput {
    // A cut write stays in the journal as uncertain; the card settles it wherever it taps next.
    this.rest();
    return this.show(this.restingScreen(), 'key');
  }

  private pinKey(s: Extract<PosState, { mode: 'await-pin' }>, k: Key): PosOutput {
    if (/^[0-9]$/.test(k)) {
      if (s.buffer.length >= 6) return this.show(screens.enterPin(s.buffer.length, 'card-pin'), 'error');
      this.state = { ...s, buffer: s.buffer + k };
      return this.show(screens.enterPin(s.buffer.length + 1, 'card-pin'), 'key');
    }
    if (k === 'back') {
      this.state = { ...s, buffer: s.buffer.slice(0, -1) };
      return this.show(screens.enterPin(s.buffer.length - 1, 'card-pin'), 'key');
    }
    if (k !== 'confirm') return this.show(screens.enterPin(s.buffer.length, 'card-pin'), 'error');
    const ok = /^\d{4,6}$/.test(s.buffer) && equalBytes(pinVerifier(s.buffer, s.card.uid, s.keys.mac), s.card.identity.pinVerifier);
    if (ok) {
      this.state = { mode: 'await-card', request: s.request, pinFor: s.card.identity.cardNumber };
      return this.show(screens.pinAccepted(), 'ok');
    }
    const attempts = s.attempts + 1;
    this.d.log.warn('pos.pin.wrong', { cardNumber: s.card.identity.cardNumber, attempts });
    if (attempts >= this.d.config.pos.pinAttemptsMax) {
      this.rest();
      return this.refuse(s.card, 'pin-locked', `${attempts} wrong PINs`);
    }
    this.state = { ...s, buffer: '', attempts };
    return this.show(screens.refused('pin-wrong'), 'error');
  }

  private startUndo(): PosOutput {
    const sale = this.lastSale;
    if (!sale) return this.refusedScreen('nothing-to-undo');
    if (this.d.clock.nowMs() - sale.atMs > this.d.config.pos.undoWindowMs) return this.refusedScreen('undo-expired');
    this.state = { mode: 'await-undo', sale };
    return this.show(screens.awaitUndoCard(sale.chargedAmount, sale.unit), 'key');
  }

  private totalsScreen(): Screen {
    const day = this.d.journal.totals('sales-day', cardDayToIso(this.today()));
    const shift = this.operators.current ? this.d.journal.totals('sales-shift', this.operators.current.shift) : null;
    return screens.totals(day, shift);
  }

  private refusedScreen(reason: RefusalCode): PosOutput {
    return this.show(screens.refused(reason), 'error');
  }

  private refuse(card: CardImage | null, reason: RefusalCode, detail: string, uid?: Uint8Array): PosOutput {
    const body: RefusedBody = { cardNumber: card?.identity.cardNumber ?? null, uid: hex(card?.uid ?? uid ?? new Uint8Array()), reason, detail };
    this.d.journal.append(KIND.refused, body, card ? { card: card.identity.cardNumber } : {});
    this.d.log.info('pos.refused', { ...body });
    return this.refusedScreen(reason);
  }

  // ── taps ────────────────────────────────────────────────────────────────
  async tap(session: CardSession): Promise<PosOutput> {
    this.tapping = true;
    return this.tapCard(session).finally(() => {
      this.tapping = false;
      if (this.pendingConfig) this.applyConfig(this.pendingConfig);
    });
  }

  private async tapCard(session: CardSession): Promise<PosOutput> {
    if (this.d.locked().locked) return this.refusedScreen('terminal-locked');
    const read = await this.d.cards.read(session);
    if (!read.ok) {
      if (read.reason === 'removed') return this.show(screens.refused('unreadable'), 'error');
      const reason: RefusalCode = read.reason === 'forged' ? 'forged' : 'foreign-card';
      return this.refuse(null, reason, read.problem, session.uid);
    }
    const { keys } = read;
    const settled = this.d.tx.settleOpen(read.card);
    const s = this.state;
    if (s.mode === 'retap' && read.card.identity.cardNumber !== s.cardNumber) return this.refusedScreen('other-card-pending');
    const credit = await applyPendingCredits(this.d.credits, this.d.tx, (card, req) => this.decideFor(card, NO_REQUEST, false, req), session, read.card, keys, this.today());
    if (credit.kind === 'cut') return this.show(screens.tapAgain(), 'retry');
    const card = credit.card;
    if (s.mode === 'retap') {
      const mine = settled.find((x) => x.intent.seq === s.intentSeq);
      if (mine?.outcome === 'landed') return this.finished(s.request, card, mine.intent);
      // Not landed (or already aborted): the card holds its old state; run the request again.
      return this.runRequest(session, card, keys, s.request, false);
    }
    const cardClass = this.rules.classes.get(card.identity.cardClass);
    if (cardClass?.operator && s.mode !== 'await-undo') return this.show(this.operators.toggle(card.identity.cardNumber), 'ok');
    if (s.mode === 'await-card') return this.runRequest(session, card, keys, s.request, s.pinFor === card.identity.cardNumber);
    if (s.mode === 'await-undo') {
      if (card.identity.cardNumber !== s.sale.cardNumber) return this.refusedScreen('undo-other-card');
      return this.runRequest(session, card, keys, { kind: 'undo', amountCents: 0, lines: [], undo: s.sale }, false);
    }
    // Nothing due: a balance query, after the checks of any use — a lost or frozen card is refused, never shown.
    const barred = checkCard(this.policyContext(card));
    if (barred?.kind === 'refuse') return this.refuse(card, barred.reason, barred.detail);
    const unit = card.identity.flags.countPurse ? 'uses' : 'cents';
    if (credit.amount > 0) return this.show(screens.credited(credit.amount, unit === 'uses' ? card.purse.balance : card.purse.balance + card.purse.subsidy, unit), 'ok');
    return this.show(screens.balance(card.purse.balance, card.purse.subsidy, unit), 'ok');
  }

  private policyRequest(r: Request, pinOk: boolean): PolicyRequest {
    if (r.kind === 'topup') return { kind: 'credit', amountCents: r.amountCents };
    if (r.kind === 'undo') return { kind: 'refund', fromSubsidy: r.undo!.fromSubsidy, fromBalance: r.undo!.fromBalance, day: r.undo!.day };
    return { kind: 'debit', amountCents: r.amountCents, pinOk };
  }

  /** The offline decision for a card that has been read: lists and journal looked up, then the pure policy. */
  decideFor(card: CardImage, request: Request, pinOk: boolean, policyRequest?: PolicyRequest): Decision {
    return decide(this.policyContext(card), policyRequest ?? this.policyRequest(request, pinOk));
  }

  private policyContext(card: CardImage): PolicyContext {
    const n = card.identity.cardNumber;
    return { identity: card.identity, purse: card.purse, blacklisted: this.d.blacklist.has(n), lastSeenCounter: this.d.tx.lastSeenCounter(n), today: this.today(), rules: this.rules };
  }

  private async runRequest(session: CardSession, card: CardImage, keys: CardKeys, request: Request, pinOk: boolean): Promise<PosOutput> {
    if (this.rules.classes.get(card.identity.cardClass)?.account === 'online') return this.runOnline(card, request);
    const decision = this.decideFor(card, request, pinOk);
    if (decision.kind === 'refuse') return this.refuse(card, decision.reason, decision.detail);
    if (decision.kind === 'need-pin') {
      this.state = { mode: 'await-pin', request, buffer: '', card, keys, attempts: 0 };
      return this.show(screens.enterPin(0, decision.reason), 'retry');
    }
    const operator = this.operators.current;
    const outcome = await this.d.tx.execute(session, card, keys, decision, {
      tx: request.kind,
      listAmountCents: request.amountCents,
      ...(request.undo ? { undoOf: request.undo.intentSeq } : {}),
      ...(operator ? { shift: operator.shift, operator: operator.cardNumber } : {}),
      ...(request.lines.length ? { items: request.lines.map((l) => ({ code: l.code, qty: l.qty })) } : {}),
    });
    if (outcome.kind === 'committed') return this.finished(request, card, outcome.intent);
    this.state = { mode: 'retap', request, cardNumber: card.identity.cardNumber, intentSeq: outcome.intent.seq };
    return this.show(screens.tapAgain(), 'retry');
  }

  /** Online-account cards: the backend holds the money; no card write (firmware/pos/online-sale.ts). */
  private async runOnline(card: CardImage, request: Request): Promise<PosOutput> {
    if (request.kind !== 'sale') return this.refuse(card, 'class-not-allowed', `${request.kind} is not offered for online-account cards`);
    const d = decideOnlineSale({ identity: card.identity, blacklisted: this.d.blacklist.has(card.identity.cardNumber), today: this.today(), rules: this.rules }, request.amountCents);
    if (d.kind === 'refuse') return this.refuse(card, d.reason, d.detail);
    const operator = this.operators.current;
    const r = await this.d.online.sell({ cardNumber: card.identity.cardNumber, uid: card.uid, chargedCents: d.chargedCents, listAmountCents: request.amountCents, ...(operator ? { shift: operator.shift } : {}) });
    if (r.kind === 'refused') return this.refusedScreen(r.reason); // the result record says why
    this.rest();
    return this.show(screens.paidOnline(d.chargedCents, r.balanceCents, r.offline), 'ok');
  }

  /** A write is final (committed now, or settled as landed): show it, print it, remember it for undo. */
  private finished(request: Request, card: CardImage, intent: JournalRecord<IntentBody>): PosOutput {
    // The intent holds what the write did: no need to ask the journal or the decision again.
    const { chargedAmount: charged, next, fromSubsidy, fromBalance } = intent.body;
    const intentSeq = intent.seq;
    const unit = card.identity.flags.countPurse ? 'uses' : 'cents';
    const balanceShown = unit === 'uses' ? next.balance : next.balance + next.subsidy;
    this.rest();
    if (request.kind === 'undo') {
      this.lastSale = null; // one undo per sale
      return this.show(screens.refunded(-charged, balanceShown, unit), 'ok');
    }
    if (request.kind === 'topup') return this.show(screens.toppedUp(-charged, balanceShown), 'ok');
    const atMs = this.d.clock.nowMs();
    this.lastSale = { intentSeq, cardNumber: card.identity.cardNumber, atMs, chargedAmount: charged, fromSubsidy, fromBalance, day: next.day, unit };
    const copies = this.d.config.pos.receiptCopies;
    const receipt = receiptFor({ config: this.d.config, intentSeq, cardNumber: card.identity.cardNumber, request, charged, balance: balanceShown, unit, atMs, operator: this.operators.current?.name ?? null });
    return this.show(screens.paid(charged, balanceShown, unit), 'ok', Array.from({ length: copies }, () => receipt));
  }
}
