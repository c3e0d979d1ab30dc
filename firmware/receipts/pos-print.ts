import type { ReceiptPrinter } from '../../drivers/printer/index.ts';
import type { PosConfig } from '../config/schema.ts';
import type { Receipt } from '../pos/receipt.ts';
import { printReceipt, type ReceiptPrint } from './print.ts';

/**
 * The effect the POS leaves to its edge: a sale's receipts (pos.receiptCopies
 * of them) printed on any printer, in order. It stops at the first that
 * fails; that one and the rest are owed (marked for reprint) when the
 * printer says so.
 */
export async function printPosReceipts(
  printer: ReceiptPrinter,
  receipts: readonly Receipt[],
  pos: Pick<PosConfig, 'printer'>,
): Promise<{ printed: number; failure: ReceiptPrint | null; owed: Receipt[] }> {
  for (const [i, receipt] of receipts.entries()) {
    const print = await printReceipt(printer, receipt.doc, pos.printer);
    if (!print.printed) return { printed: i, failure: print, owed: print.reprint ? receipts.slice(i) : [] };
  }
  return { printed: receipts.length, failure: null, owed: [] };
}
