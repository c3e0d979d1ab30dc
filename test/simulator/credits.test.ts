import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../../simulator/world.ts';
import { scanJournal } from '../../simulator/journal-scan.ts';
import { KIND } from '../../firmware/card-tx/records.ts';
import { cardDay, cardDayToIso } from '../../firmware/core/clock.ts';
import {
  batchItems,
  buildJournalBatch,
  CHAIN_ZERO,
  decodeMessage,
  encodeMessage,
  type JournalBatch,
  type WireRecord,
} from '../../protocol/index.ts';

/** Money invariant 5 (docs/architecture.md): a credit handed to every terminal lands on the card at most once. */
const START = Date.parse('2026-11-23T11:30:00+08:00');

async function setup(): Promise<SimWorld> {
  const w = new SimWorld({ seed: 9, startMs: START });
  for (const [name, id] of [
    ['pos1', 101],
    ['pos2', 102],
  ] as const)
    w.addTerminal({ name, id });
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
  // The backend hands the same two credits to both terminals.
  for (const t of ['pos1', 'pos2']) {
    w.terminal(t).terminal.credits.add([
      { card: 1001, creditSeq: 1, balanceCents: 0, subsidyCents: 30_000, expiryDay: 0 },
      { card: 1001, creditSeq: 2, balanceCents: 5_000, subsidyCents: 0, expiryDay: 0 },
    ]);
  }
  return w;
}

test('credits held by two terminals land once, at the first tap, and a sale follows in the same tap', async () => {
  const w = await setup();
  try {
    for (const k of ['1', '2', 'confirm']) w.key('pos1', k);
    const sale = await w.tap('pos1', 'alice');
    assert.equal(sale.screen.customer.en, 'Paid 12.00 balance 348.00');
    const card = await w.inspect('alice');
    assert.deepEqual(
      [card.purse.balance, card.purse.subsidy, card.purse.lastCreditSeq, card.purse.counter],
      [6_000, 28_800, 2, 2],
    );
    const q = await w.tap('pos2', 'alice');
    assert.equal(q.screen.customer.en, 'Balance 60.00 subsidy 288.00', 'pos2 sees the credits already on the card');
    assert.equal((await w.inspect('alice')).purse.counter, 2, 'pos2 wrote nothing');
    assert.equal(w.terminal('pos1').terminal.credits.size(), 0, 'applied credits are forgotten');
    assert.deepEqual((await w.reconcile()).problems, []);
    assert.deepEqual(w.terminal('pos1').terminal.journal.totals('credit-day', '2026-11-23'), {
      count: 2,
      amountCents: 35_000,
    });
  } finally {
    w.close();
  }
});

test('a credit write torn at every byte still lands exactly once', async () => {
  for (let k = 0; k <= 32; k++) {
    const w = await setup();
    try {
      const cut = await w.tap('pos1', 'alice', { tearAfterBytes: k });
      assert.deepEqual(cut.beeps, ['retry'], `k=${k}`);
      await w.tap(k % 2 ? 'pos1' : 'pos2', 'alice'); // settle here or elsewhere
      await w.tap('pos2', 'alice');
      const card = await w.inspect('alice');
      assert.equal(card.purse.balance + card.purse.subsidy, 1_000 + 35_000, `k=${k}: credited once`);
      assert.equal(card.purse.lastCreditSeq, 2);
      assert.deepEqual((await w.reconcile()).problems, [], `k=${k}`);
    } finally {
      w.close();
    }
  }
});

test('a lost card keeps its credits pending and is refused', async () => {
  const w = await setup();
  try {
    w.terminal('pos1').terminal.blacklist.replaceAll(1, [1001]);
    const q = await w.tap('pos1', 'alice');
    assert.equal(q.screen.customer.en, 'Card reported lost', 'not even a balance query: the finder sees no balance');
    for (const k of ['5', 'confirm']) w.key('pos1', k);
    assert.equal((await w.tap('pos1', 'alice')).screen.customer.en, 'Card reported lost');
    assert.equal((await w.inspect('alice')).purse.counter, 0);
    assert.equal(w.terminal('pos1').terminal.credits.size(), 2);
    assert.equal([...scanJournal(w.terminal('pos1').terminal.journal)].filter((r) => r.kind === KIND.intent).length, 0);
  } finally {
    w.close();
  }
});

test('a malformed credit batch is refused whole', async () => {
  const w = await setup();
  try {
    const credits = w.terminal('pos1').terminal.credits;
    assert.throws(
      () =>
        credits.add([
          { card: 7, creditSeq: 1, balanceCents: 100, subsidyCents: 0, expiryDay: 0 },
          { card: 8, creditSeq: 1, balanceCents: 1.5, subsidyCents: 0, expiryDay: 0 },
        ]),
      /whole cents/,
    );
    assert.equal(credits.size(), 2, 'nothing of the bad batch stored');
  } finally {
    w.close();
  }
});

