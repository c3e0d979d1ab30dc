import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { formatCents } from '../../base/money.ts';
import { runAdmin } from '../../backend/admin.ts';
import { Backend } from '../../backend/backend.ts';
import { backendMain, serveBackend } from '../../backend/main.ts';
import { SCHEMA_VERSION } from '../../backend/schema.ts';

/**
 * `onecard backend credits import FILE.csv` (issue 15 item 4): all rows or none, once per batch, and a
 * report of what landed; through the CLI with no server (the database opened) and with one running
 * (the file's text posted to its admin endpoint).
 */
const NOW_MS = Date.parse('2026-12-05T10:00:00+08:00');
const CSV = [
  'card,amount,wallet,expiry',
  '1001,20.00,subsidy,2026-12-31',
  '1002,5.50,balance,',
  '1001,3.00,subsidy,',
].join('\n');

function backendAt(dir: string): Backend {
  const b = Backend.open({ dbPath: join(dir, 'backend.db'), clock: { nowMs: () => NOW_MS } });
  b.cards.register([1001, 1002], 'test', NOW_MS);
  return b;
}

function withDir(run: (dir: string) => Promise<void> | void) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onecard-credits-import-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'a batch lands as one credits version with a report; the same rows again, in any order, change nothing',
  withDir((dir) => {
    const b = backendAt(dir);
    try {
      const first = runAdmin(b, ['credits', 'import', 'may.csv', CSV]);
      assert.equal(first.code, 0, first.lines.join('\n'));
      assert.deepEqual(first.lines, [
        'may.csv: imported as batch 1',
        '  3 row(s), credits version 1',
        '  subsidy: 2 row(s), 23.00',
        '  balance: 1 row(s), 5.50',
      ]);
      assert.deepEqual(
        b.lists.creditsOf(1001).map((c) => [c.creditSeq, c.amount, c.purse, c.reason, c.expiryDay]),
        [
          [1, 2_000, 'subsidy', 'subsidy', 9861],
          [2, 300, 'subsidy', 'subsidy', 0],
        ],
        'expiry 2026-12-31 is card day 9861; an empty expiry is none',
      );
      assert.deepEqual(
        b.lists.creditsOf(1002).map((c) => [c.amount, c.purse, c.reason]),
        [[550, 'balance', 'topup']],
      );

      const reordered = [
        'card,amount,wallet,expiry',
        ' 1001, 3.00 ,subsidy,',
        '1002,5.50,balance,',
        '',
        '1001,20.00,subsidy,2026-12-31',
      ].join('\r\n');
      for (const text of [CSV, reordered]) {
        const again = runAdmin(b, ['credits', 'import', 'again.csv', text]);
        assert.deepEqual([again.code, again.lines], [0, ['again.csv: already imported as batch 1; nothing changed']]);
      }
      assert.equal(b.lists.version('credits'), 1);
      assert.equal(b.lists.creditsOf(1001).length + b.lists.creditsOf(1002).length, 3, 'credited once');

      const next = runAdmin(b, ['credits', 'import', 'june.csv', 'card,amount,wallet,expiry\n1002,1.00,balance,\n']);
      assert.deepEqual(next.lines.slice(0, 2), ['june.csv: imported as batch 2', '  1 row(s), credits version 2']);
    } finally {
      b.stop();
    }
  }),
);

test(
  'a file with one bad row applies nothing and names the row',
  withDir((dir) => {
    const b = backendAt(dir);
    try {
      const bad = `${CSV}\n1002,7.5,balance,\n4242,1.00,subsidy,\n`;
      const r = runAdmin(b, ['credits', 'import', 'bad.csv', bad]);
      assert.equal(r.code, 1);
      assert.equal(r.lines[0], 'bad.csv: 2 row(s) refused; nothing imported');
      assert.match(r.lines[1] ?? '', /^ {2}line 5: bad amount "7\.5"/);
      assert.match(r.lines[2] ?? '', /^ {2}line 6: card 4242 is not known here/);
      assert.equal(b.lists.version('credits'), 0);
      assert.deepEqual([b.lists.creditsOf(1001), b.lists.creditsOf(1002)], [[], []]);
      assert.equal(b.db.prepare('SELECT count(*) FROM credit_batches').pluck().get(), 0);
      // Fixed, the file goes in whole: the refusal left no batch behind that would call it imported.
      assert.equal(runAdmin(b, ['credits', 'import', 'fixed.csv', CSV]).lines[0], 'fixed.csv: imported as batch 1');

      const empty = runAdmin(b, ['credits', 'import', 'empty.csv', 'card,amount,wallet,expiry\n']);
      assert.deepEqual([empty.code, empty.lines], [1, ['empty.csv: no rows after the header; nothing imported']]);
    } finally {
      b.stop();
    }
  }),
);

