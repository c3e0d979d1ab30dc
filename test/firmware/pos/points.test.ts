import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../../../simulator/world.ts';
import { scanJournal } from '../../../simulator/journal-scan.ts';
import { splitKeys } from '../../../simulator/scenario/schema.ts';
import type { IntentBody } from '../../../firmware/card-tx/records.ts';
import { START } from './pos-world.ts';

/**
 * Issue 15 item 6 at the till: the policy's points go into the intent, on the receipt and the display;
 * a top-up bonus lands in the subsidy wallet in the same write, and the drawer counts the cash alone.
 */
const POINTS = {
  saleCentsPerPoint: 100,
  topupCentsPerPoint: 1_000,
  topupBonuses: [{ minTopupCents: 10_000, bonusSubsidyCents: 1_000 }],
};

async function world(): Promise<SimWorld> {
  const w = new SimWorld({ seed: 15, startMs: START });
  w.addTerminal({ name: 'pos1', id: 101, points: POINTS });
  await w.addCard({ name: 'bob', uid: '04112233445566', number: 1002, cardClass: 2, balanceCents: 5_000 });
  await w.addCard({ name: 'op', uid: '04000009', number: 9001, cardClass: 9 });
  return w;
}

const press = (w: SimWorld, keys: string) =>
  splitKeys(keys)
    .map((k) => w.key('pos1', k))
    .at(-1)!;

const intents = (w: SimWorld): IntentBody[] =>
  [...scanJournal(w.terminal('pos1').terminal.journal)]
    .filter((r) => r.kind === 'card.intent')
    .map((r) => r.body as unknown as IntentBody);

test('a sale earns floor(charged / 1.00) points: journaled, printed, shown; its undo gives them back', async () => {
  const w = await world();
  try {
    press(w, '14.50 confirm'); // bob is a student: 10 % off → 13.05 charged → 13 points
    const out = await w.tap('pos1', 'bob');
    assert.equal(out.screen.customer.en, 'Paid 13.05 balance 36.95 +13 pts');
    assert.ok(out.receipts[0]?.lines.includes('积分 Points +13'), out.receipts[0]?.lines.join('\n'));
    assert.equal(intents(w).at(-1)?.points, 13);
    await w.tap('pos1', 'op');
    press(w, 'undo');
    await w.tap('pos1', 'bob');
    assert.equal(intents(w).at(-1)?.points, -13, 'the undo takes back what the sale earned');
  } finally {
    w.close();
  }
});

test('a top-up of 100.00 puts 10.00 bonus in the subsidy wallet; the day counts 100.00 cash', async () => {
  const w = await world();
  try {
    await w.tap('pos1', 'op');
    press(w, 'topup 100 confirm');
    const out = await w.tap('pos1', 'bob');
    assert.equal(out.screen.customer.en, 'Top-up 100.00 balance 160.00 +10 pts');
    const card = await w.inspect('bob');
    assert.deepEqual([card.purse.balance, card.purse.subsidy], [15_000, 1_000]);
    const t = w.terminal('pos1').terminal.journal.totals('topup-day', '2026-11-23');
    assert.equal(t.amountCents, 10_000, 'the bonus is no cash in the drawer');
    assert.deepEqual((await w.reconcile()).problems, []);
  } finally {
    w.close();
  }
});

test('with no points section nothing changes: no field, no line', async () => {
  const w = new SimWorld({ seed: 15, startMs: START });
  try {
    w.addTerminal({ name: 'pos1', id: 101 });
    await w.addCard({ name: 'bob', uid: '04112233445566', number: 1002, cardClass: 2, balanceCents: 5_000 });
    press(w, '14.50 confirm');
    assert.equal((await w.tap('pos1', 'bob')).screen.customer.en, 'Paid 13.05 balance 36.95');
    assert.equal(intents(w).at(-1)?.points, undefined);
  } finally {
    w.close();
  }
});

test('a bonus that would pass the balance cap is not given; the cash still lands', async () => {
  const w = new SimWorld({ seed: 15, startMs: START });
  try {
    w.addTerminal({ name: 'pos1', id: 101, points: POINTS, pos: { balanceCapCents: 15_500 } });
    await w.addCard({ name: 'bob', uid: '04112233445566', number: 1002, cardClass: 2, balanceCents: 5_000 });
    await w.addCard({ name: 'op', uid: '04000009', number: 9001, cardClass: 9 });
    await w.tap('pos1', 'op');
    press(w, 'topup 100 confirm');
    assert.equal((await w.tap('pos1', 'bob')).screen.customer.en, 'Top-up 100.00 balance 150.00 +10 pts');
    const card = await w.inspect('bob');
    assert.deepEqual([card.purse.balance, card.purse.subsidy], [15_000, 0]);
  } finally {
    w.close();
  }
});
