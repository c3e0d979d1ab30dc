import type { CardImage } from '../card/app.ts';
import type { CardKeys } from '../card/keys.ts';
import {
  checkCard,
  decide,
  decideOnlineSale,
  type Decision,
  type PolicyContext,
  type PolicyRequest,
} from '../policy/policy.ts';
import { pointsOfWrite } from '../policy/points.ts';
import type { JournalRecord } from '../store/journal/journal.ts';
import type { SettledIntent, TxMeta } from '../card-tx/card-tx.ts';
import type { IntentBody } from '../card-tx/records.ts';
import type { SaleLine } from './entry.ts';
import { type LaterReceipts, linesOf, receiptFor, topupReceiptFor, undoReceiptFor } from './receipt.ts';
import { screens, type PinReason } from './screen.ts';
import type { LastSale, PosMemory, PosState, Request } from './state.ts';
import type { PosEffect, PosEvent, PosFacts, PosStep } from './machine.ts';
import { balanceShown, labelOf, moved, refused, rested, show, shown, unitOf } from './machine-steps.ts';

/**
 * The POS machine's answer to a card (firmware/pos/machine.ts): a sale, top-up
 * or undo decided by the policy, a PIN asked, a cut write settled, an earlier
 * write reported. Pure: the write itself is an effect, its outcome the next event.
 */

export function onCard(before: PosMemory, ev: Extract<PosEvent, { kind: 'card' }>, f: PosFacts): PosStep {
  // Its card is back: settled now and reported below, or past what any card can tell (the backend settles those).
  const unsettled = before.unsettled.filter((u) => u.cardNumber !== ev.card.identity.cardNumber);
  const m = unsettled.length === before.unsettled.length ? before : { ...before, unsettled };
  const s = m.state;
  const { card, keys } = ev;
  const cardNumber = card.identity.cardNumber;
  if (s.mode === 'retap' && cardNumber === s.cardNumber) return retapped(m, s, ev, f);
  // An earlier write of this terminal the card settles now (a cancel or a restart came between): say what became of it.
  const earlier = ev.settled.filter((x) => x.intent.body.tx !== 'credit');
  if (earlier.length > 0) return reportEarlier(m, earlier, card, f);
  if (s.mode === 'retap') return shown(m, screens.refused('other-card-pending'), 'error');
  if (s.mode === 'await-pin') {
    if (cardNumber === s.card.identity.cardNumber)
      return shown(m, screens.pinStillDue(s.buffer.length, s.why), 'error');
    return shown(m, screens.refused('pin-pending'), 'error');
  }
  if (f.rules.classes.get(card.identity.cardClass)?.operator && s.mode !== 'await-undo') {
    return { memory: m, effects: [{ kind: 'toggle-operator', cardNumber }] };
  }
  if (s.mode === 'await-card') return runRequest(m, card, keys, s.request, s.pinFor === cardNumber, f);
  if (s.mode === 'await-undo') {
    if (cardNumber !== s.sale.cardNumber) return shown(m, screens.refused('undo-other-card'), 'error');
    return runRequest(m, card, keys, { kind: 'undo', undo: s.sale }, false, f);
  }
  // Nothing due: a balance query, after the checks of any use — a lost or frozen card is refused, never shown.
  const barred = checkCard(f.context(card));
  if (barred?.kind === 'refuse') return refused(m, card, barred.reason, barred.detail);
  const unit = unitOf(card);
  if (ev.creditedAmount > 0)
    return shown(m, screens.credited(ev.creditedAmount, balanceShown(card.purse, unit), unit), 'ok');
  return shown(m, screens.balance(card.purse.balance, card.purse.subsidy, unit), 'ok');
}

/** The card of a cut write is back: finish with what landed, or write again only when it surely did not land. */
function retapped(
  m: PosMemory,
  s: Extract<PosState, { mode: 'retap' }>,
  ev: Extract<PosEvent, { kind: 'card' }>,
  f: PosFacts,
): PosStep {
  const mine = ev.settled.find((x) => x.intent.seq === s.intentSeq);
  if (mine?.outcome === 'landed') return finished(m, s.request, mine.intent, f);
  if (mine?.outcome === 'not-landed' || !s.uncertain) return runRequest(m, ev.card, ev.keys, s.request, false, f);
  // Still open: the card moved on elsewhere since the cut. Writing again could take the money twice.
  return {
    memory: rested(m, f),
    effects: [
      show(screens.outcomeUnknown(s.label), 'error'),
      {
        kind: 'warn',
        event: 'pos.retap.outcome-unknown',
        fields: { intentSeq: s.intentSeq, cardNumber: s.cardNumber },
      },
    ],
  };
}

