import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../../simulator/world.ts';
import { runAdmin } from '../../backend/admin.ts';
import { Net, authorizerFor, syncTerminal } from './harness.ts';

/**
 * PROTOCOL.md §8 "A card reported lost while the terminal is online": the
 * backend pushes the delta at once, so the next tap is refused within
 * seconds — here within 2 s of the report, on a link of 40 ms each way.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');

test('a card reported lost is refused at an online terminal within 2 s of the report', async () => {
  const w = new SimWorld({ seed: 3, startMs: START });
  const net = new Net(w.clock, 3);
  net.plan = { ...net.plan, latencyMs: 40 };
  try {
    const terminals = [
      ['pos1', 101],
      ['pos2', 102],
    ] as const;
    const synced = terminals.map(([name, id]) => {
      const auth = authorizerFor(net);
      w.addTerminal({ name, id, authorizer: auth });
      return syncTerminal(w, name, net, auth);
    });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 });
    assert.ok(await net.until(() => synced.every((s) => s.client.connected), 10_000));
    // Past the start-of-day exchange, into the steady state where only a push can bring the news.
    await net.run(5_000);
    for (const k of ['8', 'confirm']) w.key('pos1', k);
    assert.deepEqual((await net.settle(w.tap('pos1', 'alice'))).beeps, ['ok']);

    const reportedMs = w.clock.nowMs();
    assert.equal(runAdmin(net.b, ['card', 'register', '1001']).code, 0, 'the desk issued it');
    const r = runAdmin(net.b, ['card', 'lost', '1001']);
    assert.equal(r.code, 0, r.lines.join('\n'));
    assert.match(r.lines[0], /pushed to 2 connected terminal/);
    const listed = () => terminals.every(([name]) => w.terminal(name).terminal.blacklist.has(1001));
    assert.ok(await net.until(listed, 2_000), 'both terminals hold the new blacklist version within 2 s');
    const appliedAfterMs = w.clock.nowMs() - reportedMs;

    for (const k of ['5', 'confirm']) w.key('pos1', k);
    const out = await net.settle(w.tap('pos1', 'alice'));
    const refusedAfterMs = w.clock.nowMs() - reportedMs;
    assert.equal(out.screen.customer.en, 'Card reported lost');
    assert.ok(refusedAfterMs <= 2_000, `refused ${refusedAfterMs} ms after the report`);
    assert.ok(appliedAfterMs <= 200, `applied ${appliedAfterMs} ms after the report (one round trip is 80 ms)`);
    // The backend knows both terminals hold the version (LIST_ACK).
    await net.run(200);
    for (const [, id] of terminals)
      assert.equal(
        net.b.db.prepare('SELECT held_blacklist FROM terminals WHERE id = ?').pluck().get(id),
        net.b.lists.version('blacklist'),
      );
    for (const s of synced) {
      s.client.stop();
      s.state.close();
    }
  } finally {
    w.close();
    net.close();
  }
});
