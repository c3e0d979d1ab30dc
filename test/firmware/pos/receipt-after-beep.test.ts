import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posWorld, press } from './pos-world.ts';

/**
 * The receipt comes after the beep and never holds it back: the tap's output
 * has its screen and beep with no receipt formatted yet; the receipt is built
 * when first read, once. The printer settings are read only to format a
 * receipt, so reading them counts the receipts built.
 */
test('a sale returns its beep before its receipt is built; the receipt is built once, when read', async () => {
  const w = await posWorld('virtual', { receiptCopies: 2 });
  try {
    const pos = w.terminal('pos1').terminal.config.pos;
    const printer = pos.printer;
    let built = 0;
    Object.defineProperty(pos, 'printer', {
      get: () => {
        built++;
        return printer;
      },
    });
    press(w, '12.5 confirm');
    const paid = await w.tap('pos1', 'alice');
    assert.deepEqual(paid.beeps, ['ok']);
    assert.equal(paid.screen.customer.en, 'Paid 12.50 balance 192.50');
    assert.equal(built, 0, 'no receipt formatted before the result is out');
    const receipts = paid.receipts;
    assert.equal(receipts.length, 2, 'one per copy');
    assert.ok(receipts[0]!.lines.includes('实收 Paid 12.50'));
    assert.equal(receipts[1], receipts[0], 'the copies are the one receipt');
    const afterFirst = built;
    assert.ok(afterFirst > 0);
    assert.equal(paid.receipts, receipts, 'read again: the same receipts, not built again');
    assert.equal(built, afterFirst);
  } finally {
    w.close();
  }
});
