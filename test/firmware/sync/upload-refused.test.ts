import { test } from 'node:test';
import assert from 'node:assert/strict';
import { journalBatchCodec } from '../../../protocol/messages/journal.ts';
import { SimWorld } from '../../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal } from '../../e2e/harness.ts';

/**
 * A backend that cannot decode the terminal's batches (one built to a wrong
 * reading of §6.6.2) answers ERROR bad-message naming the batch's frame. The
 * terminal sends it again once, then stops and raises an alarm — in its STATUS
 * and its log — instead of resending the same bytes every 10 s for ever.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');

test('a batch refused as undecodable is resent once, then an alarm (STATUS, log), never a resend loop', async () => {
  const w = new SimWorld({ seed: 8, startMs: START });
  const net = new Net(w.clock, 8);
  const decode = journalBatchCodec.decode;
  // The backend's decoder (the shared codec, patched for this test only) refuses every batch with records.
  journalBatchCodec.decode = (r) => {
    const m = decode(r);
    if (m.records.length > 0) r.fail('item 10: expected dt');
    return m;
  };
  try {
    const auth = authorizerFor(net);
    w.addTerminal({ name: 'pos1', id: 101, authorizer: auth });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 });
    const { client, state } = syncTerminal(w, 'pos1', net, auth);
    assert.ok(await net.until(() => client.connected, 10_000));
    for (const k of ['9', 'confirm']) w.key('pos1', k);
    await net.settle(w.tap('pos1', 'alice'));
    assert.ok(await net.until(() => client.uploadAlarm !== null, 60_000), 'upload stops with an alarm');
    assert.equal(client.uploadAlarm?.reason, 'malformed');
    assert.equal(net.logged('sync.batch-refused').length, 1, 'resent once');
    assert.equal(net.logged('sync.upload-stopped').length, 1);
    const batchesBefore = net.logged('backend.rejected').length + net.logged('sync.peer-error').length;
    await net.run(120_000);
    assert.equal(
      net.logged('sync.peer-error').length + net.logged('backend.rejected').length,
      batchesBefore,
      'no batch sent after the alarm',
    );
    assert.match(net.b.lastStatus(101)?.alarm ?? '', /^upload stopped \(malformed\): .*item 10: expected dt/);
    assert.match(client.status().alarm ?? '', /malformed/);
    assert.equal(net.logged('backend.terminal-alarm').length, 1, 'the backend logs it once, not every heartbeat');
    client.stop();
    state.close();
  } finally {
    journalBatchCodec.decode = decode;
    w.close();
    net.close();
  }
});
