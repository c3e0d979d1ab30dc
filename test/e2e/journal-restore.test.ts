import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal } from './harness.ts';

/**
 * PROTOCOL.md §8 "a backend restored from yesterday's backup": the backend's
 * high-water mark goes back below what the terminal saw acknowledged. The
 * terminal resends from the backend's H + 1 with every record it still holds,
 * and says with prunedBelow where its journal starts when it has pruned some.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');

async function setup(seed: number) {
  const w = new SimWorld({ seed, startMs: START });
  const net = new Net(w.clock, seed);
  const auth = authorizerFor(net);
  w.addTerminal({ name: 'pos1', id: 101, authorizer: auth });
  const s = syncTerminal(w, 'pos1', net, auth);
  assert.ok(await net.until(() => s.client.connected, 10_000));
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 100_000 });
  const journal = w.terminal('pos1').terminal.journal;
  const sell = async (amount: string) => {
    for (const k of [...amount, 'confirm']) w.key('pos1', k);
    return net.settle(w.tap('pos1', 'alice'));
  };
  const held = () => net.b.journal.highWater(101) === journal.lastSeq();
  const drain = () => net.until(() => s.client.queueDepth() === 0 && held(), 60_000);
  const backup = () => {
    const path = join(net.dir, `backup-${journal.lastSeq()}.db`);
    net.b.db.exec(`VACUUM INTO '${path}'`);
    return path;
  };
  /** Stops the backend, puts the backup in place of its database, starts it again: the terminal sees a new session. */
  const restore = (path: string) => {
    net.stopBackend();
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(net.dbPath + suffix)) rmSync(net.dbPath + suffix);
    copyFileSync(path, net.dbPath);
    net.startBackend();
  };
  /** The database restored under a running backend (a database server behind it): the session stays open. */
  const restoreLive = (path: string) => {
    const db = net.b.db;
    db.exec(`ATTACH '${path}' AS bak`);
    const tables = db
      .prepare<[], string>("SELECT name FROM bak.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all();
    db.transaction(() => {
      for (const t of tables) db.exec(`DELETE FROM main."${t}"; INSERT INTO main."${t}" SELECT * FROM bak."${t}"`);
    })();
    db.exec('DETACH bak');
  };
  /** A sale acknowledged, a backup, then `after` more sales acknowledged: what the backup lacks. */
  const backupBetween = async (after: string[]) => {
    await sell('5');
    assert.ok(await drain());
    const path = backup();
    const hBackup = journal.lastSeq();
    for (const amount of after) await sell(amount);
    assert.ok(await drain());
    return { path, hBackup };
  };
  const done = () => {
    s.client.stop();
    s.state.close();
    w.close();
    net.close();
  };
  return { w, net, s, journal, sell, held, backupBetween, restore, restoreLive, done };
}

test('backend restored from a backup: the terminal resends what the backend lost, from its H + 1', async () => {
  const { net, s, journal, held, backupBetween, restore, done } = await setup(41);
  try {
    const { path: yesterday, hBackup } = await backupBetween(['6', '7']);
    const lost = journal.lastSeq() - hBackup;
    assert.ok(lost >= 4, 'records acknowledged after the backup');

    restore(yesterday);
    assert.equal(net.b.journal.highWater(101), hBackup, 'the restored backend holds only what the backup held');
    assert.ok(await net.until(held, 60_000), 'the terminal resent what the backend lost');
    const stored = net.b.journal.records(101);
    assert.deepEqual(
      stored.map((r) => r.seq),
      Array.from({ length: journal.lastSeq() }, (_, i) => i + 1),
    );
    assert.equal(s.client.uploadAlarm, null);
    assert.equal(net.b.cardReport(1001).movedCents, 500 + 600 + 700, 'every sale booked once');
    const alerts = net.b.db.prepare('SELECT kind FROM alerts').pluck().all();
    assert.deepEqual(alerts, []);
  } finally {
    done();
  }
});

test('restored after the terminal pruned: it resends what it holds, prunedBelow names the hole', async () => {
  const { w, net, journal, held, backupBetween, restore, done } = await setup(42);
  try {
    const { path: yesterday, hBackup } = await backupBetween(['6', '7']);
    // Keep only the newest 2 acknowledged records: the first sale after the backup is gone from the terminal.
    while (w.terminal('pos1').terminal.journal.pruneAcked(2) > 0);
    const oldest = journal.after(0, 1)[0].seq;
    assert.ok(oldest > hBackup + 1);

    restore(yesterday);
    assert.ok(await net.until(held, 60_000), 'the terminal resent what it still holds');
    const seqs = net.b.journal.records(101).map((r) => r.seq);
    assert.deepEqual(
      seqs.filter((q) => q > hBackup),
      Array.from({ length: journal.lastSeq() - oldest + 1 }, (_, i) => oldest + i),
    );
    const alerts = net.b.db.prepare<[], { kind: string; detail: string }>('SELECT kind, detail FROM alerts').all();
    assert.deepEqual(
      alerts.map((a) => a.kind),
      ['hole'],
    );
    assert.match(alerts[0].detail, new RegExp(`records ${hBackup + 1}\\.\\.${oldest - 1} were pruned`));
  } finally {
    done();
  }
});

test('restored under a live session: a gap ack below an earlier ack sends the terminal back to H + 1', async () => {
  const { net, s, journal, sell, held, backupBetween, restoreLive, done } = await setup(43);
  try {
    const { path: yesterday, hBackup } = await backupBetween(['6']);
    const sessions = s.client.connectionStats.sessions;

    restoreLive(yesterday);
    assert.equal(net.b.journal.highWater(101), hBackup);
    // The next batch starts above the backend's H + 1: JOURNAL_ACK gap with ackUpto below what the terminal saw.
    await sell('7');
    assert.ok(await net.until(held, 60_000), "the terminal went back to the backend's H + 1");
    assert.equal(s.client.connectionStats.sessions, sessions, 'in the same session');
    assert.deepEqual(
      net.b.journal.records(101).map((r) => r.seq),
      Array.from({ length: journal.lastSeq() }, (_, i) => i + 1),
    );
    assert.equal(net.b.cardReport(1001).movedCents, 500 + 600 + 700, 'every sale booked once');
    assert.equal(s.client.uploadAlarm, null);
  } finally {
    done();
  }
});