function reportEarlier(m: PosMemory, earlier: SettledIntent[], card: CardImage, f: PosFacts): PosStep {
  const last = earlier[earlier.length - 1];
  const notes: PosEffect[] = earlier.slice(0, -1).map((x) => ({
    kind: 'warn',
    event: 'pos.earlier-write.not-shown',
    fields: { intentSeq: x.intent.seq, outcome: x.outcome },
  }));
  const body = last.intent.body;
  if (last.outcome === 'not-landed')
    return {
      memory: m,
      effects: [...notes, show(screens.earlierNotLanded(labelOf(body), balanceShown(card.purse, body.unit)), 'error')],
    };
  const screen = screens.earlierLanded(labelOf(body), balanceShown(card.purse, body.unit));
  if (body.tx === 'undo') {
    const lastSale = m.lastSale?.intentSeq === body.undoOf ? null : m.lastSale; // one undo per sale
    return { memory: { ...m, lastSale }, effects: [...notes, show(screen, 'ok')] };
  }
  if (body.tx !== 'sale') return { memory: m, effects: [...notes, show(screen, 'ok')] };
  // A sale that landed is the last sale now: the cashier may undo it, and the holder gets its receipt.
  const lines = linesOf(body.items, f.config.pos.menu);
  const sold = soldFrom(last.intent, f, lines, body.listAmountCents);
  return { memory: { ...m, lastSale: sold.lastSale }, effects: [...notes, show(screen, 'ok', sold.receipts)] };
}

function policyRequest(r: Request, pinOk: boolean): PolicyRequest {
  if (r.kind === 'topup') return { kind: 'credit', amountCents: r.amountCents };
  if (r.kind === 'undo')
    return { kind: 'refund', fromSubsidy: r.undo.fromSubsidy, fromBalance: r.undo.fromBalance, day: r.undo.day };
  return { kind: 'debit', amountCents: r.amountCents, pinOk };
}

/** The offline decision for a request: what PosApp.decideFor answers too. */
export function decideRequest(ctx: PolicyContext, request: Request, pinOk: boolean): Decision {
  return decide(ctx, policyRequest(request, pinOk));
}

function runRequest(
  m: PosMemory,
  card: CardImage,
  keys: CardKeys,
  request: Request,
  pinOk: boolean,
  f: PosFacts,
): PosStep {
  if (f.rules.classes.get(card.identity.cardClass)?.account === 'online') return runOnline(m, card, request, f);
  const decision = decideRequest(f.context(card), request, pinOk);
  if (decision.kind === 'refuse') return refused(m, card, decision.reason, decision.detail);
  if (decision.kind === 'need-pin') return askPin(m, card, keys, request, decision.reason);
  const op = f.operator;
  const meta: TxMeta = {
    tx: request.kind,
    listAmountCents: request.kind === 'undo' ? 0 : request.amountCents,
    ...(request.kind === 'undo' ? { undoOf: request.undo.intentSeq } : {}),
    ...(op ? { shift: op.shift, operator: op.cardNumber } : {}),
    ...(request.kind === 'sale' && request.lines.length
      ? { items: request.lines.map((l) => ({ code: l.code, qty: l.qty })) }
      : {}),
    ...pointsMeta(f.rules, request.kind, card, decision),
  };
  return { memory: m, effects: [{ kind: 'write', request, card, keys, decision, meta }] };
}

/** The member points of a write, journaled with its intent (absent when none). */
function pointsMeta(
  rules: PosFacts['rules'],
  tx: Request['kind'],
  card: CardImage,
  d: Extract<Decision, { kind: 'approve' }>,
): Pick<TxMeta, 'points'> {
  const points = pointsOfWrite(rules.points, tx, unitOf(card), d.chargedAmount, -d.fromBalance);
  return points !== 0 ? { points } : {};
}

