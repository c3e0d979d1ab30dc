import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../firmware/core/clock.ts';
import { silentLogger } from '../../../../firmware/core/log.ts';
import { Journal } from '../../../../firmware/store/journal/journal.ts';

type AnyBodies = Record<string, Record<string, unknown>>;

const root = mkdtempSync(join(tmpdir(), 'onecard-journal-recovery-'));
after(() => rmSync(root, { recursive: true, force: true }));
const clock = new ManualClock(Date.UTC(2026, 10, 23, 8));
const open = (path: string) => Journal.open<AnyBodies>({ path, clock, log: silentLogger });

/** A journal of five records, the first two acknowledged, then changed by `alter` behind the Journal's back. */
function altered(name: string, alter: (db: Database.Database) => void): string {
  const path = join(root, `${name}.db`);
  const j = open(path);
  for (let i = 1; i <= 5; i++) j.append('sale', { amountCents: 100 * i });
  j.ack(2);
  j.close();
  const db = new Database(path);
  alter(db);
  db.close();
  return path;
}

test('a journal file whose acknowledgement was altered outside the Journal is refused at open', () => {
  const beyondLast = altered('beyond-last', (db) => db.prepare('UPDATE journal_meta SET acked_upto = 9').run());
  assert.throws(() => open(beyondLast), /acked_upto 9 is above the last seq 5; the file is damaged/);
  const flagged = altered('flagged', (db) => db.prepare('UPDATE journal SET acked = 1 WHERE seq = 4').run());
  assert.throws(() => open(flagged), /1 records after acked_upto 2 are marked acknowledged; the file is damaged/);
});

test('an unaltered journal reopens where it left off', () => {
  const path = altered('untouched', () => {});
  const j = open(path);
  assert.deepEqual(j.stats(), { records: 5, unacked: 3, corrupt: 0 });
  assert.equal(j.append('sale', { amountCents: 1 }).seq, 6);
  j.close();
});
