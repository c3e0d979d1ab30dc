import type Database from 'better-sqlite3';
import { KIND } from '../../../protocol/messages/record-kinds.ts';

/**
 * The journal's tables. Bump JOURNAL_SCHEMA_VERSION (PRAGMA user_version) and
 * add a migration when this changes: terminals in the field keep their files.
 *
 * - journal: one row per record. `seq` is the rowid (no extra index). The
 *   CRC covers (seq, kind, at_ms, card, ref, body). `acked` is no longer
 *   written (always 0): acknowledgement is journal_meta.acked_upto alone, so an
 *   ack rewrites one row, not every acknowledged record (that doubled the
 *   bytes written to the SD card). A row with acked = 1 beyond acked_upto
 *   still means the file was altered (recovery checks it).
 * - Indexes: card and ref are partial (records without them cost nothing
 *   there); open() uses one partial index per OPENABLE_KINDS entry. Measured here, CPU cost per insert without
 *   fsync: 15.5 µs bare, 18.7 µs with card+ref, 29 µs with kind too — against
 *   ~250–300 µs for the fsync'd commit on this disk (bench/journal.ts).
 *   Acknowledgement is cumulative, so unacked records are exactly
 *   seq > acked_upto, a rowid range.
 * - journal_meta: a single row; last_seq is the highest seq ever assigned
 *   (pruning deletes rows, so max(seq) could go back and be reused),
 *   acked_upto the highest acknowledged one.
 * - totals: day/shift counters, updated in the same transaction as the row.
 * - card_seen: the highest purse counter seen per card, same transaction: a
 *   card below it is a restored dump (O(1) lookup at every tap).
 * - journal_meta.last_seq: written before each prune (max(seq) covers appends).
 */
export const JOURNAL_SCHEMA_VERSION = 2;

/**
 * Kinds that Journal.open() finds fast: each gets a partial index, so only
 * records of these kinds pay for an index entry (one page less per fsync for
 * every other record). open() on any other kind still works, by a table scan.
 */
export const OPENABLE_KINDS = [KIND.intent, KIND.signIn, KIND.onlineRequest] as const;

const openIndexSql = (kind: string) =>
  `CREATE INDEX IF NOT EXISTS "journal_open_${kind}" ON journal(seq) WHERE kind = '${kind}';`;

/**
 * From each older version to the next, run in one transaction at open. 1 → 2:
 * online.request became openable; the restart's open() of it scanned every
 * record (~0.1 s on a 1,000,000-record journal here, before the first tap).
 */
const MIGRATIONS: Record<number, string> = {
  1: `${openIndexSql(KIND.onlineRequest)}\nPRAGMA user_version = 2;`,
};

const SCHEMA_SQL = `
CREATE TABLE journal (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  card INTEGER,
  ref INTEGER,
  body TEXT NOT NULL,
  crc INTEGER NOT NULL,
  acked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX journal_card ON journal(card) WHERE card IS NOT NULL;
CREATE INDEX journal_ref ON journal(ref) WHERE ref IS NOT NULL;
${OPENABLE_KINDS.map(openIndexSql).join('\n')}
CREATE TABLE journal_meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_seq INTEGER NOT NULL,
  acked_upto INTEGER NOT NULL
);
INSERT INTO journal_meta (id, last_seq, acked_upto) VALUES (1, 0, 0);
CREATE TABLE card_seen (
  card INTEGER PRIMARY KEY,
  counter INTEGER NOT NULL
);
CREATE TABLE totals (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  count INTEGER NOT NULL,
  amount_cents INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
PRAGMA user_version = ${JOURNAL_SCHEMA_VERSION};
`;

/** Creates the tables in a new file, or checks an existing file is a journal of this version. */
export function ensureJournalSchema(db: Database.Database, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === JOURNAL_SCHEMA_VERSION) return;
  if (MIGRATIONS[version] !== undefined) {
    db.transaction(() => {
      for (let v = version; v < JOURNAL_SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    }).immediate();
    return;
  }
  if (version === 0) {
    const tables = db.prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'table'`).pluck().get() as number;
    if (tables !== 0) throw new Error(`${path}: has tables but no journal schema version; not a journal file`);
    db.transaction(() => db.exec(SCHEMA_SQL)).immediate();
    return;
  }
  throw new Error(`${path}: journal schema version ${version}, this build reads version ${JOURNAL_SCHEMA_VERSION}`);
}

/**
 * A journal row as stored, read as an array (better-sqlite3 raw mode): the
 * upload reads every record, and an object per row cost a third of the read.
 */
export type JournalRow = [
  seq: number,
  kind: string,
  atMs: number,
  card: number | null,
  ref: number | null,
  body: string,
  crc: number,
];

export const ROW_COLUMNS = 'seq, kind, at_ms, card, ref, body, crc';
