import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from '../../../protocol/index.ts';
import { virtualLinkPair, type VirtualLinkPair } from '../../../simulator/net/virtual-link.ts';
import { SimWorld } from '../../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal } from '../../e2e/harness.ts';

/**
 * PROTOCOL.md §4.4 at the boundary of the real client and the real backend:
 * a frame replayed, or altered with its CRC made right again (only the MAC
 * can tell), is rejected, logged as a security event, and changes nothing.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');

/** Changes one payload byte and recomputes the CRC: what a forger without the key can do. */
function forge(frame: Uint8Array): Uint8Array {
  const f = frame.slice();
  f[13] ^= 0x01;
  const c = crc32(f, 0, f.length - 4);
  for (let i = 0; i < 4; i++) f[f.length - 4 + i] = (c >>> (8 * i)) & 0xff;
  return f;
}

test('replayed and MAC-forged frames are rejected and logged on both sides', async () => {
  const w = new SimWorld({ seed: 5, startMs: START });
  const net = new Net(w.clock, 5);
  const toBackend: Uint8Array[] = [];
  const toTerminal: Uint8Array[] = [];
  let pair: VirtualLinkPair | null = null;
  try {
    const auth = authorizerFor(net);
    w.addTerminal({ name: 'pos1', id: 101, authorizer: auth });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 });
    const { client, state } = syncTerminal(w, 'pos1', net, auth, {
      dial: () => {
        const p = virtualLinkPair(net.sched);
        const send = { c: p.client.send.bind(p.client), s: p.server.send.bind(p.server) };
        p.client.send = (b) => {
          toBackend.push(b.slice());
          return send.c(b);
        };
        p.server.send = (b) => {
          toTerminal.push(b.slice());
          return send.s(b);
        };
        net.b.accept(p.server);
        pair = p;
        return Promise.resolve(p.client);
      },
    });
    for (const k of ['9', 'confirm']) w.key('pos1', k);
    await net.settle(w.tap('pos1', 'alice'));
    const j = w.terminal('pos1').terminal.journal;
    assert.ok(await net.until(() => net.b.journal.highWater(101) === j.lastSeq(), 10_000));
    const p = pair as unknown as VirtualLinkPair;
    const highBefore = net.b.journal.highWater(101);
    const lastBatch = toBackend.filter((f) => f[3] === 0x30).at(-1) as Uint8Array;
    const lastAck = toTerminal.filter((f) => f[3] === 0x31).at(-1) as Uint8Array;

    p.client.send(lastBatch); // a replay of the terminal's last journal batch
    p.client.send(forge(lastBatch));
    p.server.send(lastAck); // a replay of the backend's ack
    p.server.send(forge(lastAck));
    await net.run(100);

    const reasons = (event: string) =>
      net
        .logged(event)
        .map((l) => l.reason)
        .sort();
    assert.deepEqual(reasons('backend.rejected'), ['mac', 'replay']);
    assert.deepEqual(reasons('sync.rejected'), ['mac', 'replay']);
    assert.equal(net.b.journal.highWater(101), highBefore, 'nothing stored twice');
    assert.ok(client.connected, 'one bad frame does not end the session (3 MAC failures would)');
    assert.equal(j.stats().unacked, 0);
    client.stop();
    state.close();
  } finally {
    w.close();
    net.close();
  }
});
