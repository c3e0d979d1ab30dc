import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimWorld } from '../../../simulator/world.ts';
import { posWorld, press, READERS, total } from './pos-world.ts';

/**
 * Issue #9 item 8: the 50.00 balance cap covers what the card holds, cash and
 * subsidy together, on every path that puts value on it. Fay holds 40.00 cash and 9.00 subsidy.
 */
async function setup(r: (typeof READERS)[number]): Promise<SimWorld> {
  const w = await posWorld(r, { balanceCapCents: 5_000 });
  await w.addCard({ name: 'fay', uid: '04f4f4f4', number: 1006, cardClass: 1, balanceCents: 4_000, subsidyCents: 900 });
  await w.tap('pos1', 'op'); // top-up needs an operator signed in
  return w;
}

for (const r of READERS)
  test(`${r}: top-up: up to the cap on cash + subsidy, not a cent past it`, async () => {
    const w = await setup(r);
    try {
      press(w, 'topup 1 confirm');
      assert.equal((await w.tap('pos1', 'fay')).screen.customer.en, 'Top-up 1.00 balance 50.00');
      press(w, 'topup 0.01 confirm');
      assert.equal((await w.tap('pos1', 'fay')).screen.customer.en, 'Balance limit exceeded');
      assert.equal(await total(w, 'fay'), 5_000);
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: a pending credit waits while it would pass the cap, and lands once there is room`, async () => {
    const w = await setup(r);
    try {
      w.terminal('pos1').terminal.credits.add([
        { card: 1006, creditSeq: 1, balanceCents: 0, subsidyCents: 200, expiryDay: 0 },
      ]);
      assert.equal(
        (await w.tap('pos1', 'fay')).screen.customer.en,
        'Balance 40.00 subsidy 9.00',
        'not applied: 51.00 > 50.00',
      );
      assert.equal(w.terminal('pos1').terminal.credits.size(), 1, 'still pending');
      press(w, '5 confirm');
      assert.equal((await w.tap('pos1', 'fay')).screen.customer.en, 'Paid 5.00 balance 44.00');
      assert.equal((await w.tap('pos1', 'fay')).screen.customer.en, 'Credited 2.00 balance 46.00');
      assert.equal(w.terminal('pos1').terminal.credits.size(), 0);
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: an undo refund that would pass the cap is refused`, async () => {
    const w = await setup(r);
    try {
      press(w, '5 confirm');
      await w.tap('pos1', 'fay'); // 44.00
      press(w, 'topup 6 confirm');
      await w.tap('pos1', 'fay'); // 50.00
      press(w, 'undo');
      assert.equal((await w.tap('pos1', 'fay')).screen.customer.en, 'Balance limit exceeded');
      assert.equal(await total(w, 'fay'), 5_000);
    } finally {
      w.close();
    }
  });