test('a credit applied at a tap travels as a compact intent item (tx credit) and comes back exactly', async () => {
  const w = await setup();
  try {
    await w.tap('pos1', 'alice');
    const records: WireRecord[] = [...scanJournal(w.terminal('pos1').terminal.journal)].map((r) => ({
      seq: r.seq,
      kind: r.kind,
      atMs: r.atMs,
      card: r.card,
      ref: r.ref,
      body: r.body,
    }));
    const intent = records.find((r) => r.kind === KIND.intent) as WireRecord;
    assert.deepEqual(
      [(intent.body as { tx: string }).tx, (intent.body as { creditSeqs: number[] }).creditSeqs],
      ['credit', [1, 2]],
    );
    const batch = buildJournalBatch(records, {
      terminalId: 101,
      utcOffsetMinutes: 480,
      chainPrev: CHAIN_ZERO,
      maxPayloadBytes: 32_768,
    });
    const items = batchItems(batch).filter((it) => it.records > 0);
    // Item 2 (intent + commit), tx code 3 in bits 5–6 (PROTOCOL.md §6.6.2): not the generic JSON item.
    assert.deepEqual(
      items.map((it) => [it.bytes[0] & 0x0f, (it.bytes[0] >>> 5) & 3]),
      [[2, 3]],
    );
    assert.ok(items[0].bytes.length < 40, `${items[0].bytes.length} bytes`);
    const { code, payload } = encodeMessage(batch);
    const back = decodeMessage(code, payload);
    assert.ok(back.ok, back.ok ? '' : back.error);
    assert.deepStrictEqual((back.message as JournalBatch).records, records);
  } finally {
    w.close();
  }
});

test("credits apply contiguously from the card's lastCreditSeq: a missing one holds back those after it", async () => {
  const w = new SimWorld({ seed: 9, startMs: START });
  try {
    w.addTerminal({ name: 'pos1', id: 101 });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
    const credits = w.terminal('pos1').terminal.credits;
    credits.add([
      { card: 1001, creditSeq: 1, balanceCents: 100, subsidyCents: 0, expiryDay: 0 },
      { card: 1001, creditSeq: 3, balanceCents: 300, subsidyCents: 0, expiryDay: 0 },
    ]);
    await w.tap('pos1', 'alice');
    let card = await w.inspect('alice');
    assert.deepEqual([card.purse.balance, card.purse.lastCreditSeq], [1_100, 1], 'credit 3 waits for credit 2');
    assert.equal(credits.size(), 1);
    credits.add([{ card: 1001, creditSeq: 2, balanceCents: 200, subsidyCents: 0, expiryDay: 0 }]);
    await w.tap('pos1', 'alice');
    card = await w.inspect('alice');
    assert.deepEqual([card.purse.balance, card.purse.lastCreditSeq], [1_600, 3]);
    assert.deepEqual((await w.reconcile()).problems, []);
  } finally {
    w.close();
  }
});

test('an expired credit is forfeited: its seq is used up with no money and the later ones land; one expiring today still lands (§6.5)', async () => {
  const w = new SimWorld({ seed: 9, startMs: START });
  try {
    w.addTerminal({ name: 'pos1', id: 101 });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
    const today = cardDay(w.clock.nowMs(), w.terminal('pos1').terminal.config.terminal.utcOffsetMinutes);
    assert.equal(cardDayToIso(today), '2026-11-23', "the tap's card day is the local one");
    const credits = w.terminal('pos1').terminal.credits;
    credits.add([
      { card: 1001, creditSeq: 1, balanceCents: 100, subsidyCents: 0, expiryDay: 0 },
      { card: 1001, creditSeq: 2, balanceCents: 200, subsidyCents: 0, expiryDay: today - 1 },
      { card: 1001, creditSeq: 3, balanceCents: 300, subsidyCents: 0, expiryDay: 0 },
    ]);
    for (let tap = 0; tap < 2; tap++) {
      await w.tap('pos1', 'alice');
      const card = await w.inspect('alice');
      assert.deepEqual(
        [card.purse.balance, card.purse.lastCreditSeq, card.purse.counter],
        [1_400, 3, 1],
        `tap ${tap}: credits 1 and 3, 2 forfeited, one write`,
      );
    }
    assert.equal(credits.size(), 0, 'all three used up');
    const intents = [...scanJournal(w.terminal('pos1').terminal.journal)].filter((r) => r.kind === KIND.intent);
    assert.deepEqual(
      intents
        .map((r) => r.body as { creditSeqs: number[]; forfeitedSeqs?: number[]; chargedAmount: number })
        .map((b) => [b.creditSeqs, b.forfeitedSeqs, b.chargedAmount]),
      [[[1, 2, 3], [2], -400]],
      'the journal says which seq was forfeited, for the backend',
    );

    await w.addCard({ name: 'bob', uid: '04b0b0b0', number: 1002, cardClass: 1, balanceCents: 0 });
    credits.add([
      { card: 1002, creditSeq: 1, balanceCents: 100, subsidyCents: 0, expiryDay: today },
      { card: 1002, creditSeq: 2, balanceCents: 0, subsidyCents: 200, expiryDay: today + 1 },
    ]);
    await w.tap('pos1', 'bob');
    const bob = await w.inspect('bob');
    assert.deepEqual(
      [bob.purse.balance, bob.purse.subsidy, bob.purse.lastCreditSeq],
      [100, 200, 2],
      'valid through its expiry day',
    );
    assert.deepEqual((await w.reconcile()).problems, []);
  } finally {
    w.close();
  }
});

test('a credit pending at midnight expires with the day it was valid through', async () => {
  const w = new SimWorld({ seed: 9, startMs: START });
  try {
    w.addTerminal({ name: 'pos1', id: 101 });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
    const today = cardDay(w.clock.nowMs(), w.terminal('pos1').terminal.config.terminal.utcOffsetMinutes);
    w.terminal('pos1').terminal.credits.add([
      { card: 1001, creditSeq: 1, balanceCents: 500, subsidyCents: 0, expiryDay: today },
    ]);
    w.clock.advance(13 * 3_600_000); // 11:30 + 13 h: 00:30 local the next day
    await w.tap('pos1', 'alice');
    const card = await w.inspect('alice');
    assert.deepEqual(
      [card.purse.balance, card.purse.lastCreditSeq, card.purse.counter],
      [1_000, 1, 1],
      'forfeited: no money, its seq used up',
    );
  } finally {
    w.close();
  }
});
