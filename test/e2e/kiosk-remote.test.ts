import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal } from './harness.ts';

/** The backend switches a kiosk's bill acceptor off and on (set-config kiosk.acceptorEnabled, PROTOCOL.md §6.9). */
const START = Date.parse('2026-11-23T11:30:00+08:00');

test('set-config kiosk.acceptorEnabled false: all bill types off, the screen says so, STATUS degraded; true again', async () => {
  const w = new SimWorld({ seed: 43, startMs: START });
  const net = new Net(w.clock, 43);
  await w.kiosks.add({ name: 'kiosk1', id: 301, kiosk: {} });
  const kiosk = () => w.kiosks.app('kiosk1');
  const terminal = () => w.terminal('kiosk1').terminal;
  const synced = syncTerminal(w, 'kiosk1', net, authorizerFor(net), {
    config: { current: () => terminal().config },
    hooks: { applyConfig: (c) => terminal().applyConfig(c) },
    peripherals: () => [kiosk().health()],
  });
  try {
    assert.ok(await net.until(() => synced.client.connected, 10_000));
    const { emulator, driver } = w.terminal('kiosk1').cash!;
    const enables = () => emulator.received.filter((p) => p[0] === 0x34).map((p) => [p[1], p[2], p[3]]);
    // A card on the reader: its bill types go to the validator, so the switch has something to turn off.
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
    await w.kiosks.tap('kiosk1', 'alice');
    await w.kiosks.run('kiosk1', 2);
    assert.notDeepEqual(enables().at(-1), [0, 0, 0]);
    const off = net.b.command(301, { command: 'set-config', key: 'kiosk.acceptorEnabled', value: 'false' });
    await net.run(500);
    assert.equal(net.b.commands.status(off)?.status, 'done');
    assert.equal(terminal().config.kiosk?.acceptorEnabled, false);
    assert.deepEqual(kiosk().screen, { kind: 'disabled', balanceCents: 1_000 });
    await w.kiosks.run('kiosk1', 2);
    assert.deepEqual(enables().at(-1), [0, 0, 0], 'ENABLE BILL TYPES all zero');
    assert.equal(driver.device.kind, 'disabled');
    await net.run(70_000); // a heartbeat: STATUS carries the acceptor's health
    assert.deepEqual(net.b.lastStatus(301)?.peripherals, [{ kind: 'bill-acceptor', health: 'degraded' }]);

    const on = net.b.command(301, { command: 'set-config', key: 'kiosk.acceptorEnabled', value: 'true' });
    await net.run(500);
    assert.equal(net.b.commands.status(on)?.status, 'done');
    assert.equal(kiosk().screen.kind, 'balance');
    assert.equal(kiosk().health().health, 'ok');
    await w.kiosks.run('kiosk1', 2);
    assert.notDeepEqual(enables().at(-1), [0, 0, 0]);
    await w.kiosks.cardGone('kiosk1');

    // The session limit is read when the kiosk opens: a push says it waits for a restart.
    const limit = net.b.command(301, { command: 'set-config', key: 'kiosk.topupMaxCents', value: '10000' });
    await net.run(500);
    assert.match(net.b.commands.status(limit)?.detail ?? '', /takes effect on restart: kiosk\.topupMaxCents/);
  } finally {
    synced.client.stop();
    synced.state.close();
    w.close();
    net.close();
  }
});
