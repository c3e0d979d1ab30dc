import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAdmin } from '../../backend/admin.ts';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal } from './harness.ts';

/** STATUS (PROTOCOL.md §6.3) end to end: the terminal reports its peripherals, the backend keeps and shows the last report. */
const START = Date.parse('2026-11-23T11:30:00+08:00');

test("STATUS carries the reader's health; the backend keeps the last one and shows it", async () => {
  const w = new SimWorld({ seed: 31, startMs: START, reader: 'mfrc522' });
  const net = new Net(w.clock, 31);
  const auth = authorizerFor(net);
  w.addTerminal({ name: 'pos1', id: 101, authorizer: auth });
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
  const synced = syncTerminal(w, 'pos1', net, auth, { peripherals: () => w.peripheralHealth('pos1') });
  try {
    assert.ok(await net.until(() => synced.client.connected, 10_000));
    await net.run(1_000);
    assert.deepEqual(net.b.lastStatus(101)?.peripherals, [{ kind: 'reader', health: 'ok' }]);

    // The MFRC522 driver has to recover its chip: the reader is degraded from the next heartbeat on.
    assert.deepEqual((await w.tap('pos1', 'alice')).beeps, ['ok']);
    await w.terminal('pos1').chip?.driver.recover('test: the chip stopped answering');
    assert.deepEqual(synced.client.status().peripherals, [{ kind: 'reader', health: 'degraded' }]);
    await net.run(61_000);
    assert.deepEqual(net.b.lastStatus(101)?.peripherals, [{ kind: 'reader', health: 'degraded' }]);
    const shown = runAdmin(net.b, ['terminals']);
    assert.match(shown.lines[0], /^terminal 101: online, .*, reader degraded, last seen /);
  } finally {
    synced.client.stop();
    synced.state.close();
    w.close();
    net.close();
  }
});
