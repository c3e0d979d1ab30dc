import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EscPosPrinter, type ReceiptPrinter } from '../../../drivers/printer/printer.ts';
import { invoicePrintedBefore, printInvoice } from '../../../firmware/receipts/invoice.ts';
import { KIND } from '../../../protocol/index.ts';
import { scanJournal } from '../../../simulator/journal-scan.ts';
import { SimPrinter } from '../../../simulator/printer/sim-printer.ts';
import { simTransport } from '../../../simulator/printer/transport.ts';
import { posWorld, press } from '../pos/pos-world.ts';

const settings = { paperMm: 58, nativeQr: true, language: 'zh' } as const;

test('a sale has one original invoice: its print is journaled, every later print says COPY (副本)', async () => {
  const w = await posWorld('virtual');
  try {
    press(w, '12.5 confirm');
    const sale = (await w.tap('pos1', 'alice')).receipts[0]!.sale!;
    const journal = w.terminal('pos1').terminal.journal;
    const sim = new SimPrinter();
    const printer = new EscPosPrinter(simTransport(sim));
    const first = await printInvoice(journal, printer, sale, settings);
    assert.deepEqual(first, { copy: false, print: { printed: true } });
    assert.match(sim.transcript(), /发票/);
    assert.doesNotMatch(sim.transcript(), /副本/);
    const again = await printInvoice(journal, printer, sale, settings);
    assert.equal(again.copy, true);
    assert.match(sim.transcript().split('[CUT partial]')[1]!, /发票 副本/);
    const printed = [...scanJournal(journal)].filter((r) => r.kind === KIND.invoicePrinted);
    assert.deepEqual(
      printed.map((r) => ({ body: r.body, card: r.card, ref: r.ref })),
      [false, true].map((copy) => ({ body: { intentSeq: sale.seq, copy }, card: 1001, ref: sale.seq })),
    );
  } finally {
    w.close();
  }
});

test('an original cut short by the paper is journaled all the same: its reprint is a COPY, never a second original', async () => {
  const w = await posWorld('virtual');
  try {
    press(w, '12.5 confirm');
    const sale = (await w.tap('pos1', 'alice')).receipts[0]!.sale!;
    const journal = w.terminal('pos1').terminal.journal;
    const sim = new SimPrinter({ paperLinesLeft: 3 });
    const printer = new EscPosPrinter(simTransport(sim));
    const cut = await printInvoice(journal, printer, sale, settings);
    assert.equal(cut.copy, false);
    assert.ok(!cut.print.printed && cut.print.reprint && cut.print.reason === 'paper-out');
    sim.loadPaper();
    const reprint = await printInvoice(journal, printer, { ...sale }, { ...settings, language: 'en' });
    assert.deepEqual(reprint, { copy: true, print: { printed: true } });
    assert.match(sim.transcript(), /INVOICE COPY/);
  } finally {
    w.close();
  }
});

test('the invoice is journaled before its bytes leave: a power cut during the print cannot make a second original', async () => {
  const w = await posWorld('virtual');
  try {
    press(w, '12.5 confirm');
    const sale = (await w.tap('pos1', 'alice')).receipts[0]!.sale!;
    const journal = w.terminal('pos1').terminal.journal;
    const seenAtPrint: boolean[] = [];
    // The printer asks the journal what a restart would find if the power went now, as the bytes go.
    const printer: ReceiptPrinter = {
      status: async () => ({ known: false, reason: 'no-reply' }),
      print: async () => {
        seenAtPrint.push(invoicePrintedBefore(journal, sale.seq));
        return { ok: false, stage: 'io', reason: 'io', detail: 'power cut' };
      },
      close: async () => {},
    };
    await printInvoice(journal, printer, sale, settings);
    assert.deepEqual(seenAtPrint, [true]);
    const after = await printInvoice(journal, new EscPosPrinter(simTransport(new SimPrinter())), sale, settings);
    assert.equal(after.copy, true);
  } finally {
    w.close();
  }
});
