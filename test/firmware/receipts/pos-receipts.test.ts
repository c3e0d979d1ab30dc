import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EscPosPrinter } from '../../../drivers/printer/printer.ts';
import { printPosReceipts } from '../../../firmware/receipts/pos-print.ts';
import { SimPrinter } from '../../../simulator/printer/sim-printer.ts';
import { simTransport } from '../../../simulator/printer/transport.ts';
import type { SimWorld } from '../../../simulator/world.ts';
import { posWorld, press } from '../pos/pos-world.ts';
import type { Receipt } from '../../../firmware/pos/receipt.ts';

/** What the printer twin puts on paper for these receipts, with the terminal's own config. */
async function printed(w: SimWorld, receipts: readonly Receipt[]): Promise<string> {
  const sim = new SimPrinter();
  const pos = w.terminal('pos1').terminal.config.pos;
  const out = await printPosReceipts(new EscPosPrinter(simTransport(sim)), receipts, pos);
  assert.equal(out.printed, receipts.length);
  return sim.transcript();
}

test('the POS gives an undo and a top-up their receipts, referenced by their own intent', async () => {
  const w = await posWorld('virtual', { printer: { paperMm: 58, nativeQr: true, language: 'en' } });
  try {
    await w.tap('pos1', 'op'); // seq 1: operator.signin
    press(w, '8 confirm');
    await w.tap('pos1', 'alice'); // seq 2, 3: the sale's intent and commit
    press(w, 'undo');
    const undo = await w.tap('pos1', 'alice'); // seq 4: the undo's intent
    assert.equal(undo.receipts.length, 1);
    const undoPaper = await printed(w, undo.receipts);
    assert.match(undoPaper, /REFUND/);
    assert.match(undoPaper, /Undoes +2\n/);
    assert.match(undoPaper, /Refunded +8\.00/);
    assert.match(undoPaper, /\[QR-STORE R101-4\]/);
    press(w, 'topup 50 confirm');
    const topup = await w.tap('pos1', 'alice'); // seq 6
    assert.equal(topup.receipts.length, 1);
    const topupPaper = await printed(w, topup.receipts);
    assert.match(topupPaper, /TOP-UP[\s\S]*Credited +50\.00[\s\S]*Balance +255\.00/);
    assert.match(topupPaper, /\[QR-STORE R101-6\]/);
    assert.ok(
      topup.receipts[0]!.lines.some((l) => /^Credited +50\.00$/.test(l)),
      'the display shows the printed text',
    );
  } finally {
    w.close();
  }
});

test('the totals key gives the day and the open shift their totals receipts, as the journal counts them', async () => {
  const w = await posWorld('virtual');
  try {
    await w.tap('pos1', 'op');
    press(w, '5 confirm');
    await w.tap('pos1', 'alice');
    press(w, '10 confirm');
    await w.tap('pos1', 'bob'); // 9.00 after discount
    const totals = press(w, 'totals');
    assert.equal(totals.receipts.length, 2);
    const paper = await printed(w, totals.receipts);
    const [day, shift] = paper.split('[CUT partial]');
    assert.match(day!, /日结[\s\S]*消费笔数\(已扣撤销\) +2\n[\s\S]*消费净额 +14\.00\n[\s\S]*充值笔数 +0\n/);
    assert.match(shift!, /班结[\s\S]*消费净额 +14\.00\n/);
    assert.doesNotMatch(shift!, /充值/, 'top-ups are counted per day only');
  } finally {
    w.close();
  }
});
