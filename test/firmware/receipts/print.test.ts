import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EscPosPrinter } from '../../../drivers/printer/printer.ts';
import { printPosReceipts } from '../../../firmware/receipts/pos-print.ts';
import { printReceipt } from '../../../firmware/receipts/print.ts';
import { SimPrinter } from '../../../simulator/printer/sim-printer.ts';
import { simTransport } from '../../../simulator/printer/transport.ts';
import { posWorld, press } from '../pos/pos-world.ts';
import { settingsFor, TEMPLATES } from '../../vectors/receipts/cases.ts';

const cuts = (sim: SimPrinter) => sim.transcript().split('[CUT partial]').length - 1;

test('paper out mid-receipt: the printer reports it, the receipt is marked for reprint and reprints whole', async () => {
  const sim = new SimPrinter({ paperLinesLeft: 6 });
  const printer = new EscPosPrinter(simTransport(sim));
  const doc = TEMPLATES.sale!('zh');
  const settings = settingsFor('zh', 58);
  const cut = await printReceipt(printer, doc, settings);
  assert.deepEqual(
    { printed: cut.printed, reprint: !cut.printed && cut.reprint, reason: !cut.printed && cut.reason },
    { printed: false, reprint: true, reason: 'paper-out' },
  );
  assert.doesNotMatch(sim.transcript(), /R101-42/, 'the paper ran out before the reference');
  const refused = await printReceipt(printer, doc, settings);
  assert.ok(!refused.printed && refused.reprint, 'still no paper: refused before a byte, still owed');
  sim.loadPaper();
  assert.deepEqual(await printReceipt(printer, doc, settings), { printed: true });
  assert.match(sim.transcript(), /凭证号 +R101-42/);
});

test('the POS prints its sale receipt on any ReceiptPrinter: pos.receiptCopies copies, each with its reference', async () => {
  const w = await posWorld('virtual', { receiptCopies: 2, printer: { paperMm: 80, nativeQr: false, language: 'en' } });
  try {
    press(w, '12.5 confirm');
    const paid = await w.tap('pos1', 'alice');
    assert.equal(paid.receipts.length, 2);
    assert.ok(paid.receipts[0]!.lines.includes('实收 Paid 12.50'), 'the display text is as before');
    const sim = new SimPrinter();
    const config = w.terminal('pos1').terminal.config;
    const out = await printPosReceipts(new EscPosPrinter(simTransport(sim)), paid.receipts, config.pos);
    assert.deepEqual({ printed: out.printed, owed: out.owed.length }, { printed: 2, owed: 0 });
    assert.equal(cuts(sim), 2);
    const reference = `R101-${paid.receipts[0]!.sale!.seq}`;
    assert.equal(sim.transcript().split(reference).length - 1, 2, 'the reference printed on each copy');
    assert.match(sim.transcript(), /Paid {2,}12\.50/);
    assert.match(sim.transcript(), /\[RASTER /, 'no native QR on this printer: rasterised');
    assert.ok(
      sim
        .transcript()
        .split('\n')
        .every((l) => l.replace(/\[[^\]]*\]/g, '').length <= 48),
    );
  } finally {
    w.close();
  }
});

test('paper out during the first of two copies: both are owed; during the second: only the second', async () => {
  const w = await posWorld('virtual', { receiptCopies: 2 });
  try {
    press(w, '3 confirm');
    const { receipts } = await w.tap('pos1', 'alice');
    const pos = w.terminal('pos1').terminal.config.pos;
    const first = await printPosReceipts(
      new EscPosPrinter(simTransport(new SimPrinter({ paperLinesLeft: 4 }))),
      receipts,
      pos,
    );
    assert.deepEqual({ printed: first.printed, owed: first.owed.length }, { printed: 0, owed: 2 });
    const sim = new SimPrinter({ paperLinesLeft: 20 });
    const second = await printPosReceipts(new EscPosPrinter(simTransport(sim)), receipts, pos);
    assert.deepEqual({ printed: second.printed, owed: second.owed.length }, { printed: 1, owed: 1 });
    assert.equal(second.failure?.printed === false && second.failure.reason, 'paper-out');
  } finally {
    w.close();
  }
});
