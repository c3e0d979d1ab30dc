import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAdmin } from '../../backend/admin.ts';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal, type Synced } from './harness.ts';

/** CONFIG_PUSH end to end (PROTOCOL.md §6.8): admin → backend → terminal → CONFIG_ACK → `config show`. */
const START = Date.parse('2026-11-23T11:30:00+08:00');

test('configs pushed by the admin are applied, refused or delivered at the next session, and reported', async () => {
  const w = new SimWorld({ seed: 41, startMs: START });
  const net = new Net(w.clock, 41);
  try {
    const auth = authorizerFor(net);
    w.addTerminal({ name: 'pos1', id: 101, authorizer: auth });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 });
    const terminal = () => w.terminal('pos1').terminal;
    const installed = terminal().config;
    const path = join(installed.storage.dataDir, 'terminal.json');
    writeFileSync(path, JSON.stringify(installed, null, 2));
    let applied = 0;
    const applyConfig = (c: typeof installed) => {
      applied++;
      return terminal().applyConfig(c);
    };
    const connect = (): Synced =>
      syncTerminal(w, 'pos1', net, auth, {
        config: { current: () => terminal().config, path },
        hooks: { applyConfig },
      });
    let synced = connect();
    assert.ok(await net.until(() => synced.client.connected, 10_000));
    await net.run(100); // its first STATUS arrives
    const admin = (...args: string[]) => runAdmin(net.b, args);
    const doc = (pos: Record<string, unknown>) => JSON.stringify({ ...installed, pos: { ...installed.pos, ...pos } });

    // 1. Online: sent at once, applied, the role takes it, STATUS reports it.
    assert.deepEqual(admin('config', 'push', '101', 'canteen.json', doc({ receiptCopies: 2 })).lines, [
      'config v1 (corr 1, canteen.json) for terminal 101: sent',
    ]);
    await net.run(500);
    for (const k of ['6', 'confirm']) w.key('pos1', k);
    assert.equal((await net.settle(w.tap('pos1', 'alice'))).receipts.length, 2, 'the POS prints two copies now');
    assert.equal((JSON.parse(readFileSync(path, 'utf8')) as typeof installed).pos.receiptCopies, 2);
    assert.equal(synced.client.status().configVersion, 1);
    await net.run(61_000); // one heartbeat
    assert.equal(net.b.configs.reportedVersion(101), 1);
    const shownV1 = admin('config', 'show', '101').lines;
    assert.equal(shownV1[0], 'terminal 101: config v1 in force (last STATUS), online');
    assert.match(shownV1[1], /^ {2}v1 corr 1 pushed 2026-11-23T03:30:00\.\d{3}Z: applied \(v1 in force\)$/);

    // 2. Invalid: the admin refuses what the schema refuses, with the field, and queues nothing;
    //    what only the terminal can judge (what its installer set) it refuses there, and says so.
    const fileV1 = readFileSync(path, 'utf8');
    const refused = admin('config', 'push', '101', 'bad.json', doc({ maxSaleCents: -5 }));
    assert.equal(refused.code, 1);
    assert.match(refused.lines[0], /^bad\.json: invalid field "pos\.maxSaleCents": .*; nothing queued$/);
    assert.match(
      admin('config', 'push', '101', 'broken.json', '{"pos": ').lines[0],
      /^broken\.json: not valid JSON .*; nothing queued$/,
    );
    assert.match(
      admin(
        'config',
        'push',
        '101',
        'other.json',
        JSON.stringify({ ...installed, terminal: { ...installed.terminal, id: 102 } }),
      ).lines[0],
      /terminal\.id is 102, not 101/,
    );
    assert.equal(net.b.configs.history(101).length, 1, 'nothing queued');
    admin(
      'config',
      'push',
      '101',
      'moved.json',
      JSON.stringify({ ...installed, storage: { ...installed.storage, dataDir: '/elsewhere' } }),
    );
    await net.run(500);
    const shown = admin('config', 'show', '101').lines;
    assert.match(
      shown[1],
      /^ {2}v2 corr 2 pushed .*: rejected \(v1 in force\): config v2: invalid field "storage\.dataDir": /,
    );
    assert.equal(readFileSync(path, 'utf8'), fileV1);
    assert.equal(synced.client.status().configVersion, 1);

    // 3. A corrId the terminal already answered (its ack lost): answered from memory, not applied again.
    net.b
      .connected()
      .get(101)
      ?.send({ type: 'configPush', corrId: 1, version: 1, format: 'json', body: doc({ receiptCopies: 2 }) });
    await net.run(500);
    assert.equal(net.logged('sync.config-repeated').length, 1);
    assert.equal(applied, 1, 'the role took v1 once');

    // 4. Offline: queued; the terminal's first STATUS of its next session shows v1, so v3 goes then.
    synced.client.stop();
    synced.state.close();
    await net.run(1_000);
    assert.deepEqual(admin('config', 'push', '101', 'canteen.json', doc({ receiptCopies: 3 })).lines, [
      'config v3 (corr 3, canteen.json) for terminal 101: queued until it connects',
    ]);
    synced = connect();
    assert.ok(await net.until(() => synced.client.status().configVersion === 3, 10_000));
    assert.equal(terminal().config.pos.receiptCopies, 3);
    assert.equal(applied, 2);
    await net.run(61_000);
    assert.match(admin('config', 'show', '101').lines[0], /config v3 in force/);
    // Heartbeats since then sent nothing again, and a rejected version is never re-sent.
    assert.equal(net.logged('backend.config-sent').length, 3);
    assert.equal(net.logged('sync.config-repeated').length, 1);
    synced.client.stop();
    synced.state.close();
  } finally {
    w.close();
    net.close();
  }
});

test('config push: bad admin arguments are answered with the usage', () => {
  const w = new SimWorld({ seed: 42, startMs: START });
  const net = new Net(w.clock, 42, { log: false });
  try {
    assert.equal(runAdmin(net.b, ['config', 'push', 'x', 'a.json', '{}']).code, 2);
    assert.equal(runAdmin(net.b, ['config', 'show']).code, 2);
    assert.deepEqual(runAdmin(net.b, ['config', 'show', '7']).lines, [
      'terminal 7: no STATUS yet, offline',
      '  no config pushed',
    ]);
    const big = runAdmin(net.b, ['config', 'push', '7', 'big.json', 'x'.repeat(40_000)]);
    assert.equal(big.code, 1);
    assert.match(big.lines[0], /40000 bytes; a push carries at most 30720/);
  } finally {
    w.close();
    net.close();
  }
});
