import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAdmin } from '../../backend/admin.ts';
import { SimWorld } from '../../simulator/world.ts';
import { DEFAULT_CARD_CLASSES } from '../../simulator/terminal/default-config.ts';
import { splitKeys } from '../../simulator/scenario/schema.ts';
import { Net, authorizerFor, syncTerminal, type Synced } from './harness.ts';

/**
 * Issue 15 item 6 end to end, with the reference backend on a virtual link: points earned offline at
 * two terminals add up at the backend (each write's points once it landed); reaching a level makes the
 * card gold at its next tap anywhere, with gold's discount from that tap on; a redemption counts once.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');
const POINTS = { saleCentsPerPoint: 100 };
const CLASSES = [...DEFAULT_CARD_CLASSES, { id: 7, name: { zh: '金卡', en: 'Gold' }, discountPercent: 20 }];
const TERMINALS = [
  ['pos1', 101],
  ['pos2', 102],
] as const;

interface Rig {
  w: SimWorld;
  net: Net;
  synced: Synced[];
}

async function rig(seed: number): Promise<Rig> {
  const w = new SimWorld({ seed, startMs: START });
  const net = new Net(w.clock, seed);
  const auth = authorizerFor(net);
  for (const [name, id] of TERMINALS)
    w.addTerminal({ name, id, authorizer: auth, points: POINTS, cardClasses: CLASSES });
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 20_000 });
  net.b.cards.register([1001], 'test', w.clock.nowMs());
  return { w, net, synced: [] };
}

/** Terminals go online: their journals upload, their lists arrive. */
async function online(r: Rig): Promise<void> {
  const auth = authorizerFor(r.net);
  for (const [name] of TERMINALS) r.synced.push(syncTerminal(r.w, name, r.net, auth));
  assert.ok(await r.net.until(() => r.synced.every((s) => s.client.connected), 10_000));
}

async function uploaded(r: Rig): Promise<void> {
  const done = () =>
    TERMINALS.every(([name, id]) => r.net.b.journal.highWater(id) === r.w.terminal(name).terminal.journal.lastSeq());
  assert.ok(await r.net.until(done, 20_000), 'every journal acknowledged');
}

function close(r: Rig): void {
  for (const s of r.synced) {
    s.client.stop();
    s.state.close();
  }
  r.w.close();
  r.net.close();
}

const sell = (r: Rig, terminal: string, amount: string, faults: { tearAfterBytes?: number } = {}) => {
  for (const k of splitKeys(`${amount} confirm`)) r.w.key(terminal, k);
  return r.net.settle(r.w.tap(terminal, 'alice', faults));
};

const admin = (r: Rig, args: string[]) => runAdmin(r.net.b, args);

test('points earned offline at two terminals add up at the backend, each landed write once', async () => {
  const r = await rig(61);
  try {
    await sell(r, 'pos1', '12.50'); // 12 points: the half point is dropped
    await sell(r, 'pos1', '7.99'); // 7
    await sell(r, 'pos2', '20', { tearAfterBytes: 8 }); // cut before the MAC block: not written, no points
    await sell(r, 'pos2', '20'); // 20, written this time
    await online(r);
    await uploaded(r);
    assert.deepEqual(r.net.b.points.show(1001), { card: 1001, balance: 39, earned: 39, pending: 0, levelClass: null });
    assert.deepEqual(admin(r, ['points', 'show', '1001']).lines, [
      'card 1001: 39 points, 39 earned, 0 not landed yet, no level yet',
    ]);
  } finally {
    close(r);
  }
});

test('a level reached at the backend lands on the card at its next tap anywhere; its discount from that tap on', async () => {
  const r = await rig(62);
  try {
    assert.equal(admin(r, ['points', 'levels', '30=7']).code, 0);
    await online(r);
    await sell(r, 'pos1', '40'); // 40 points: gold from 30
    await uploaded(r);
    assert.equal(r.net.b.points.show(1001).levelClass, 7);
    const held = (name: string) => r.w.terminal(name).terminal.credits.size();
    assert.ok(await r.net.until(() => held('pos2') === 1, 5_000), 'the level change reached pos2');
    const out = await sell(r, 'pos2', '10');
    assert.equal(out.screen.customer.en, 'Paid 8.00 balance 152.00 +8 pts', 'gold: 20 % off at that very tap');
    assert.equal((await r.w.inspect('alice')).identity.cardClass, 7);
    await uploaded(r);
    assert.ok(await r.net.until(() => held('pos1') === 0 && held('pos2') === 0, 5_000), 'applied: off list 2');
    assert.equal(r.net.b.points.show(1001).earned, 48);
    assert.deepEqual((await r.w.reconcile()).problems, []);
  } finally {
    close(r);
  }
});

test('a redemption is counted once: the same slip twice spends once, its credit lands once', async () => {
  const r = await rig(63);
  try {
    await online(r);
    await sell(r, 'pos1', '50'); // 50 points
    await uploaded(r);
    assert.equal(admin(r, ['points', 'rate', '2']).code, 0);
    const first = admin(r, ['points', 'redeem', '1001', '30', '--credit', '--ref', 'S-1']);
    assert.deepEqual(first.lines, ['redemption #1: 30 points for credit 1001#1 of 0.60; card 1001 holds 20 points']);
    const again = admin(r, ['points', 'redeem', '1001', '30', '--credit', '--ref', 'S-1']);
    assert.deepEqual(again.lines, [
      'already redeemed as #1 (ref S-1): 30 points for credit 1001#1 of 0.60; card 1001 holds 20 points',
    ]);
    const gift = admin(r, ['points', 'redeem', '1001', '25', '--gift']);
    assert.deepEqual(gift.lines, ['card 1001 holds 20 points, fewer than 25; nothing redeemed']);
    assert.equal(gift.code, 1);
    const held = (name: string) => r.w.terminal(name).terminal.credits.size();
    assert.ok(await r.net.until(() => held('pos1') === 1 && held('pos2') === 1, 5_000), 'both tills hold it');
    const before = await r.w.inspect('alice');
    await r.net.settle(r.w.tap('pos1', 'alice'));
    await r.net.settle(r.w.tap('pos2', 'alice'));
    const after = await r.w.inspect('alice');
    assert.equal(after.purse.balance - before.purse.balance, 60, 'the credit landed once');
    assert.equal(r.net.b.points.show(1001).balance, 20);
  } finally {
    close(r);
  }
});
