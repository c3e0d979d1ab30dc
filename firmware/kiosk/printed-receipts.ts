import type { ReceiptPrinter } from '../../drivers/printer/index.ts';
import type { PrintSettings } from '../receipts/paper.ts';
import { printReceipt } from '../receipts/print.ts';
import { topupReceipt } from '../receipts/templates.ts';
import type { TopupPrint, TopupReceipts } from './receipts.ts';

/** Where a kiosk's receipts say they come from. */
export interface KioskReceiptHead {
  shopName: string;
  terminalId: number;
  utcOffsetMinutes: number;
}

/**
 * The kiosk's receipts on a real printer (an EscPosPrinter; the printer twin
 * in the simulator): the top-up template, laid out for the roll, status read
 * before and after. A refusal or a job cut short by the paper is owed.
 */
export function printedReceipts(printer: ReceiptPrinter, settings: PrintSettings, h: KioskReceiptHead): TopupReceipts {
  return {
    async topup(r): Promise<TopupPrint> {
      const facts = {
        ...{ shopName: h.shopName, terminalId: h.terminalId, utcOffsetMinutes: h.utcOffsetMinutes, operator: null },
        ...{ seq: r.intentSeq, atMs: r.atMs, cardNumber: r.cardNumber },
        ...{ creditedCents: r.amountCents, balanceCents: r.balanceCents },
        ...(r.points ? { points: r.points } : {}),
      };
      const print = await printReceipt(printer, topupReceipt(facts, settings.language, r.copy), settings);
      if (print.printed) return print;
      return { printed: false, owed: print.reprint, reason: print.reason, detail: print.detail };
    },
  };
}
