import type { IntentBody } from '../../protocol/messages/record-kinds.ts';
import { KIND } from '../card-tx/records.ts';
import type { KioskDeps } from './deps.ts';
import { type TopupPrint, type TopupReceipt, topupReceiptOf } from './receipts.ts';

/** How often owed receipts are tried again while the printer is faulty: a status read each time, no more. */
export const REPRINT_RETRY_MS = 10_000;

/**
 * The kiosk's receipts after the card write: printed, or journaled as owed
 * (receipt.unprinted) when the printer refused one or cut it short, and
 * reprinted as a COPY when the printer is back (receipt.reprinted), once each.
 */
export class ReceiptDesk {
  /** The clock's time at which owed receipts are tried next (0: at the first chance). */
  private retryAtMs = 0;

  constructor(private readonly d: Pick<KioskDeps, 'journal' | 'receipts' | 'clock' | 'log'>) {}

  /** Null when printed; else the printer's reason (the receipt journaled as owed when the printer says so). */
  async print(r: TopupReceipt): Promise<string | null> {
    const print: TopupPrint = await this.d.receipts.topup(r);
    if (print.printed) return null;
    this.d.log.warn('kiosk.receipt-unprinted', { intentSeq: r.intentSeq, reason: print.reason, owed: print.owed });
    if (print.owed) {
      const body = { intentSeq: r.intentSeq, reason: print.reason, detail: print.detail };
      this.d.journal.append(KIND.receiptUnprinted, body, { card: r.cardNumber, ref: r.intentSeq });
      this.retryAtMs = this.d.clock.nowMs() + REPRINT_RETRY_MS;
    }
    return print.reason;
  }

  /** Whether the owed receipts are due another try. */
  get due(): boolean {
    return this.d.clock.nowMs() >= this.retryAtMs;
  }

  /**
   * Prints the owed receipts, each as a COPY, oldest first; stops at the first
   * that fails and tries again after REPRINT_RETRY_MS. allOut: none is owed now.
   */
  async reprintOwed(): Promise<{ printed: number; allOut: boolean }> {
    this.retryAtMs = this.d.clock.nowMs() + REPRINT_RETRY_MS;
    const owed = this.d.journal.open(KIND.receiptUnprinted, [KIND.receiptReprinted]);
    let printed = 0;
    for (const u of owed) {
      const intent = this.d.journal.get(u.body.intentSeq);
      if (intent?.kind !== KIND.intent) continue;
      const print = await this.d.receipts.topup(topupReceiptOf(intent as typeof intent & { body: IntentBody }, true));
      if (!print.printed) return { printed, allOut: false };
      const ref = { ref: u.seq, ...(u.card === null ? {} : { card: u.card }) };
      this.d.journal.append(KIND.receiptReprinted, { intentSeq: u.body.intentSeq }, ref);
      printed++;
    }
    return { printed, allOut: true };
  }
}