function askPin(m: PosMemory, card: CardImage, keys: CardKeys, request: Request, why: PinReason): PosStep {
  const state: PosState = {
    mode: 'await-pin',
    request,
    why,
    buffer: '',
    card,
    keys,
    attempts: 0,
  };
  return moved(m, state, screens.enterPin(0, why), 'retry');
}

/** Online-account cards: the backend holds the money; no card write (firmware/pos/online-sale.ts). */
function runOnline(m: PosMemory, card: CardImage, request: Request, f: PosFacts): PosStep {
  if (request.kind !== 'sale')
    return refused(m, card, 'class-not-allowed', `${request.kind} is not offered for online-account cards`);
  const { purse: _purse, lastSeenCounter: _seen, ...ctx } = f.context(card);
  const d = decideOnlineSale(ctx, request.amountCents);
  if (d.kind === 'refuse') return refused(m, card, d.reason, d.detail);
  const effect: PosEffect = {
    kind: 'sell-online',
    card,
    chargedCents: d.chargedCents,
    listAmountCents: request.amountCents,
    shift: f.operator?.shift ?? null,
  };
  return { memory: m, effects: [effect] };
}

export function onWritten(m: PosMemory, ev: Extract<PosEvent, { kind: 'written' }>, f: PosFacts): PosStep {
  const { outcome, request, card } = ev;
  if (outcome.kind === 'committed') return finished(m, request, outcome.intent, f);
  const state: PosState = {
    mode: 'retap',
    request,
    cardNumber: card.identity.cardNumber,
    intentSeq: outcome.intent.seq,
    uncertain: outcome.kind === 'uncertain',
    label: labelOf(outcome.intent.body),
  };
  return moved(m, state, screens.tapAgain(), 'retry');
}

/** A write is final (committed now, or settled as landed): show it, print it, remember it for undo. */
function finished(m: PosMemory, request: Request, intent: JournalRecord<IntentBody>, f: PosFacts): PosStep {
  // The intent holds what the write did: no need to ask the journal or the decision again.
  const { chargedAmount: charged, next: after, unit } = intent.body;
  const shownBalance = balanceShown(after, unit);
  const rest = rested(m, f);
  const operator = f.operator?.name ?? null;
  if (request.kind === 'undo') {
    const { config, nowMs } = f;
    const receipts = () => [undoReceiptFor(config, intent, shownBalance, nowMs, operator)];
    // One undo per sale.
    return shown({ ...rest, lastSale: null }, screens.refunded(-charged, shownBalance, unit), 'ok', receipts);
  }
  if (request.kind === 'topup') {
    const { config, nowMs } = f;
    const receipts = () => [topupReceiptFor(config, intent, shownBalance, nowMs, operator)];
    return shown(rest, screens.toppedUp(-intent.body.fromBalance, shownBalance, intent.body.points), 'ok', receipts);
  }
  const sold = soldFrom(intent, f, request.lines, request.amountCents);
  const paid = screens.paid(charged, shownBalance, unit, intent.body.points);
  return shown({ ...rest, lastSale: sold.lastSale }, paid, 'ok', sold.receipts);
}

/** A sale that landed: the undo it allows (from now, when the cashier learns it) and its receipts. */
function soldFrom(
  intent: JournalRecord<IntentBody>,
  f: PosFacts,
  lines: readonly SaleLine[],
  listAmountCents: number,
): { lastSale: LastSale; receipts: LaterReceipts } {
  const b = intent.body;
  const atMs = f.nowMs;
  const lastSale: LastSale = {
    intentSeq: intent.seq,
    cardNumber: b.cardNumber,
    atMs,
    chargedAmount: b.chargedAmount,
    fromSubsidy: b.fromSubsidy,
    fromBalance: b.fromBalance,
    day: b.next.day,
    unit: b.unit,
  };
  const copies = f.config.pos.receiptCopies;
  // The facts are taken now (the operator may sign off before the receipt is asked for); the text later.
  const facts = {
    config: f.config,
    intentSeq: intent.seq,
    cardNumber: b.cardNumber,
    lines,
    listAmountCents,
    charged: b.chargedAmount,
    balance: balanceShown(b.next, b.unit),
    unit: b.unit,
    atMs,
    operator: f.operator?.name ?? null,
    points: b.points,
  };
  const receipts = () => {
    const receipt = receiptFor(facts);
    return Array.from({ length: copies }, () => receipt);
  };
  return { lastSale, receipts };
}
