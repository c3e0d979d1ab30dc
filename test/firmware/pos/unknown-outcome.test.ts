import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimWorld } from '../../../simulator/world.ts';
import { KIND } from '../../../firmware/card-tx/records.ts';
import { kinds, posWorld, press, READERS, total } from './pos-world.ts';

/**
 * A sale whose card write was cut where the card may hold it ("tap again"),
 * then left behind by a cancel or a restart: the terminal says so, keeps it
 * pending, and when the card returns tells what became of it.
 */
const LANDED = 32; // every byte of the purse write reached the card
const NOT_LANDED = 20; // block A written, the MAC block not: the card keeps its old state
const CUT_BEFORE_MAC = 10; // the terminal knows nothing landed: aborted, no doubt left
const mode = (w: SimWorld) => w.terminal('pos1').terminal.pos.mode;

async function cutSale(r: (typeof READERS)[number], amount: string, tearAfterBytes: number): Promise<SimWorld> {
  const w = await posWorld(r);
  press(w, `${amount} confirm`);
  const torn = await w.tap('pos1', 'alice', { tearAfterBytes });
  assert.equal(torn.screen.customer.en, 'Please tap again');
  return w;
}

for (const r of READERS)
  test(`${r}: cancel during "tap again" says the outcome is unknown; the card's return tells it landed`, async () => {
    const w = await cutSale(r, '3', LANDED);
    try {
      const cancel = press(w, 'cancel');
      assert.equal(cancel.screen.cashier.en, 'Cancelled; sale 3.00 outcome unknown until this card taps again');
      assert.equal(cancel.screen.customer.en, 'Sale 3.00 not confirmed; tap the card again to check');
      assert.equal(mode(w), 'idle');
      assert.deepEqual(kinds(w), [KIND.intent, KIND.uncertain], 'kept pending settlement');
      assert.equal(press(w, 'cancel').screen.cashier.en, 'Enter amount; sale 3.00 awaits card 1001');
      const back = await w.tap('pos1', 'alice');
      assert.equal(back.screen.cashier.en, 'Earlier sale 3.00 went through');
      assert.equal(back.screen.customer.en, 'Earlier sale 3.00 went through, balance 202.00');
      assert.equal(back.receipts.length, 1, 'the receipt of the sale that landed');
      assert.ok(back.receipts[0].lines.includes('实收 Paid 3.00'));
      assert.equal(await total(w, 'alice'), 20_500 - 300, 'charged once, not written again');
      // It is the last sale: the cashier can take it back.
      assert.equal(press(w, 'undo').screen.cashier.en, 'Undo 3.00: tap the card');
      assert.equal((await w.tap('pos1', 'alice')).screen.customer.en, 'Refunded 3.00 balance 205.00');
      assert.equal(await total(w, 'alice'), 20_500);
      assert.deepEqual((await w.reconcile()).problems, []);
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: cancel during "tap again", the write had not landed: the card's return says so`, async () => {
    const w = await cutSale(r, '3', NOT_LANDED);
    try {
      assert.equal(
        press(w, 'cancel').screen.cashier.en,
        'Cancelled; sale 3.00 outcome unknown until this card taps again',
      );
      const back = await w.tap('pos1', 'alice');
      assert.equal(back.screen.cashier.en, 'Earlier sale 3.00 did not go through');
      assert.equal(back.screen.customer.en, 'Earlier sale 3.00 did not go through; card unchanged, balance 205.00');
      assert.deepEqual(back.receipts, []);
      assert.equal(press(w, 'undo').screen.customer.en, 'Nothing to undo');
      assert.equal(await total(w, 'alice'), 20_500);
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: cancel after a cut the terminal knows did not land rests with no warning`, async () => {
    const w = await cutSale(r, '3', CUT_BEFORE_MAC);
    try {
      assert.equal(press(w, 'cancel').screen.cashier.en, 'Enter amount');
      assert.equal((await w.tap('pos1', 'alice')).screen.cashier.en, 'Balance query', 'nothing was pending');
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: a restart during "tap again": the card's return says what became of the 9.90 sale`, async () => {
    for (const [bytes, landed] of [
      [LANDED, true],
      [NOT_LANDED, false],
    ] as const) {
      const w = await cutSale(r, '9.90', bytes);
      try {
        w.restart('pos1');
        assert.equal(mode(w), 'idle');
        const screen = () => w.terminal('pos1').terminal.pos.screen.cashier.en;
        assert.equal(screen(), 'Enter amount; sale 9.90 awaits card 1001', 'the restarted till names the sale');
        const back = await w.tap('pos1', 'alice');
        const said = landed ? 'Earlier sale 9.90 went through' : 'Earlier sale 9.90 did not go through';
        assert.equal(back.screen.cashier.en, said, `${bytes} bytes`);
        assert.equal(back.receipts.length, landed ? 1 : 0);
        assert.equal(await total(w, 'alice'), 20_500 - (landed ? 990 : 0));
        const undo = press(w, 'undo').screen.cashier.en;
        assert.equal(undo, landed ? 'Undo 9.90: tap the card' : 'Refused: Nothing to undo');
        assert.equal(press(w, 'cancel').screen.cashier.en, 'Enter amount', 'settled: nothing awaits any more');
      } finally {
        w.close();
      }
    }
  });

for (const r of READERS)
  test(`${r}: a card that settles an earlier sale while another is due: told first, the sale due stays`, async () => {
    const w = await cutSale(r, '3', LANDED);
    try {
      press(w, 'cancel');
      press(w, '5 confirm');
      assert.equal((await w.tap('pos1', 'alice')).screen.cashier.en, 'Earlier sale 3.00 went through');
      assert.equal(mode(w), 'await-card', 'the 5.00 is still due');
      assert.match((await w.tap('pos1', 'alice')).screen.customer.en, /^Paid 5\.00 balance 197\.00$/);
      assert.equal(await total(w, 'alice'), 20_500 - 300 - 500);
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: "tap again" after the card moved on twice elsewhere: never written a second time`, async () => {
    const w = await cutSale(r, '3', LANDED);
    try {
      w.addTerminal({ name: 'pos2', id: 102 });
      for (const amount of ['1', '2']) {
        for (const k of [amount, 'confirm']) w.key('pos2', k);
        assert.deepEqual((await w.tap('pos2', 'alice')).beeps, ['ok']);
      }
      // Both slots are past the evidence: only the backend, from every journal, can tell whether the 3.00 landed.
      const back = await w.tap('pos1', 'alice');
      assert.equal(back.screen.cashier.en, 'Sale 3.00 outcome unknown: the backend settles it');
      assert.equal(mode(w), 'idle');
      assert.equal(await total(w, 'alice'), 20_500 - 300 - 100 - 200, 'the 3.00 taken once');
      assert.deepEqual(kinds(w), [KIND.intent, KIND.uncertain], 'no second intent');
    } finally {
      w.close();
    }
  });
