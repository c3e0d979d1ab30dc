import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../base/log.ts';
import { webSocketDialer } from '../../base/ws-link.ts';
import { CARD_ISSUED_KIND } from '../../backend/card-register.ts';
import { KIND } from '../../protocol/index.ts';
import { terminal } from './loopback-terminal.ts';
import { runAdmin } from '../../backend/admin.ts';
import { backendMain, serveBackend } from '../../backend/main.ts';

/**
 * The backend's side of desk card numbers (docs/cards.md, "Card numbers"): numbers registered by hand stay
 * out of every desk's range, and a desk with a new data dir is told the highest number known in its range.
 */
function inTemp(): { dir: string; db: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-ranges-'));
  return { dir, db: join(dir, 'backend.db'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('card register by hand: a number inside a desk range is refused with the range, a CSV whole; nothing changes', async () => {
  const { dir, db, done } = inTemp();
  const out: string[] = [];
  const run = (...args: string[]) => {
    out.length = 0;
    return backendMain([...args, '--db', db], (l) => out.push(l));
  };
  try {
    assert.equal(await backendMain(['init', '--db', db], () => {}), 0);
    assert.equal(await run('card', 'register', '1001', '10000007'), 1);
    assert.deepEqual(out, [
      "card 10000007 lies in desk 100's range 10000001..10099999: numbers registered by hand stay below 100,000",
      'no card registered',
    ]);
    assert.equal(await run('card', 'show', '1001'), 0);
    assert.equal(await run('credit', '1001', '1.00'), 1, 'the refused line registered no card, not even 1001');
    // Below 100,000 and the multiples of 100,000 lie in no desk's range.
    assert.equal(await run('card', 'register', '99999', '200000'), 0, out.join('\n'));
    assert.match(out[0] ?? '', /^2 card\(s\) registered/);
    writeFileSync(join(dir, 'run.csv'), 'card,holder\n1002,a\n100001,b\n1003,c\n');
    assert.equal(await run('card', 'register', '--csv', join(dir, 'run.csv')), 1);
    assert.match(
      out.join('\n'),
      /1 row\(s\) refused; no card registered\n {2}line 3: card 100001 lies in desk 1's range 100001\.\.199999/,
    );
    assert.equal(await run('credit', '1002', '1.00'), 1, 'the CSV registered none');
  } finally {
    done();
  }
});

test("card highest: the highest number the backend knows in a desk's range, from every table that holds one", async () => {
  const { db, done } = inTemp();
  const server = await serveBackend({ dbPath: db, port: 0, log: silentLogger });
  try {
    const b = server.backend;
    const highest = (id: string) => runAdmin(b, ['card', 'highest', id]);
    assert.deepEqual(highest('100'), { code: 0, lines: ['desk 100: highest known card none'] });
    b.cards.register([10_000_004, 10_100_050, 99_999], 'terminal 100', 0); // desk 101's and a hand number: not desk 100's
    assert.deepEqual(highest('100').lines, ['desk 100: highest known card 10000004']);
    b.lists.blacklistAdd([10_000_009], 'cancelled', 0); // a cancelled card: its number was given out too
    assert.deepEqual(highest('100').lines, ['desk 100: highest known card 10000009']);
    assert.deepEqual(highest('101').lines, ['desk 101: highest known card 10100050']);
    for (const bad of ['0', '42949', 'x']) assert.equal(highest(bad).code, 2, bad);
  } finally {
    await server.stop();
    done();
  }
});

test('a desk number issued to a second card (another UID) is flagged loudly; the number keeps its first card', async () => {
  const { dir, db, done } = inTemp();
  const server = await serveBackend({ dbPath: db, port: 0, log: silentLogger });
  // The loopback terminal is desk 101.
  const t = terminal(dir, webSocketDialer(server.url), server.backend.keyFor(101, 1) as Uint8Array);
  try {
    const issue = (uid: string) => {
      const body = { cardNumber: 10_100_001, uid, holder: 'Wang Fang', cardClass: 1, expiryDay: 0, pinSet: false };
      const d = t.journal.append(KIND.deskIssue, { ...body, replaces: null }, { card: 10_100_001 });
      t.journal.append(CARD_ISSUED_KIND, { cardNumber: 10_100_001 }, { card: 10_100_001, ref: d.seq });
    };
    // 10100001 to one card, then again to the same card (a cut issue resumed): nothing to say.
    issue('04aa0001');
    issue('04aa0001');
    // The same number on another card: a number file restored from an old backup.
    issue('04bb0002');
    const acked = t.next((e) => e.type === 'acked' && e.upto >= 6, 'the records acked');
    t.client.start();
    await acked;
    const twice = server.backend.alerts().filter((a) => a.kind === 'card-number-twice');
    assert.equal(twice.length, 1, JSON.stringify(server.backend.alerts()));
    assert.equal(twice[0]?.card, 10_100_001);
    assert.match(
      twice[0]?.detail ?? '',
      /issued to uid 04bb0002 \(terminal 101#5\) but it is uid 04aa0001's \(terminal 101#1\)/,
    );
    assert.match(runAdmin(server.backend, ['card', 'show', '10100001']).lines.join('\n'), /ALERT card-number-twice/);
  } finally {
    t.close();
    await server.stop();
    done();
  }
});
