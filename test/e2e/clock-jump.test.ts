import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal } from './harness.ts';

/**
 * PROTOCOL.md §6.2 end to end: a terminal whose clock is off (a Pi without an
 * RTC boots with any time) is stepped to the backend's, journals `clock.step`,
 * and reports `synced` with a small drift only once it has been stepped.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');
const HOUR_MS = 3_600_000;

async function setup(seed: number, clockOffsetMs: number) {
  const w = new SimWorld({ seed, startMs: START });
  const net = new Net(w.clock, seed);
  const auth = authorizerFor(net);
  w.addTerminal({ name: 'pos1', id: 101, authorizer: auth, clockOffsetMs });
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 10_000 });
  const t = w.terminal('pos1');
  const sell = async (amount: string) => {
    for (const k of [...amount, 'confirm']) w.key('pos1', k);
    return net.settle(w.tap('pos1', 'alice'));
  };
  const steps = () => t.terminal.journal.after(0, 1000).filter((r) => r.kind === 'clock.step');
  return { w, net, auth, t, sell, steps };
}

test('an hour behind: stepped at WELCOME, clock.step journaled, then synced with a small drift', async () => {
  const { w, net, auth, t, sell, steps } = await setup(51, -HOUR_MS);
  const s = syncTerminal(w, 'pos1', net, auth);
  try {
    assert.ok(await net.until(() => s.client.connected, 10_000));
    await net.run(61_000); // past the TIME exchange and the next heartbeat
    assert.equal(steps().length, 1, 'one step, journaled');
    const body = steps()[0].body as { fromMs: number; toMs: number; offsetMs: number };
    assert.ok(Math.abs(body.offsetMs - HOUR_MS) <= 2_000, `stepped by ${body.offsetMs}`);
    assert.equal(body.toMs - body.fromMs, body.offsetMs);
    assert.ok(Math.abs(t.clock.nowMs() - net.clock.nowMs()) <= 2_000, "the terminal now keeps the backend's time");
    const status = net.b.lastStatus(101);
    assert.equal(status?.clock, 'synced');
    assert.ok(Math.abs(status?.clockDriftMs ?? Infinity) <= 2_000, `drift ${status?.clockDriftMs}`);
    assert.ok(Math.abs((status?.terminalTimeMs ?? 0) - net.clock.nowMs()) <= 61_000);

    await sell('5');
    const sale = t.terminal.journal.after(0, 1000).find((r) => r.kind === 'card.intent');
    assert.ok(sale && Math.abs(sale.atMs - net.clock.nowMs()) <= 2_000, 'a sale after the step carries the right time');
    assert.ok(await net.until(() => net.b.journal.highWater(101) === t.terminal.journal.lastSeq(), 30_000));
    assert.deepEqual(
      net.b.journal.records(101).filter((r) => r.kind === 'clock.step').length,
      1,
      'the backend has the step',
    );
  } finally {
    s.client.stop();
    s.state.close();
    w.close();
    net.close();
  }
});

test('30 s ahead: stepped back by the TIME exchange; later records carry earlier times, upload in seq order', async () => {
  const { w, net, auth, t, sell, steps } = await setup(52, 30_000);
  await sell('5'); // offline, on the fast clock
  const s = syncTerminal(w, 'pos1', net, auth);
  try {
    assert.ok(await net.until(() => s.client.connected, 10_000));
    assert.ok(await net.until(() => steps().length === 1, 10_000));
    const body = steps()[0].body as { offsetMs: number };
    assert.ok(Math.abs(body.offsetMs + 30_000) <= 2_000, `stepped by ${body.offsetMs}`);
    await sell('6');
    const intents = t.terminal.journal.after(0, 1000).filter((r) => r.kind === 'card.intent');
    assert.ok(intents[1].atMs < intents[0].atMs, 'the later sale carries an earlier time: a negative dt on the wire');
    assert.ok(await net.until(() => net.b.journal.highWater(101) === t.terminal.journal.lastSeq(), 30_000));
    assert.equal(s.client.uploadAlarm, null);
    assert.equal(net.b.cardReport(1001).movedCents, 1_100);
    await net.run(61_000);
    assert.equal(net.b.lastStatus(101)?.clock, 'synced');
  } finally {
    s.client.stop();
    s.state.close();
    w.close();
    net.close();
  }
});
