import type { IntentBody } from '../../protocol/messages/record-kinds.ts';
import type { JournalRecord } from '../store/journal/journal.ts';

/**
 * The kiosk's receipt port: a receipt module (templates, printer) implements
 * it. Printing comes after the card write, so a printer fault never costs money.
 */
export interface TopupReceipt {
  cardNumber: number;
  amountCents: number;
  balanceCents: number;
  /** The journal seq of the top-up's card.intent: the record reference a receipt carries. */
  intentSeq: number;
  /** When the top-up was written (a reprint carries the original time). */
  atMs: number;
  /** A reprint of a receipt the printer did not finish: it says COPY. */
  copy: boolean;
  /** Member points the top-up earned (journaled on its intent); absent when none. */
  points?: number;
}

/** Printed, or why not; owed: the printer refused it or cut it short, so it is printed again later. */
export type TopupPrint = { printed: true } | { printed: false; owed: boolean; reason: string; detail: string };

export interface TopupReceipts {
  topup(r: TopupReceipt): Promise<TopupPrint>;
}

/** A top-up's receipt facts from its journaled card.intent: what a reprint prints. */
export function topupReceiptOf(intent: JournalRecord<IntentBody>, copy: boolean): TopupReceipt {
  const b = intent.body;
  return {
    cardNumber: b.cardNumber,
    // The cash, as the first print said: chargedAmount also holds a top-up bonus (fromSubsidy).
    amountCents: -b.fromBalance,
    balanceCents: b.next.balance + b.next.subsidy,
    intentSeq: intent.seq,
    atMs: intent.atMs,
    copy,
    ...(b.points ? { points: b.points } : {}),
  };
}
