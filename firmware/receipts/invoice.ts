import type { ReceiptPrinter } from '../../drivers/printer/index.ts';
import { KIND } from '../../protocol/messages/record-kinds.ts';
import type { Journal } from '../store/journal/journal.ts';
import type { PrintSettings } from './paper.ts';
import { printReceipt, type ReceiptPrint } from './print.ts';
import { invoiceReceipt, type SaleFacts } from './templates.ts';

/** Whether a print of this sale's invoice would be a copy: any earlier print (the journal knows) makes it one. */
export function invoicePrintedBefore(journal: Journal, intentSeq: number): boolean {
  return journal.referencing(intentSeq).some((r) => r.kind === KIND.invoicePrinted);
}

/**
 * Prints a sale's print-once invoice. The print is journaled first (durable
 * before a byte reaches the printer): a power cut between the two leaves a
 * record and no paper, so the next print says COPY rather than making a
 * second original. An original cut short by the paper is marked for reprint,
 * and that reprint is a COPY too: one original, ever.
 */
export async function printInvoice(
  journal: Journal,
  printer: ReceiptPrinter,
  sale: SaleFacts,
  settings: PrintSettings,
): Promise<{ copy: boolean; print: ReceiptPrint }> {
  const copy = invoicePrintedBefore(journal, sale.seq);
  journal.append(KIND.invoicePrinted, { intentSeq: sale.seq, copy }, { card: sale.cardNumber, ref: sale.seq });
  return { copy, print: await printReceipt(printer, invoiceReceipt(sale, copy, settings.language), settings) };
}
