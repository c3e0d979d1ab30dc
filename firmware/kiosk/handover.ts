import type { KioskDeps } from './deps.ts';
import { handOver, owedCards } from './owed.ts';

type HandOverDeps = Pick<KioskDeps, 'journal' | 'tx' | 'handOverOwed' | 'log'>;

/**
 * Whether what this kiosk owes a card may go to the backend now (docs/kiosk.md
 * "the handover"): only with a backend to book it, and never while a top-up
 * write of uncertain outcome is open on the card: it may have paid the owed
 * already, so the card's next tap here settles it and pays what is left.
 */
export function mayHandOver(d: HandOverDeps, cardNumber: number): boolean {
  return d.handOverOwed && d.tx.openIntents(cardNumber).length === 0;
}

/** Hands what the card is owed here to the backend, if it may go; the amount handed over (0: nothing). */
export function handOverOwed(d: HandOverDeps, cardNumber: number): number {
  if (!mayHandOver(d, cardNumber)) return 0;
  const amountCents = handOver(d.journal, cardNumber);
  if (amountCents > 0) d.log.info('kiosk.handed-over', { cardNumber, amountCents });
  return amountCents;
}

/**
 * Start-up: money a power cut left owed here (a bill stacked, the card not yet
 * written nor the owed handed over) goes to the backend, so the card gets it at
 * its next tap at any terminal. No card is being served at start.
 */
export function handOverAtStart(d: HandOverDeps): void {
  for (const cardNumber of owedCards(d.journal)) {
    if (handOverOwed(d, cardNumber) === 0 && d.handOverOwed)
      d.log.warn('kiosk.owed-kept', { cardNumber, reason: 'a card write of unknown outcome: settled at its next tap' });
  }
}