test(
  'a row for a replaced card (补卡) is refused, naming the replacement; nothing changes, the fixed file goes in',
  withDir((dir) => {
    const b = backendAt(dir);
    try {
      b.cards.register([1003], 'test', NOW_MS);
      b.cardLost(1001);
      assert.ok(b.cardReplace(1001, 1003).ok);
      const version = b.lists.version('credits');
      const before = [b.lists.creditsOf(1001), b.lists.creditsOf(1003)];
      const r = runAdmin(b, ['credits', 'import', 'may.csv', CSV]);
      assert.equal(r.code, 1);
      assert.deepEqual(r.lines, [
        'may.csv: 2 row(s) refused; nothing imported',
        '  line 2: card 1001 was replaced by 1003: credit 1003 instead; nothing changed',
        '  line 4: card 1001 was replaced by 1003: credit 1003 instead; nothing changed',
      ]);
      assert.equal(b.lists.version('credits'), version);
      assert.deepEqual([b.lists.creditsOf(1001), b.lists.creditsOf(1003)], before);
      assert.deepEqual(b.lists.creditsOf(1002), []);
      assert.equal(b.db.prepare('SELECT count(*) FROM credit_batches').pluck().get(), 0);
      // A single credit says the same.
      assert.deepEqual(runAdmin(b, ['credit', '1001', '1.00']).lines, [
        'card 1001 was replaced by 1003: credit 1003 instead; nothing changed',
      ]);
      // Corrected at its source, the file goes in, onto the replacement.
      const fixed = runAdmin(b, ['credits', 'import', 'fixed.csv', CSV.replaceAll('1001,', '1003,')]);
      assert.equal(fixed.lines[0], 'fixed.csv: imported as batch 1', fixed.lines.join('\n'));
      assert.equal(b.lists.creditsOf(1003).filter((c) => c.reason === 'subsidy').length, 2);
    } finally {
      b.stop();
    }
  }),
);

test(
  'the CLI: --help exits 0, an unknown option exits 2, a missing file is named; the file is read here',
  withDir(async (dir) => {
    const out: string[] = [];
    const run = (...args: string[]) => {
      out.length = 0;
      return backendMain(args, (l) => out.push(l));
    };
    const db = join(dir, 'backend.db');
    assert.equal(await run('credits', '--help'), 0);
    assert.match(out.join('\n'), /credits import <file\.csv>/);
    assert.equal(await run('credits', 'import', 'x.csv', '--db', db, '--bogus'), 2);
    assert.match(out.join('\n'), /--bogus/);
    assert.equal(await run('init', '--db', db), 0);
    assert.equal(await run('credits', 'import', join(dir, 'missing.csv'), '--db', db), 2);
    assert.match(out[0] ?? '', /cannot read .*missing\.csv/);
    assert.equal(await run('card', 'register', '1001', '1002', '--db', db), 0);
    const file = join(dir, 'subsidy.csv');
    writeFileSync(file, CSV.replace('2026-12-31', '2099-12-31'));
    assert.equal(await run('credits', 'import', file, '--db', db), 0, out.join('\n'));
    assert.match(out[0] ?? '', /subsidy\.csv: imported as batch 1/);
    assert.equal(await run('credits', 'import', file, '--db', db), 0);
    assert.match(out[0] ?? '', /already imported as batch 1/);
  }),
);

test(
  'through a running server: a file bigger than any other admin request is posted whole and imported once',
  withDir(async (dir) => {
    const db = join(dir, 'backend.db');
    // 4 cards × 1000 amounts (0.01 … 10.00): rows differ by amount, so few cards need registering.
    const cards = [1001, 1002, 1003, 1004];
    const rows = cards.flatMap((c) => Array.from({ length: 1_000 }, (_, i) => `${c},${formatCents(i + 1)},subsidy,`));
    const text = ['card,amount,wallet,expiry', ...rows].join('\n');
    assert.ok(text.length > 64 * 1024, `${text.length} bytes`);
    writeFileSync(join(dir, 'big.csv'), text);
    assert.equal(await backendMain(['init', '--db', db], () => {}), 0);
    const server = await serveBackend({ dbPath: db });
    try {
      const out: string[] = [];
      const run = (...args: string[]) => {
        out.length = 0;
        return backendMain([...args, '--db', db], (l) => out.push(l));
      };
      assert.equal(await run('card', 'register', ...cards.map(String)), 0, out.join('\n'));
      assert.equal(await run('credits', 'import', join(dir, 'big.csv')), 0, out.join('\n'));
      assert.deepEqual(out.slice(1), ['  4000 row(s), credits version 1', '  subsidy: 4000 row(s), 20020.00']);
      assert.equal(await run('credits', 'import', join(dir, 'big.csv')), 0);
      assert.match(out[0] ?? '', /already imported as batch 1/);
    } finally {
      await server.stop();
    }
  }),
);

test(
  'a schema 2 database gains the batch table on open',
  withDir((dir) => {
    const path = join(dir, 'backend.db');
    backendAt(dir).stop();
    const raw = new Database(path);
    raw.exec('DROP TABLE credit_batches; PRAGMA user_version = 2;');
    raw.close();
    const b = Backend.open({ dbPath: path });
    try {
      assert.equal(b.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.equal(runAdmin(b, ['credits', 'import', 'a.csv', CSV]).lines[0], 'a.csv: imported as batch 1');
    } finally {
      b.stop();
    }
  }),
);
