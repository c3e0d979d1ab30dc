import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../../../simulator/world.ts';
import { DEFAULT_CARD_CLASSES } from '../../../simulator/terminal/default-config.ts';
import { splitKeys } from '../../../simulator/scenario/schema.ts';

/**
 * Issue 11: a tap reads the member level slots (blocks 10, 14) only where the site gives levels
 * (config points.memberLevels) or a level credit is on file for the card. Counted on the RF log of
 * the MFRC522 emulator, through the real driver: what a reader on a Pi would be sent.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');
const CLASSES = [...DEFAULT_CARD_CLASSES, { id: 7, name: { zh: '金卡', en: 'Gold' }, discountPercent: 20 }];

async function world(memberLevels: boolean | undefined): Promise<SimWorld> {
  const w = new SimWorld({ seed: 6, startMs: START, reader: 'mfrc522' });
  const points = memberLevels === undefined ? {} : { points: { memberLevels } };
  w.addTerminal({ name: 'pos1', id: 101, cardClasses: CLASSES, ...points });
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 10_000 });
  return w;
}

/** A 10.00 sale; the screen's customer line and the blocks the tap READ. */
async function sale(w: SimWorld): Promise<{ screen: string; reads: number[] }> {
  for (const k of splitKeys('10 confirm')) w.key('pos1', k);
  const out = await w.tap('pos1', 'alice');
  const { emulator } = w.terminal('pos1').chip!;
  const reads = emulator.field.exchanges.filter((x) => x.op === 'READ').map((x) => x.block!);
  emulator.field.clearLog();
  return { screen: out.screen.customer.en, reads };
}

const gold = { card: 1001, creditSeq: 1, balanceCents: 0, subsidyCents: 0, expiryDay: 0, cardClass: 7 };

test('levels off (the default: a site without levels): a sale reads no level block; on it reads block 10', async () => {
  const seen: { screen: string; reads: number[] }[] = [];
  for (const memberLevels of [false, undefined, true]) {
    const w = await world(memberLevels);
    try {
      seen.push(await sale(w));
      assert.deepEqual((await w.reconcile()).problems, []);
    } finally {
      w.close();
    }
  }
  const [off, byDefault, on] = seen as [(typeof seen)[0], (typeof seen)[0], (typeof seen)[0]];
  assert.deepEqual(off.reads, [4, 5, 8, 9, 12, 13, 12, 13], 'identity, both slots, the read-back: no 10, no 14');
  assert.deepEqual(on.reads, [4, 5, 8, 9, 10, 12, 13, 12, 13], 'level slot 0 (empty: slot 1 is not read)');
  assert.deepEqual(byDefault.reads, off.reads, 'a config that says nothing reads no level: the backend turns it on');
  assert.equal(off.screen, 'Paid 10.00 balance 90.00');
  assert.deepEqual([on.screen, byDefault.screen], [off.screen, off.screen]);
});

test('levels off, a level credit on file: that tap reads the slots and writes it; later taps do not', async () => {
  const w = await world(false);
  try {
    w.terminal('pos1').terminal.credits.add([gold]);
    const applied = await sale(w);
    assert.equal(applied.screen, 'Paid 8.00 balance 92.00', 'gold: 20 % off from this tap on');
    assert.ok(applied.reads.includes(10), `${applied.reads}`);
    const card = await w.inspect('alice');
    assert.deepEqual([card.identity.cardClass, card.purse.lastCreditSeq], [7, 1]);
    // The credit is applied and forgotten: at a site without levels the card is served as its issue class.
    const next = await sale(w);
    assert.deepEqual(next.reads, [4, 5, 8, 9, 12, 13, 12, 13]);
    assert.equal(next.screen, 'Paid 10.00 balance 82.00');
    assert.deepEqual((await w.reconcile()).problems, []);
  } finally {
    w.close();
  }
});

test('levels off, a level credit cut at every byte: old level or new, and the next tap finishes it', async () => {
  const writeBytes = 16 + 32; // the level block, then the purse's two blocks
  for (let k = 0; k <= writeBytes; k++) {
    const w = await world(false);
    try {
      w.terminal('pos1').terminal.credits.add([gold]);
      await w.tap('pos1', 'alice', { tearAfterBytes: k });
      assert.ok([1, 7].includes((await w.inspect('alice')).identity.cardClass), `k=${k}`);
      const out = await sale(w);
      assert.equal(out.screen, 'Paid 8.00 balance 92.00', `k=${k}: the tap that lands the credit is gold`);
      const card = await w.inspect('alice');
      assert.deepEqual([card.identity.cardClass, card.purse.lastCreditSeq], [7, 1], `k=${k}`);
      assert.deepEqual((await w.reconcile()).problems, [], `k=${k}`);
    } finally {
      w.close();
    }
  }
});
