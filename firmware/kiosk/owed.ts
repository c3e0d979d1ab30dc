import { TOPUP_CARD_SCOPE } from '../card-tx/card-tx.ts';
import { cardDay, cardDayToIso } from '../core/clock.ts';
import { KIND } from '../card-tx/records.ts';
import type { Journal, TotalsDelta } from '../store/journal/journal.ts';
import type { KioskScreen } from './screen.ts';

/**
 * What the kiosk owes, from the journal's totals (they move in the same
 * transaction as the record that makes them true, so a power cut cannot split
 * them): a card is owed the bills stacked for it here less the top-ups that
 * landed on it here and what was handed to the backend (cash.handover). Every
 * top-up a kiosk writes pays stacked bills, nothing else.
 */
export const CASH_CARD_SCOPE = 'cash-card';
/** What this kiosk handed to the backend per card: the backend's pending credit pays it, never this kiosk. */
export const CASH_HANDED_SCOPE = 'cash-handed';
/** The cash box: bills stacked since the cassette was last emptied (one counter, key CASHBOX_KEY). */
export const CASHBOX_SCOPE = 'cashbox';
export const CASHBOX_KEY = 'in';
export const CASH_DAY_SCOPE = 'cash-day';

export function owedCents(journal: Journal, cardNumber: number): number {
  const key = String(cardNumber);
  const stacked = journal.totals(CASH_CARD_SCOPE, key).amountCents;
  const toppedUp = journal.totals(TOPUP_CARD_SCOPE, key).amountCents;
  const handed = journal.totals(CASH_HANDED_SCOPE, key).amountCents;
  return stacked - toppedUp - handed;
}

/** The cards this kiosk owes now: of every card that ever had a bill stacked here, those owed more than 0. */
export function owedCards(journal: Journal): number[] {
  return journal
    .totalsIn(CASH_CARD_SCOPE)
    .map((t) => Number(t.key))
    .filter((cardNumber) => owedCents(journal, cardNumber) > 0);
}

/** The counters a stacked bill moves, with its cash.stacked record. */
export function stackedTotals(cardNumber: number, valueCents: number, atMs: number, utcOffsetMinutes: number) {
  const day = cardDayToIso(cardDay(atMs, utcOffsetMinutes));
  const one = (scope: string, key: string): TotalsDelta => ({ scope, key, count: 1, amountCents: valueCents });
  return [one(CASH_CARD_SCOPE, String(cardNumber)), one(CASHBOX_SCOPE, CASHBOX_KEY), one(CASH_DAY_SCOPE, day)];
}

/**
 * Hands what the card is owed here to the backend (cash.handover): the record
 * and the counter that lowers this kiosk's owed move in one transaction, so
 * from then on only the backend's pending credit pays it (docs/kiosk.md).
 * Returns the amount handed over (0: nothing was owed).
 */
export function handOver(journal: Journal, cardNumber: number): number {
  const owed = owedCents(journal, cardNumber);
  if (owed <= 0) return 0;
  const totals = [{ scope: CASH_HANDED_SCOPE, key: String(cardNumber), count: 1, amountCents: owed }];
  journal.append(KIND.cashHandover, { cardNumber, amountCents: owed }, { card: cardNumber, totals });
  // Pair assertion, after the read-back: nothing of it is left for this kiosk to pay.
  const left = owedCents(journal, cardNumber);
  if (left !== 0) throw new Error(`bug: card ${cardNumber} still owed ${left} after handing over ${owed}`);
  return owed;
}

export function cashboxCount(journal: Journal): { count: number; amountCents: number } {
  return journal.totals(CASHBOX_SCOPE, CASHBOX_KEY);
}

/** An operator emptied the cassette: the count so far is journaled and the cash box starts from 0, together. */
export function emptyCashbox(journal: Journal, operatorCard: number): { count: number; amountCents: number } {
  const box = cashboxCount(journal);
  const totals = [{ scope: CASHBOX_SCOPE, key: CASHBOX_KEY, count: -box.count, amountCents: -box.amountCents }];
  journal.append(KIND.cashEmptied, { operator: operatorCard, ...box }, { card: operatorCard, totals });
  return box;
}

/** What the operator sees: the cash box since it was last emptied, and the day's cash. */
export function cashboxScreen(journal: Journal, nowMs: number, utcOffsetMinutes: number): KioskScreen {
  const box = cashboxCount(journal);
  const day = cardDayToIso(cardDay(nowMs, utcOffsetMinutes));
  return { kind: 'cashbox', ...box, dayCents: journal.totals(CASH_DAY_SCOPE, day).amountCents };
}

/** cash.stack records whose bill has not been settled as stacked or returned: at most one in a healthy kiosk. */
export function openStacks(journal: Journal) {
  return journal.open(KIND.cashStack, [KIND.cashStacked, KIND.cashReturned]);
}
