import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../../../simulator/world.ts';
import { DEFAULT_CARD_CLASSES } from '../../../simulator/terminal/default-config.ts';
import { splitKeys } from '../../../simulator/scenario/schema.ts';

/**
 * Issue 15 item 6: a member level change reaches the card like a pending credit, torn-write safe.
 * Cut at every byte of the tap's writes (the level block, 16 bytes, then the purse, 32), the card
 * reads as its old level or its new one — never without one, never unreadable — and the next tap
 * finishes: the new class is on the card and its discount applies from that tap on.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');
const CLASSES = [
  ...DEFAULT_CARD_CLASSES,
  { id: 6, name: { zh: '银卡', en: 'Silver' }, discountPercent: 10 },
  { id: 7, name: { zh: '金卡', en: 'Gold' }, discountPercent: 20 },
];
const WRITE_BYTES = 16 + 32;

async function world(): Promise<SimWorld> {
  const w = new SimWorld({ seed: 6, startMs: START });
  w.addTerminal({ name: 'pos1', id: 101, cardClasses: CLASSES });
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 10_000 });
  return w;
}

const level = (creditSeq: number, cardClass: number) => ({
  card: 1001,
  creditSeq,
  balanceCents: 0,
  subsidyCents: 0,
  expiryDay: 0,
  cardClass,
});

const sell = (w: SimWorld, amount: string) => {
  for (const k of splitKeys(`${amount} confirm`)) w.key('pos1', k);
  return w.tap('pos1', 'alice');
};

test('a level change lands at the next tap and the sale in that tap takes the new discount', async () => {
  const w = await world();
  try {
    w.terminal('pos1').terminal.credits.add([level(1, 7)]);
    const out = await sell(w, '10');
    assert.equal(out.screen.customer.en, 'Paid 8.00 balance 92.00', 'gold: 20 % off from this tap on');
    const card = await w.inspect('alice');
    assert.deepEqual([card.identity.cardClass, card.purse.lastCreditSeq], [7, 1]);
    assert.equal(w.terminal('pos1').terminal.credits.size(), 0, 'applied: the terminal forgets it');
    assert.deepEqual((await w.reconcile()).problems, []);
  } finally {
    w.close();
  }
});

test('a level change cut at every byte: old level or new, and the next tap finishes it', async () => {
  for (let k = 0; k <= WRITE_BYTES; k++) {
    const w = await world();
    try {
      // Alice is silver already (seq 1); the change to gold (seq 2) is the one cut.
      w.terminal('pos1').terminal.credits.add([level(1, 6)]);
      await w.tap('pos1', 'alice');
      assert.equal((await w.inspect('alice')).identity.cardClass, 6);
      w.terminal('pos1').terminal.credits.add([level(2, 7)]);
      await w.tap('pos1', 'alice', { tearAfterBytes: k });
      const torn = await w.inspect('alice');
      assert.ok([6, 7].includes(torn.identity.cardClass), `k=${k}: class ${torn.identity.cardClass}`);
      const out = await sell(w, '10');
      assert.equal(out.screen.customer.en, 'Paid 8.00 balance 92.00', `k=${k}: the next tap is gold`);
      const card = await w.inspect('alice');
      assert.deepEqual([card.identity.cardClass, card.purse.lastCreditSeq], [7, 2], `k=${k}`);
      assert.deepEqual((await w.reconcile()).problems, [], `k=${k}`);
    } finally {
      w.close();
    }
  }
});
