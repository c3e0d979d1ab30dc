import { KIND } from '../card-tx/records.ts';
import type { KioskDeps } from './deps.ts';
import { openStacks, owedCents, stackedTotals } from './owed.ts';

/**
 * Closes the open cash.stack, if any, as stacked (durable, with the cash-box,
 * day and card-owed counters) or returned. Its value is the stack record's: a
 * restarted driver may not have read the bill table yet. The bill's card when one closed, else null.
 */
export function closeStack(
  d: Pick<KioskDeps, 'journal' | 'log' | 'clock' | 'utcOffsetMinutes'>,
  as: 'stacked' | 'returned',
  billType: number | null,
  reason: string,
): number | null {
  const open = openStacks(d.journal)[0];
  if (!open) return null;
  const { cardNumber, valueCents } = open.body;
  if (billType !== null && billType !== open.body.billType)
    d.log.warn('kiosk.bill-type-differs', { stackSeq: open.seq, journaled: open.body.billType, billType });
  const ref = { card: cardNumber, ref: open.seq };
  if (as === 'returned') {
    d.journal.append(KIND.cashReturned, { billType: open.body.billType, reason }, ref);
    return cardNumber;
  }
  const owedBefore = owedCents(d.journal, cardNumber);
  const totals = stackedTotals(cardNumber, valueCents, d.clock.nowMs(), d.utcOffsetMinutes);
  d.journal.append(KIND.cashStacked, { cardNumber, billType: open.body.billType, valueCents }, { ...ref, totals });
  // Pair assertion, after the read-back: the card is owed exactly this bill more.
  const owedAfter = owedCents(d.journal, cardNumber);
  if (owedAfter - owedBefore !== valueCents)
    throw new Error(`bug: stacked ${valueCents} moved card ${cardNumber}'s owed by ${owedAfter - owedBefore}`);
  return cardNumber;
}
