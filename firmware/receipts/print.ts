import type { PrintOutcome, ReceiptPrinter } from '../../drivers/printer/index.ts';
import type { ReceiptDoc } from './document.ts';
import { layoutJob } from './layout.ts';
import type { PrintSettings } from './paper.ts';

/**
 * A receipt printed, or why not and whether it is owed again. A receipt the
 * printer refused (no paper, cover open) or cut short (paper ran out
 * mid-receipt) is marked for reprint: the holder is owed it once the printer
 * is fixed. A job we could not even encode is a template bug, not owed.
 */
export type ReceiptPrint = { printed: true } | { printed: false; reprint: boolean; reason: string; detail: string };

export function receiptPrintOf(outcome: PrintOutcome): ReceiptPrint {
  if (outcome.ok) return { printed: true };
  return { printed: false, reprint: outcome.reason !== 'encode', reason: outcome.reason, detail: outcome.detail };
}

export async function printReceipt(
  printer: ReceiptPrinter,
  doc: ReceiptDoc,
  settings: PrintSettings,
): Promise<ReceiptPrint> {
  return receiptPrintOf(await printer.print(layoutJob(doc, settings)));
}
