import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../firmware/core/clock.ts';
import { silentLogger } from '../../../../firmware/core/log.ts';
import { Journal } from '../../../../firmware/store/journal/journal.ts';
import { openRecordsQuery } from '../../../../firmware/store/journal/journal-queries.ts';
import { JOURNAL_SCHEMA_VERSION, OPENABLE_KINDS } from '../../../../firmware/store/journal/journal-schema.ts';
import { KIND } from '../../../../protocol/messages/record-kinds.ts';

/**
 * What a restart asks the journal before the first tap must not read every
 * record: each open() the terminal runs at start (card intents, operator
 * sign-ins, online requests) is answered from a partial index, on a new file
 * and on one a version-1 terminal left behind (migrated at open, records kept).
 */
type AnyBodies = Record<string, Record<string, unknown>>;

const root = mkdtempSync(join(tmpdir(), 'onecard-journal-schema-'));
after(() => rmSync(root, { recursive: true, force: true }));
const clock = new ManualClock(Date.UTC(2026, 10, 23, 8));
const open = (path: string) => Journal.open<AnyBodies>({ path, clock, log: silentLogger });

/** SQLite's plan for open(kind). A bare `SCAN j` reads every record; `SCAN j USING INDEX` reads the kind's entries. */
const FULL_SCAN = /(^|; )SCAN j(;|$)/;

function planOf(path: string, kind: string): string {
  const db = new Database(path, { readonly: true });
  try {
    const q = openRecordsQuery(db)(kind);
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${q.source}`).all('[]', 10) as { detail: string }[];
    return rows.map((r) => r.detail).join('; ');
  } finally {
    db.close();
  }
}

test('every kind the terminal opens at start is found through its index, not a scan of the journal', () => {
  const path = join(root, 'new.db');
  open(path).close();
  for (const kind of [KIND.intent, KIND.signIn, KIND.onlineRequest]) {
    assert.ok((OPENABLE_KINDS as readonly string[]).includes(kind), kind);
    const plan = planOf(path, kind);
    assert.match(plan, new RegExp(`\\bj USING (COVERING )?INDEX "?journal_open_${kind.replace('.', '\\.')}`), plan);
    assert.doesNotMatch(plan, FULL_SCAN, plan);
  }
});

test('a version-1 journal is migrated at open: the online.request index added, every record kept', () => {
  const path = join(root, 'v1.db');
  const j = open(path);
  j.append(KIND.onlineRequest, { amountCents: 1_250 }, { card: 7 });
  j.append('sale', { amountCents: 300 });
  j.close();
  // What a version-1 terminal left: the same tables without the index.
  const db = new Database(path);
  db.exec(`DROP INDEX "journal_open_${KIND.onlineRequest}"; PRAGMA user_version = 1;`);
  db.close();
  assert.match(planOf(path, KIND.onlineRequest), FULL_SCAN, 'the version-1 file scans');

  const reopened = open(path);
  assert.deepEqual(
    reopened.open(KIND.onlineRequest, ['online.result']).map((r) => r.seq),
    [1],
  );
  assert.deepEqual(reopened.stats(), { records: 2, unacked: 2, corrupt: 0 });
  reopened.close();
  const check = new Database(path, { readonly: true });
  assert.equal(check.pragma('user_version', { simple: true }), JOURNAL_SCHEMA_VERSION);
  check.close();
  assert.doesNotMatch(planOf(path, KIND.onlineRequest), FULL_SCAN);
});

test('a journal from a newer build is refused, not migrated backwards', () => {
  const path = join(root, 'future.db');
  open(path).close();
  const db = new Database(path);
  db.pragma(`user_version = ${JOURNAL_SCHEMA_VERSION + 1}`);
  db.close();
  assert.throws(() => open(path), new RegExp(`schema version ${JOURNAL_SCHEMA_VERSION + 1}, this build reads`));
});
