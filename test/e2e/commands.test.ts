import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal } from './harness.ts';

/** Remote commands and the heartbeat, end to end (PROTOCOL.md §6.3, §6.9). */
const START = Date.parse('2026-11-23T11:30:00+08:00');

test('commands run once with their results at the backend; the heartbeat reports the terminal', async () => {
  const w = new SimWorld({ seed: 31, startMs: START });
  const net = new Net(w.clock, 31);
  try {
    const auth = authorizerFor(net);
    w.addTerminal({ name: 'pos1', id: 101, authorizer: auth });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 });
    const { client, state } = syncTerminal(w, 'pos1', net, auth);
    assert.ok(await net.until(() => client.connected, 10_000));
    for (const k of ['6', 'confirm']) w.key('pos1', k);
    await net.settle(w.tap('pos1', 'alice'));
    const intentSeq = w
      .terminal('pos1')
      .terminal.journal.after(0, 10)
      .find((r) => r.kind === 'card.intent')?.seq as number;

    const lock = net.b.command(101, { command: 'lock', text: '盘点 Stocktaking' });
    const reprint = net.b.command(101, { command: 'reprint', journalSeq: intentSeq });
    const door = net.b.command(101, { command: 'open-door', door: 1, pulseMs: 3_000 }, w.clock.nowMs() + 60_000);
    await net.run(500);
    assert.deepEqual(client.locked, { locked: true, text: '盘点 Stocktaking' });
    assert.deepEqual(net.b.commands.status(lock), {
      terminal: 101,
      status: 'done',
      detail: 'locked: 盘点 Stocktaking',
    });
    assert.equal(net.b.commands.status(reprint)?.status, 'done');
    assert.match(net.b.commands.status(reprint)?.detail ?? '', /receipt of #\d+: card 1001 amount 600 cents/);
    assert.deepEqual(net.b.commands.status(door), {
      terminal: 101,
      status: 'refused',
      detail: 'unsupported: this terminal has no door relay',
    });

    // A command the terminal never answered (result lost) is sent again after a reconnect: answered from memory.
    net.b.db.prepare("UPDATE commands SET status = 'sent', detail = NULL WHERE corr_id = ?").run(lock);
    for (const l of net.links) l.cut('reconnect');
    await net.run(70_000);
    assert.deepEqual(net.b.commands.status(lock), {
      terminal: 101,
      status: 'done',
      detail: 'locked: 盘点 Stocktaking',
    });
    assert.equal(net.logged('sync.command-repeated').length, 1);

    const status = JSON.parse(
      net.b.db.prepare('SELECT status FROM terminals WHERE id = 101').pluck().get() as string,
    ) as Record<string, unknown>;
    assert.equal(status.locked, true);
    assert.equal(status.journalQueueDepth, 0);
    assert.equal(status.clock, 'synced');
    assert.deepEqual(status.lists, [
      { list: 'blacklist', version: 0 },
      { list: 'credits', version: 0 },
    ]);
    client.stop();
    state.close();
  } finally {
    w.close();
    net.close();
  }
});
