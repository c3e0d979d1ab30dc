import type Database from 'better-sqlite3';
import { ROW_COLUMNS, type JournalRow } from './journal-schema.ts';

/** journal_meta's one row. */
export interface Meta {
  last_seq: number;
  acked_upto: number;
}

/** The journal's statements, prepared once per connection. */
export function prepareQueries(db: Database.Database) {
  const rows = (sql: string) => db.prepare<unknown[], JournalRow>(sql).raw(true);
  return {
    meta: db.prepare<[], Meta>('SELECT last_seq, acked_upto FROM journal_meta WHERE id = 1'),
    setLastSeq: db.prepare('UPDATE journal_meta SET last_seq = ? WHERE id = 1'),
    setAckedUpto: db.prepare('UPDATE journal_meta SET acked_upto = ? WHERE id = 1'),
    insert: db.prepare('INSERT INTO journal (seq, kind, at_ms, card, ref, body, crc) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    addTotals: db.prepare(
      `INSERT INTO totals (scope, key, count, amount_cents) VALUES (?, ?, ?, ?)
       ON CONFLICT (scope, key) DO UPDATE SET count = count + excluded.count, amount_cents = amount_cents + excluded.amount_cents`,
    ),
    totals: db.prepare<[string, string], { count: number; amount_cents: number }>(
      'SELECT count, amount_cents FROM totals WHERE scope = ? AND key = ?',
    ),
    totalsIn: db.prepare<[string], { key: string; count: number; amount_cents: number }>(
      'SELECT key, count, amount_cents FROM totals WHERE scope = ? ORDER BY key',
    ),
    seeCard: db.prepare(
      'INSERT INTO card_seen (card, counter) VALUES (?, ?) ON CONFLICT (card) DO UPDATE SET counter = max(counter, excluded.counter)',
    ),
    cardCounter: db.prepare<[number], number>('SELECT counter FROM card_seen WHERE card = ?').pluck(),
    get: rows(`SELECT ${ROW_COLUMNS} FROM journal WHERE seq = ?`),
    after: rows(`SELECT ${ROW_COLUMNS} FROM journal WHERE seq > ? ORDER BY seq LIMIT ?`),
    byCard: rows(`SELECT ${ROW_COLUMNS} FROM journal WHERE card = ? ORDER BY seq DESC LIMIT ?`),
    referencing: rows(`SELECT ${ROW_COLUMNS} FROM journal WHERE ref = ? ORDER BY seq LIMIT ?`),
    unacked: rows(`SELECT ${ROW_COLUMNS} FROM journal WHERE seq > ? ORDER BY seq LIMIT ?`),
    pruneCutoff: db
      .prepare<[number, number], number>('SELECT seq FROM journal WHERE seq <= ? ORDER BY seq DESC LIMIT 1 OFFSET ?')
      .pluck(),
    oldestSeq: db.prepare<[], number | null>('SELECT min(seq) FROM journal').pluck(),
    maxSeq: db.prepare<[], number | null>('SELECT max(seq) FROM journal').pluck(),
    deleteUpto: db.prepare('DELETE FROM journal WHERE seq <= ?'),
    countAll: db.prepare<[], number>('SELECT count(*) FROM journal').pluck(),
    countAfter: db.prepare<[number], number>('SELECT count(*) FROM journal WHERE seq > ?').pluck(),
    ackedAfter: db.prepare<[number], number>('SELECT count(*) FROM journal WHERE seq > ? AND acked != 0').pluck(),
  };
}

export type JournalQueries = ReturnType<typeof prepareQueries>;

/** Records of a kind that no record of the closing kinds (a JSON array, the first parameter) references. */
export type OpenRecordsQuery = (kind: string) => Database.Statement<unknown[], JournalRow>;

/**
 * One statement per kind, prepared on first use. The kind goes into the SQL as a literal
 * (checkKind allows no quotes) so SQLite can use its partial index.
 */
export function openRecordsQuery(db: Database.Database): OpenRecordsQuery {
  const byKind = new Map<string, Database.Statement<unknown[], JournalRow>>();
  return (kind) => {
    let q = byKind.get(kind);
    if (!q) {
      q = db
        .prepare<unknown[], JournalRow>(
          `SELECT ${ROW_COLUMNS} FROM journal AS j WHERE j.kind = '${kind}' AND NOT EXISTS (
           SELECT 1 FROM journal AS c WHERE c.ref = j.seq AND c.kind IN (SELECT value FROM json_each(?))
         ) ORDER BY j.seq LIMIT ?`,
        )
        .raw(true);
      byKind.set(kind, q);
    }
    return q;
  };
}
