import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../base/log.ts';
import { serveBackend } from '../../backend/main.ts';
import { runCli, STACK_FRAME, type CliRun } from './run-cli.ts';

/**
 * `onecard desk --config FILE` as an operator's script runs it: the desk
 * terminal composed as on a device (the real MFRC522 driver on the chip
 * emulator), the reference backend on loopback, commands piped on stdin.
 */
const SESSION = { timeout: 180_000 };
const DESK_ID = 100;

function desk(config: string, script: string[], extra: string[] = []): Promise<CliRun> {
  return runCli(['desk', '--config', config, '--card-wait', '2', ...extra], { input: `${script.join('\n')}\n` });
}

function deskConfig(dir: string, backend: { url: string; terminalKeyFile: string } | null): string {
  const config = {
    terminal: { id: DESK_ID, name: 'desk (emulated reader)', tenantId: 1, roles: ['desk'] },
    storage: { dataDir: 'data', keyFile: 'unused-with-sim.json' },
    sim: { seed: 7 },
    peripherals: { reader: { kind: 'mfrc522-emulator' } },
    ...(backend ? { backend } : {}),
    cardClasses: [
      { id: 1, name: { zh: '员工', en: 'Staff' } },
      { id: 9, name: { zh: '操作员', en: 'Operator' }, operator: true },
    ],
  };
  const path = join(dir, 'desk.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

test('onecard desk: help, unknown option, a config that is no desk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-desk-'));
  try {
    const help = await runCli(['desk', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--config FILE/);
    const bad = await runCli(['desk', '--bogus']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown option: --bogus/);
    const missing = await runCli(['desk']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--config FILE is required/);
    const pos = join(dir, 'pos.json');
    const example = await runCli(['config', 'example']);
    writeFileSync(pos, example.stdout);
    const notDesk = await runCli(['desk', '--config', pos]);
    assert.equal(notDesk.code, 2);
    assert.match(notDesk.stderr, /is not a desk terminal/);
    for (const r of [bad, missing, notDesk]) assert.doesNotMatch(r.stderr, STACK_FRAME);
    // Offline, without --backend-db: what needs the backend says so, and the session still ends well.
    const offline = await desk(deskConfig(dir, null), ['lost 10000001']);
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(
      offline.stdout,
      /^lost 10000001: needs the backend — run "onecard backend card lost 10000001" there,\n/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a piped desk session issues, deposits, reads and cancels a card; the backend agrees', SESSION, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-desk-'));
  const db = join(dir, 'backend.db');
  const server = await serveBackend({ dbPath: db, port: 0, log: silentLogger });
  t.after(() => server.stop());
  try {
    const keyFile = join(dir, 'terminal.key');
    const key = server.backend.keyFor(DESK_ID, 1) as Uint8Array;
    writeFileSync(keyFile, `1:${Buffer.from(key).toString('hex')}\n`, { mode: 0o600 });
    const config = deskConfig(dir, { url: server.url, terminalKeyFile: keyFile });
    const r = await desk(
      config,
      [
        'issue Wang Fang 100.00', // nothing on the reader yet: waited for, then abandoned
        'blank',
        'issue Wang Fang 100.00',
        // 挂失 and 解挂 through the backend's admin endpoint right after the issue: the desk's records
        // reach the backend first, so it knows the card (the admin token: a 0600 file beside the database).
        'lost 10000001',
        'found 10000001',
        'deposit 50.00',
        // Bad commands: one line each, nothing changes.
        'frobnicate',
        'deposit ten',
        'issue',
        'deposit 9999999.00', // under the i32 cents a card holds, over its cap
        'issue Li Lei 3 1.00',
        'read',
        'cancel',
      ],
      ['--backend-db', db],
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const out = r.stdout;
    assert.match(out, /^issue: place the card on the reader\nno card on the reader within 2 s\nabandoned\n/);
    assert.match(
      out,
      /issued card 10000001 to Wang Fang, class 1, valid through \d{4}-\d\d-\d\d\ndeposit 100\.00 taken\n/,
    );
    assert.match(out, /deposit 50\.00 taken\nbalance 150\.00, subsidy 0\.00, total 150\.00\n/);
    assert.match(out, /\nunknown command "frobnicate" \(help\)\n/);
    assert.match(out, /\ndeposit AMOUNT: an amount like 100\.00\n/);
    assert.match(out, /\nissue NAME \[CLASS\] \[DEPOSIT\]: whose card\?\n/);
    assert.match(out, /\nrefused: deposit is above the balance cap\n/);
    assert.match(out, /\nrefused: card class 3 is not in this terminal's config\n/);
    assert.match(
      out,
      /card 10000001 \(uid 04de0001\)[^\n]*\n[^\n]*\nbalance 150\.00, subsidy 0\.00, total 150\.00\ncounter 2/,
    );
    assert.match(out, /\ncard 10000001 blacklisted: blacklist version 1, pushed to 1 connected terminal\(s\)\n/);
    assert.match(out, /\ncard 10000001 taken off the blacklist: blacklist version 2/);
    assert.match(out, /card 10000001 cancelled: pay out 150\.00 in cash\ncard wiped back to transport keys\n/);
    // The refused issues burnt no card number: the next card is 10000002.
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'data', 'desk-card-numbers.json'), 'utf8')), { next: 10000002 });
    assert.equal(statSync(join(dir, 'data', 'desk-card-numbers.json')).mode & 0o777, 0o600);

    // The backend's ledger: every write landed (100.00 + 50.00 on, 150.00 paid out), the number listed.
    const report = server.backend.cardReport(10000001);
    assert.equal(report.counter, 3, 'the two deposits and the payout');
    assert.equal(report.open, 0);
    assert.deepEqual([report.purse?.balance, report.purse?.subsidy], [0, 0]);
    assert.equal(server.backend.lists.isBlacklisted(10000001), true, 'a cancelled number is refused everywhere');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'a PIN set, changed and removed through the piped console: typed on its own lines, never echoed or logged',
  SESSION,
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onecard-desk-pin-'));
    try {
      // No backend here: the desk's number file restored, as a new data dir offline needs it.
      mkdirSync(join(dir, 'data'));
      writeFileSync(join(dir, 'data', 'desk-card-numbers.json'), '{"next": 10000001}\n', { mode: 0o600 });
      const log = join(dir, 'desk.log');
      const r = await desk(
        deskConfig(dir, null),
        [
          'blank',
          'issue Li Lei',
          'pin 2468', // the PIN on the command line: refused, not repeated
          'pin',
          '12', // too short: nothing changed
          'pin',
          '2468',
          '1357', // not the same twice: nothing changed
          'read',
          'pin',
          '2468',
          '2468',
          'read',
          'pin remove',
          'read',
        ],
        ['--log-level', 'debug', '--log-file', log],
      );
      assert.equal(r.code, 0, r.stderr);
      const out = r.stdout;
      assert.match(out, /\npin \[remove\]: the new PIN is asked for next, never typed after the command\n/);
      assert.match(out, /\nnew PIN \(4 to 6 digits; not shown\):\na PIN is 4 to 6 digits: nothing changed\n/);
      assert.match(out, /\nthe same PIN again:\nthe two PINs differ: nothing changed\n/);
      const reads = [...out.matchAll(/valid through [-0-9]+, PIN (set|not set)\n/g)].map((m) => m[1]);
      assert.deepEqual(reads, ['not set', 'set', 'not set'], 'unchanged by the mistakes, set, then removed');
      assert.match(out, /\npin: place the card on the reader\ncard 10000001: new PIN set\n/);
      assert.match(out, /\ncard 10000001: PIN removed\n/);
      const logged = readFileSync(log, 'utf8');
      assert.match(logged, /desk\.pin/, 'the change is logged, without the PIN');
      for (const text of [out, r.stderr, logged]) assert.ok(!/2468|1357/.test(text), 'no PIN shown or logged');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'a desk with a new data dir: offline it issues nothing; told by the backend, it goes on after the cards it knows',
  SESSION,
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'onecard-desk-fresh-'));
    const numbersFile = join(dir, 'data', 'desk-card-numbers.json');
    try {
      // Offline, no number file: the issue is refused with the reason and what to do; nothing is written.
      const offline = await desk(deskConfig(dir, null), ['blank', 'issue Wang Fang']);
      assert.equal(offline.code, 0, offline.stderr);
      assert.match(
        offline.stdout,
        /\nissue: no \S+desk-card-numbers\.json, and the backend has not said which numbers/,
      );
      assert.match(offline.stdout, /--backend-db FILE, or restore the file from a backup\n/);
      assert.doesNotMatch(offline.stdout, /issued card/);
      assert.equal(existsSync(numbersFile), false, 'nothing written');

      // The device replaced: the backend knows cards of desk 100 up to 10000007 (the old device issued them).
      const db = join(dir, 'backend.db');
      const server = await serveBackend({ dbPath: db, port: 0, log: silentLogger });
      t.after(() => server.stop());
      server.backend.cards.register([10_000_003, 10_000_007], 'terminal 100', 0);
      const keyFile = join(dir, 'terminal.key');
      const key = server.backend.keyFor(DESK_ID, 1) as Uint8Array;
      writeFileSync(keyFile, `1:${Buffer.from(key).toString('hex')}\n`, { mode: 0o600 });
      const online = await desk(
        deskConfig(dir, { url: server.url, terminalKeyFile: keyFile }),
        ['blank', 'issue Wang Fang'],
        ['--backend-db', db],
      );
      assert.equal(online.code, 0, online.stderr);
      assert.match(online.stdout, /\nissued card 10000008 to Wang Fang/);
      assert.deepEqual(JSON.parse(readFileSync(numbersFile, 'utf8')), { next: 10000009 });
      assert.equal(statSync(numbersFile).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
