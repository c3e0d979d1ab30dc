import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAdmin } from '../../backend/admin.ts';
import { SimWorld } from '../../simulator/world.ts';
import { DEFAULT_CARD_CLASSES } from '../../simulator/terminal/default-config.ts';
import { splitKeys } from '../../simulator/scenario/schema.ts';
import { Net, authorizerFor, syncTerminal, type Synced } from './harness.ts';

/**
 * Issue 11: member levels follow the backend. A terminal's config says nothing of levels (the default,
 * false: no level READ); the backend defining a level tells every terminal `points.memberLevels: true`
 * (set-config, §6.9) — one online at the change, one that first connects later — so a card levelled at
 * one terminal is served at its level at another that never held the credit. A site without levels
 * tells nothing, and its sales read no level block (counted on the MFRC522 emulator's RF log).
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');
const POINTS = { saleCentsPerPoint: 100 };
const CLASSES = [...DEFAULT_CARD_CLASSES, { id: 7, name: { zh: '金卡', en: 'Gold' }, discountPercent: 20 }];

interface Rig {
  w: SimWorld;
  net: Net;
  synced: Map<string, Synced>;
}

async function rig(seed: number, names: readonly string[]): Promise<Rig> {
  const w = new SimWorld({ seed, startMs: START, reader: 'mfrc522' });
  const net = new Net(w.clock, seed);
  const auth = authorizerFor(net);
  names.forEach((name, i) =>
    w.addTerminal({ name, id: 101 + i, authorizer: auth, points: POINTS, cardClasses: CLASSES }),
  );
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 20_000 });
  net.b.cards.register([1001], 'test', w.clock.nowMs());
  return { w, net, synced: new Map() };
}

/** Online, taking pushed settings live (no config file: the simulator's role holds them). */
async function online(r: Rig, name: string): Promise<void> {
  const terminal = () => r.w.terminal(name).terminal;
  const synced = syncTerminal(r.w, name, r.net, authorizerFor(r.net), {
    config: { current: () => terminal().config },
    hooks: { applyConfig: (c) => terminal().applyConfig(c) },
  });
  r.synced.set(name, synced);
  assert.ok(await r.net.until(() => synced.client.connected, 10_000), `${name} connected`);
  await r.net.run(500); // its STATUS, the commands queued for it, their answers
}

function offline(r: Rig, name: string): void {
  const s = r.synced.get(name) as Synced;
  s.client.stop();
  s.state.close();
  r.synced.delete(name);
}

function close(r: Rig): void {
  for (const name of [...r.synced.keys()]) offline(r, name);
  r.w.close();
  r.net.close();
}

/** A sale; the customer line and the card blocks the tap READ. */
async function sell(r: Rig, name: string, amount: string): Promise<{ screen: string; reads: number[] }> {
  for (const k of splitKeys(`${amount} confirm`)) r.w.key(name, k);
  const out = await r.net.settle(r.w.tap(name, 'alice'));
  const { emulator } = r.w.terminal(name).chip!;
  const reads = emulator.field.exchanges.filter((x) => x.op === 'READ').map((x) => x.block!);
  emulator.field.clearLog();
  return { screen: out.screen.customer.en, reads };
}

const memberLevels = (r: Rig, name: string) => r.w.terminal(name).terminal.config.points.memberLevels;
const admin = (r: Rig, args: string[]) => runAdmin(r.net.b, args);

test('the backend defining a level turns level reads on everywhere; a card is served at its level', async () => {
  const r = await rig(71, ['pos1', 'pos2']);
  try {
    await online(r, 'pos1');
    assert.equal(memberLevels(r, 'pos1'), false, 'the default: no level read');
    assert.deepEqual(admin(r, ['points', 'levels', '30=7']).lines, [
      '30 points → class 7',
      'points.memberLevels true queued for 1 terminal(s)',
    ]);
    await r.net.run(500);
    assert.equal(memberLevels(r, 'pos1'), true, 'online at the change: told at once');
    // pos2 first connects after the change, is told then, and goes offline before any level is issued.
    await online(r, 'pos2');
    assert.equal(memberLevels(r, 'pos2'), true, 'connected later: told at its session');
    offline(r, 'pos2');

    await sell(r, 'pos1', '40'); // 40 points: gold from 30
    assert.ok(await r.net.until(() => r.net.b.points.show(1001).levelClass === 7, 5_000), 'gold at the backend');
    const held = () => r.w.terminal('pos1').terminal.credits.size();
    assert.ok(await r.net.until(() => held() === 1, 5_000), 'the level credit reached pos1');
    assert.equal((await sell(r, 'pos1', '10')).screen, 'Paid 8.00 balance 152.00 +8 pts', 'applied: gold');

    assert.equal(r.w.terminal('pos2').terminal.credits.size(), 0, 'pos2 never held the credit');
    const atPos2 = await sell(r, 'pos2', '10');
    assert.ok(atPos2.reads.includes(10), `pos2 read the level slot: ${atPos2.reads}`);
    assert.equal(atPos2.screen, 'Paid 8.00 balance 144.00 +8 pts', 'gold at a terminal that never applied it');
    assert.deepEqual((await r.w.reconcile()).problems, []);
  } finally {
    close(r);
  }
});

test('a site without levels tells the terminals nothing, and a sale reads no level block', async () => {
  const r = await rig(72, ['pos1']);
  try {
    await online(r, 'pos1');
    assert.deepEqual(admin(r, ['points', 'levels', '-']).lines, ['no levels']);
    await r.net.run(61_000); // a heartbeat: a STATUS, queued commands sent
    assert.deepEqual(r.net.b.commands.recent(null, 10), [], 'no set-config queued');
    assert.equal(memberLevels(r, 'pos1'), false);
    const sale = await sell(r, 'pos1', '10');
    assert.equal(sale.screen, 'Paid 10.00 balance 190.00 +10 pts');
    assert.deepEqual(
      sale.reads,
      [4, 5, 8, 9, 12, 13, 12, 13],
      'identity, both purse slots, the read-back: no 10, no 14',
    );
  } finally {
    close(r);
  }
});
