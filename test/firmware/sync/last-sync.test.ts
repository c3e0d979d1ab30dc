import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastSyncShown } from '../../../app/run/status-report.ts';
import { SimWorld } from '../../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal } from '../../e2e/harness.ts';

/**
 * `onecard status` says when sync last worked: the last session opened and
 * the last journal ack, on the terminal's clock, and whether that clock is
 * stepped to the backend's or left local.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');

test('the sync client keeps when its last session opened and its last journal ack arrived', async () => {
  const w = new SimWorld({ seed: 11, startMs: START });
  const net = new Net(w.clock, 11);
  const auth = authorizerFor(net);
  w.addTerminal({ name: 'pos1', id: 101, authorizer: auth });
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 });
  const synced = syncTerminal(w, 'pos1', net, auth);
  try {
    const { client } = synced;
    assert.ok(await net.until(() => client.connected, 10_000));
    const opened = client.lastSync();
    assert.equal(opened.clockSource, 'backend', 'a terminal clock that can be stepped follows the backend');
    assert.equal(typeof opened.openedMs, 'number');
    assert.equal(opened.ackedMs, null, 'nothing journaled yet, so nothing acknowledged');

    await net.run(5_000);
    for (const k of ['9', 'confirm']) w.key('pos1', k);
    await net.settle(w.tap('pos1', 'alice'));
    const journal = w.terminal('pos1').terminal.journal;
    assert.ok(await net.until(() => journal.stats().unacked === 0, 10_000));
    const acked = client.lastSync();
    assert.equal(acked.openedMs, opened.openedMs, 'the same session');
    assert.ok(acked.ackedMs !== null && acked.ackedMs > (opened.openedMs ?? 0), 'the ack after the sale');
    assert.ok((acked.ackedMs ?? 0) <= w.terminal('pos1').clock.nowMs());
  } finally {
    synced.client.stop();
    synced.state.close();
    w.close();
    net.close();
  }
});

test('a client with no clock to step reports its clock as local', async () => {
  const w = new SimWorld({ seed: 12, startMs: START });
  const net = new Net(w.clock, 12);
  const auth = authorizerFor(net);
  w.addTerminal({ name: 'pos1', id: 101, authorizer: auth });
  const synced = syncTerminal(w, 'pos1', net, auth, { terminalClock: undefined });
  try {
    assert.deepEqual(synced.client.lastSync(), { openedMs: null, ackedMs: null, clockSource: 'local' });
  } finally {
    synced.client.stop();
    synced.state.close();
    w.close();
    net.close();
  }
});

test('onecard status shows the last sync as local time, or says there was none', () => {
  const atMs = Date.parse('2026-11-23T03:30:05Z');
  assert.deepEqual(lastSyncShown({ openedMs: atMs, ackedMs: null, clockSource: 'local' }, 480), {
    lastSessionOpened: '2026-11-23 11:30:05',
    lastJournalAck: 'none since start',
  });
});
