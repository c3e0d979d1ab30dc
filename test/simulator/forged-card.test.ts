import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../../simulator/world.ts';
import { VirtualClassicCard } from '../../simulator/card/virtual-classic.ts';
import { KIND } from '../../firmware/card-tx/records.ts';
import { scanJournal } from '../../simulator/journal-scan.ts';

/**
 * Forged cards are refused without a byte written to them: the attacker is
 * assumed to have cracked this card's Crypto1 keys, so may rewrite its blocks,
 * but has no MAC key.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');

async function setup(): Promise<SimWorld> {
  const w = new SimWorld({ seed: 11, startMs: START });
  w.addTerminal({ name: 'pos1', id: 101 });
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 });
  return w;
}

/** Rewrites raw card memory, as a cloning tool with the card's keys would. */
function patch(w: SimWorld, name: string, edit: (mem: Uint8Array) => void): void {
  const sim = w.card(name);
  const mem = sim.card.dump();
  edit(mem);
  sim.card = VirtualClassicCard.fromDump(sim.card.uid, mem);
}

async function expectRefused(w: SimWorld, reason: string): Promise<void> {
  const before = w.card('alice').card.dump();
  for (const k of ['9', 'confirm']) w.key('pos1', k);
  const out = await w.tap('pos1', 'alice');
  assert.deepEqual(out.beeps, ['error']);
  assert.equal(Buffer.compare(w.card('alice').card.dump(), before), 0, 'not a byte written to the card');
  const refused = [...scanJournal(w.terminal('pos1').terminal.journal)].filter((r) => r.kind === KIND.refused).at(-1);
  assert.equal((refused?.body as { reason: string } | undefined)?.reason, reason);
}

test('identity with a bad MAC is refused', async () => {
  const w = await setup();
  try {
    patch(w, 'alice', (m) => (m[4 * 16 + 8] ^= 0x01)); // class byte of the identity block
    await expectRefused(w, 'forged');
  } finally {
    w.close();
  }
});

test('an edited balance is refused (no valid purse slot left)', async () => {
  const w = await setup();
  try {
    patch(w, 'alice', (m) => (m[8 * 16 + 6] = 0x7f)); // balance bytes of slot 0, the only valid slot
    await expectRefused(w, 'forged');
  } finally {
    w.close();
  }
});

test('a restored old dump (valid MACs, lower counter) is refused as a rollback', async () => {
  const w = await setup();
  try {
    const old = w.card('alice').card.dump();
    for (const amount of ['5', '6']) {
      for (const k of [amount, 'confirm']) w.key('pos1', k);
      assert.deepEqual((await w.tap('pos1', 'alice')).beeps, ['ok']);
    }
    patch(w, 'alice', (m) => m.set(old));
    await expectRefused(w, 'counter-rollback');
  } finally {
    w.close();
  }
});

test('editing the newest slot falls back to the older one, which the terminal knows is stale', async () => {
  const w = await setup();
  try {
    for (const k of ['5', 'confirm']) w.key('pos1', k);
    await w.tap('pos1', 'alice');
    const current = (await w.inspect('alice')).current;
    const block = current === 0 ? 8 : 12;
    patch(w, 'alice', (m) => (m[block * 16 + 4] ^= 0xff));
    await expectRefused(w, 'counter-rollback');
  } finally {
    w.close();
  }
});

test('a card of another system is refused as foreign without writes', async () => {
  const w = await setup();
  try {
    const sim = w.card('alice');
    sim.card = VirtualClassicCard.blank(sim.card.uid);
    await expectRefused(w, 'foreign-card');
  } finally {
    w.close();
  }
});
