import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { silentLogger } from '../../firmware/core/log.ts';
import { cardMinute, Grants } from '../../firmware/store/lists/grants.ts';
import type { Dial } from '../../firmware/sync/link.ts';
import { runAdmin } from '../../backend/admin.ts';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal } from './harness.ts';

/**
 * PROTOCOL.md §6.4 end to end, backend + sync client on virtual links: a
 * large blacklist snapshot staged across a dropped link and a restart,
 * resumed with LIST_PULL from the first chunk missing (never started over),
 * and door grants pushed only to a terminal that keeps them.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');
const SNAPSHOT = 0x21; // frame byte 3 is the message type (PROTOCOL.md §3)
const LOST = Array.from({ length: 150_000 }, (_, i) => 30_000_000 + i * 2);

/** Dials through the net, counting LIST_SNAPSHOT frames per connection; the first connection is cut after `cutAfter` of them. */
function countingDialer(net: Net, cutAfter: number | null) {
  const perConnection: number[] = [];
  const dial: Dial = async () => {
    const link = await net.dialer()();
    const pair = net.links.at(-1)!;
    const i = perConnection.push(0) - 1;
    const onData = link.onData.bind(link);
    link.onData = (handler) =>
      onData((bytes) => {
        if (bytes[3] === SNAPSHOT) {
          if (i === 0 && cutAfter !== null && perConnection[i] >= cutAfter)
            return pair.cut('test: link dropped mid-snapshot');
          perConnection[i]++;
        }
        handler(bytes);
      });
    return link;
  };
  return { dial, perConnection };
}

test('a 150k blacklist snapshot survives a dropped link and a restart, resuming from the first missing chunk', async () => {
  const w = new SimWorld({ seed: 11, startMs: START });
  const net = new Net(w.clock, 11);
  net.plan = { ...net.plan, latencyMs: 20 };
  try {
    assert.notEqual(net.b.lists.blacklistAdd(LOST, 'lost', w.clock.nowMs()), null);
    const chunkCount = net.b.lists.snapshot('blacklist').length;
    assert.ok(chunkCount >= 4, `${chunkCount} chunks`);
    const auth = authorizerFor(net);
    w.addTerminal({ name: 'pos1', id: 201, authorizer: auth });
    const bl = () => w.terminal('pos1').terminal.blacklist;

    // 1. The link drops after two chunks: they are staged, the list is untouched.
    const first = countingDialer(net, 2);
    let s = syncTerminal(w, 'pos1', net, auth, { dial: first.dial });
    assert.ok(await net.until(() => bl().stage.staged()?.chunksHeld === 2 && !s.client.connected, 10_000));
    assert.deepEqual([bl().version(), bl().has(LOST[0])], [0, false], 'nothing visible before the switch');

    // 2. The terminal restarts before it reconnects: the stage is on disk.
    s.client.stop();
    s.state.close();
    w.restart('pos1');
    assert.equal(bl().stage.staged()?.resumeChunk, 2);
    // 3. The new session asks for chunks 2.. before its STATUS, and gets only those.
    const second = countingDialer(net, null);
    s = syncTerminal(w, 'pos1', net, auth, { dial: second.dial });
    assert.ok(await net.until(() => bl().version() === 1, 20_000), 'the snapshot is switched in');
    assert.deepEqual(
      net.logged('backend.list-resume').map((l) => [l.fromChunk, l.chunks]),
      [[2, chunkCount - 2]],
    );
    assert.deepEqual(second.perConnection, [chunkCount - 2], 'only the missing chunks crossed the link again');
    assert.deepEqual(
      [bl().size(), bl().has(LOST[0]), bl().has(LOST.at(-1) as number), bl().has(LOST[0] + 1)],
      [LOST.length, true, true, false],
    );
    await net.run(200);
    assert.equal(
      net.b.db.prepare('SELECT held_blacklist FROM terminals WHERE id = 201').pluck().get(),
      1,
      'LIST_ACK applied reached the backend',
    );

    // 4. The next change is a delta, digest-checked at the terminal.
    runAdmin(net.b, ['card', 'found', String(LOST[7])]);
    assert.ok(await net.until(() => bl().version() === 2, 2_000));
    assert.equal(bl().has(LOST[7]), false);
    assert.deepEqual(net.logged('sync.list-refused'), []);
    s.client.stop();
    s.state.close();
  } finally {
    w.close();
    net.close();
  }
});

test('door grants reach only the terminal that keeps them, set and revoked by the admin', async () => {
  const w = new SimWorld({ seed: 12, startMs: START });
  const net = new Net(w.clock, 12);
  const grantsOf: Grants[] = [];
  try {
    const door = (() => {
      const auth = authorizerFor(net);
      const t = w.addTerminal({ name: 'door1', id: 301, authorizer: auth });
      const grants = Grants.open({ path: join(t.config.storage.dataDir, 'grants.db'), log: silentLogger });
      grantsOf.push(grants);
      return { grants, synced: syncTerminal(w, 'door1', net, auth, { grants }) };
    })();
    const posAuth = authorizerFor(net);
    w.addTerminal({ name: 'pos1', id: 302, authorizer: posAuth });
    const pos = syncTerminal(w, 'pos1', net, posAuth);
    assert.ok(await net.until(() => door.synced.client.connected && pos.client.connected, 10_000));
    await net.run(2_000);

    assert.equal(runAdmin(net.b, ['card', 'register', '1001']).code, 0, 'a grant is for a card the backend knows');
    const r = runAdmin(net.b, ['grant', '1001', '5', '2026-11-23T14:00', '+90m']);
    assert.equal(r.code, 0, r.lines.join('\n'));
    assert.match(
      r.lines[0],
      /card 1001: doors 0x5 from 2026-11-23T14:00 \(minute \d+\) until 2026-11-23T15:30 .*grants version 1/,
    );
    assert.ok(await net.until(() => door.grants.version() === 1, 2_000), 'pushed at once');
    const from = cardMinute(Date.parse('2026-11-23T14:00:00+08:00'));
    assert.deepEqual(
      [
        door.grants.grantFor(1001, from - 1),
        door.grants.opens(1001, 2, from),
        door.grants.opens(1001, 1, from),
        door.grants.grantFor(1001, from + 90),
      ],
      [null, true, false, null],
    );

    assert.equal(runAdmin(net.b, ['grant', 'revoke', '1001']).code, 0);
    assert.ok(await net.until(() => door.grants.version() === 2, 2_000));
    assert.equal(door.grants.grantFor(1001, from), null);
    await net.run(500);
    const held = net.b.db.prepare<[number], { held_grants: number | null }>(
      'SELECT held_grants FROM terminals WHERE id = ?',
    );
    assert.deepEqual(
      [held.get(301)?.held_grants, held.get(302)?.held_grants],
      [2, null],
      'the POS never got grants (no capability)',
    );
    assert.deepEqual(
      net.b.lastStatus(301)?.lists.map((l) => l.list),
      ['blacklist', 'grants', 'credits'],
    );
    assert.deepEqual(net.logged('sync.list-refused'), []);
    assert.equal(runAdmin(net.b, ['grant', '1001', '5', 'tomorrow', '+1h']).code, 2, 'a bad time is a usage error');
    for (const s of [door.synced, pos]) {
      s.client.stop();
      s.state.close();
    }
  } finally {
    for (const g of grantsOf) g.close();
    w.close();
    net.close();
  }
});
