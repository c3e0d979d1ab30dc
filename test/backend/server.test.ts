import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dialTcp } from '../../firmware/sync/tcp-link.ts';
import { webSocketDialer } from '../../base/ws-link.ts';
import { backendMain, serveBackend } from '../../backend/main.ts';
import { terminal } from './loopback-terminal.ts';

/**
 * The backend on real loopback sockets (WebSocket and raw TCP, the same
 * frames), and its admin command reaching a connected terminal through the
 * running server. Waits are on events, with a bound; nothing sleeps.
 */
test('onecard backend: a terminal over WebSocket; `card lost` through the running server reaches it at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-server-'));
  const dbPath = join(dir, 'backend.db');
  const server = await serveBackend({ dbPath, port: 0 });
  const t = terminal(dir, webSocketDialer(server.url), server.backend.keyFor(101, 1) as Uint8Array);
  try {
    t.journal.append('tap.refused', { cardNumber: 5, uid: '04a1b2c3', reason: 'expired', detail: 'test' }, { card: 5 });
    const opened = t.next((e) => e.type === 'opened', 'session');
    const acked = t.next((e) => e.type === 'acked' && e.upto === 1, 'ack of record 1');
    t.client.start();
    await opened;
    await acked;
    assert.equal(server.backend.journal.records(101).length, 1);

    const got = t.next((e) => e.type === 'list' && e.list === 'blacklist' && e.status === 'applied', 'blacklist delta');
    const lines: string[] = [];
    assert.equal(await backendMain(['card', 'register', '777', '--db', dbPath], () => {}), 0);
    const seenBefore = t.seen.length;
    assert.equal(await backendMain(['card', 'lost', '777', '--db', dbPath], (l) => lines.push(l)), 0);
    assert.match(lines[0], /card 777 blacklisted: blacklist version 1, pushed to 1 connected terminal/);
    await got;
    assert.ok(t.blacklist.has(777));
    // Pushed down the open session: the only event since the command is the list applied, with no
    // reconnect in between (a new session would fetch lists too). Counted, not timed.
    assert.deepEqual(
      t.seen.slice(seenBefore).map((e) => e.type),
      ['list'],
    );

    const status: string[] = [];
    await backendMain(['terminals', '--db', dbPath], (l) => status.push(l));
    assert.match(status[0], /terminal 101: online, journal acked to 1, blacklist 1/);
    assert.doesNotMatch(status[0], /grants|holders|holidays/, 'a terminal that keeps none of the role lists');
  } finally {
    t.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('raw TCP carries the same frames', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-server-'));
  const server = await serveBackend({ dbPath: join(dir, 'backend.db'), port: 0, tcpPort: 0 });
  const t = terminal(
    dir,
    () => dialTcp('127.0.0.1', server.tcpPort as number),
    server.backend.keyFor(101, 1) as Uint8Array,
  );
  try {
    for (let i = 0; i < 50; i++)
      t.journal.append(
        'tap.refused',
        { cardNumber: i, uid: '04a1b2c3', reason: 'expired', detail: `#${i}` },
        { card: i },
      );
    const acked = t.next((e) => e.type === 'acked' && e.upto === 50, 'ack of record 50');
    t.client.start();
    await acked;
    assert.equal(t.journal.stats().unacked, 0);
    assert.equal(server.backend.journal.highWater(101), 50);
  } finally {
    t.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('admin commands with no server running open the database themselves', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-admin-'));
  const dbPath = join(dir, 'backend.db');
  try {
    const out: string[] = [];
    const run = async (...args: string[]) => {
      out.length = 0;
      return backendMain([...args, '--db', dbPath], (l) => out.push(l));
    };
    assert.equal(await run('card', 'lost', '1001'), 2, 'no database yet: only init creates one');
    assert.match(out[0], /no backend database at .*backend\.db; create one with: onecard backend init/);
    assert.equal(await backendMain(['init', '--db', dbPath], (l) => out.push(l)), 0);
    assert.equal(await run('card', 'register', '1001', '5005'), 0);
    assert.equal(await run('card', 'lost', '1001'), 0);
    assert.equal(await run('credit', '1001', '20.00'), 0);
    assert.match(out[0], /credit 1001#1: 20.00 to subsidy, credits version 1/);
    assert.equal(await run('account', '5005', '100'), 0);
    assert.equal(await run('status'), 0);
    assert.match(out[0], /blacklist version 1 \(1 cards\), credits version 1/);
    assert.equal(await run('key', '101'), 0);
    assert.match(out[0], /^[0-9a-f]{64}$/);
    assert.equal(await run('card', 'show', '1001'), 0);
    assert.match(out.join('\n'), /BLACKLISTED[\s\S]*credit #1 20.00 subsidy: pending/);
    assert.equal(await run('bogus'), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
