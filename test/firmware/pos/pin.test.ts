import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimWorld } from '../../../simulator/world.ts';
import { KIND } from '../../../firmware/card-tx/records.ts';
import { kinds, posWorld, press, READERS, total } from './pos-world.ts';

/** The PIN asked above the daily limit (staff 100.00): bound to its card, its prompt kept through stray taps and keys. */
async function setup(reader: (typeof READERS)[number]): Promise<SimWorld> {
  const w = await posWorld(reader);
  await w.addCard({ name: 'dave', uid: '04d4d4d4', number: 1004, cardClass: 1, balanceCents: 20_000, pin: '5678' });
  await w.addCard({ name: 'erin', uid: '04e4e4e4', number: 1005, cardClass: 1, balanceCents: 12_000, pin: '4321' });
  return w;
}
const mode = (w: SimWorld) => w.terminal('pos1').terminal.pos.mode;

for (const r of READERS)
  test(`${r}: a PIN entered for one card is not taken for the next card tapped`, async () => {
    const w = await setup(r);
    try {
      press(w, '150 confirm');
      await w.tap('pos1', 'alice');
      assert.equal(press(w, '1234 confirm').screen.customer.en, 'Tap card again', "alice's PIN accepted");
      const other = await w.tap('pos1', 'dave');
      assert.equal(other.screen.customer.en, 'Over daily limit, enter PIN ', 'dave is asked his own PIN');
      assert.equal(mode(w), 'await-pin');
      assert.equal(await total(w, 'dave'), 20_000, "dave paid nothing on alice's PIN");
      assert.deepEqual(kinds(w), [], 'no write');
      assert.equal(press(w, '5678 confirm').screen.customer.en, 'Tap card again');
      assert.deepEqual((await w.tap('pos1', 'dave')).beeps, ['ok'], 'with his own PIN dave pays');
      assert.equal(await total(w, 'dave'), 20_000 - 15_000);
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: a tap while the PIN is asked keeps the prompt; the cashier's amount is no PIN attempt`, async () => {
    const w = await setup(r);
    try {
      press(w, '150 confirm');
      await w.tap('pos1', 'alice');
      // Issue #8 bug 6: the same card again used to show a balance query while the POS still waited for the PIN.
      const again = await w.tap('pos1', 'alice');
      assert.equal(again.screen.cashier.en, 'Card already read: waiting for its PIN');
      assert.equal(again.screen.customer.en, 'Over daily limit, enter PIN ');
      assert.equal(mode(w), 'await-pin');
      // The cashier, taking it for a finished sale, types the next amount: a keying slip, not a wrong PIN.
      assert.equal(press(w, '5 confirm').screen.cashier.en, 'A PIN has 4 to 6 digits');
      assert.equal(press(w, '0000 confirm').screen.customer.en, 'Wrong PIN');
      assert.equal(press(w, '0000 confirm').screen.customer.en, 'Wrong PIN', 'two wrong PINs of three: not locked');
      assert.ok(!kinds(w).includes(KIND.refused), 'nobody locked out, nothing refused');
      // Another card during the PIN: refused with a message, the PIN still asked of the first.
      const bob = await w.tap('pos1', 'bob');
      assert.equal(bob.screen.customer.en, 'Finish the PIN of the previous card first');
      assert.equal(mode(w), 'await-pin');
      assert.equal(press(w, '1234 confirm').screen.customer.en, 'Tap card again');
      assert.deepEqual((await w.tap('pos1', 'alice')).beeps, ['ok']);
      assert.equal(await total(w, 'alice'), 20_500 - 15_000);
      assert.equal(await total(w, 'bob'), 5_000);
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: a sale the card cannot pay is refused at once, no PIN asked`, async () => {
    const w = await setup(r);
    try {
      press(w, '150 confirm'); // over erin's 100.00 limit, and she holds 120.00
      const tap = await w.tap('pos1', 'erin');
      assert.equal(tap.screen.customer.en, 'Insufficient balance');
      assert.equal(mode(w), 'await-card', 'the amount stays due for another card');
      assert.equal(await total(w, 'erin'), 12_000);
    } finally {
      w.close();
    }
  });
