import type Database from 'better-sqlite3';
import { openSqlite } from '../base/sqlite-open.ts';
import { MEMBER_LEVELS_SQL } from './member-levels.ts';
import { POINTS_SQL } from './points.ts';

/**
 * The reference backend's one SQLite file (WAL + synchronous=FULL through
 * firmware/store/sqlite-open.ts, so an acknowledgement is never sent for a
 * record a power cut could take back). Opened EXCLUSIVE: one backend process
 * owns it, and admin commands reach that process over its admin endpoint
 * (docs/backend.md) instead of writing behind its back.
 *
 *   meta          master key, counters
 *   terminals     per terminal: high-water mark H and chain(H), last STATUS, list versions held
 *   terminal_keys enrolled keys (a derived key needs no row)
 *   terminal_key_state  key generations and rotations (made by key-rotation.ts, also in older files)
 *   records       every journal record, idempotent by (terminal, seq), with its chain value;
 *                 its body is in `batches` (body '' here), or in `body` for records stored by schema 1
 *   batches       each JOURNAL_BATCH payload as it arrived: the bodies, ~15 B a record instead of ~450 B of JSON
 *   card_tx       card.intent records and their outcome: the counter ledger per card
 *   alerts        what needs a person: clones, holes, conflicts
 *   list_meta / list_log   list versions, their digests and the change of each version
 *   blacklist, credits     the lists' current content
 *   accounts, auths        online accounts and every STAN booked
 *   commands      remote commands and their results
 *   configs       config versions pushed per terminal and the terminal's answer (CONFIG_SQL)
 *   credit_batches  each `credits import` file applied, by the hash of its rows: a re-import is refused
 */
export const SCHEMA_VERSION = 3;

/** Added after version 1 without a bump: a table only, created where missing (configs.ts reads it). */
const CONFIG_SQL = `
CREATE TABLE IF NOT EXISTS configs (
  corr_id INTEGER PRIMARY KEY, terminal INTEGER NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL,
  created_ms INTEGER NOT NULL, sent_ms INTEGER, status TEXT NOT NULL DEFAULT 'queued',
  in_force INTEGER, problem TEXT, acked_ms INTEGER, UNIQUE (terminal, version)
);
`;

/** One row per imported credits file (credit-import.ts); rows_hash makes the same file land once. */
const CREDIT_BATCHES_SQL = `
CREATE TABLE IF NOT EXISTS credit_batches (
  id INTEGER PRIMARY KEY, rows_hash TEXT NOT NULL UNIQUE, row_count INTEGER NOT NULL,
  total_cents INTEGER NOT NULL, credits_version INTEGER NOT NULL, imported_ms INTEGER NOT NULL
);`;

const SCHEMA_SQL = `
CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE terminals (
  id INTEGER PRIMARY KEY NOT NULL,
  high_seq INTEGER NOT NULL DEFAULT 0,
  chain_head BLOB NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  firmware TEXT,
  status TEXT,
  held_blacklist INTEGER,
  held_credits INTEGER
);
CREATE TABLE terminal_keys (terminal INTEGER NOT NULL, key_id INTEGER NOT NULL, key BLOB NOT NULL, PRIMARY KEY (terminal, key_id)) WITHOUT ROWID;
CREATE TABLE records (
  terminal INTEGER NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, at_ms INTEGER NOT NULL,
  card INTEGER, ref INTEGER, body TEXT NOT NULL, chain BLOB NOT NULL, arrival INTEGER NOT NULL, batch INTEGER,
  PRIMARY KEY (terminal, seq)
) WITHOUT ROWID;
CREATE TABLE batches (id INTEGER PRIMARY KEY, terminal INTEGER NOT NULL, payload BLOB NOT NULL);
CREATE TABLE card_tx (
  terminal INTEGER NOT NULL, seq INTEGER NOT NULL, card INTEGER NOT NULL, tx TEXT NOT NULL,
  counter_before INTEGER NOT NULL, counter_after INTEGER NOT NULL, charged INTEGER NOT NULL,
  writer_before INTEGER NOT NULL, other_counter INTEGER, other_writer INTEGER,
  next TEXT NOT NULL, outcome TEXT NOT NULL DEFAULT 'open',
  PRIMARY KEY (terminal, seq)
) WITHOUT ROWID;
-- Also how ledger.ts finds the landed write at a counter: one landed write per counter, a second is a clone.
CREATE INDEX card_tx_by_card ON card_tx (card, counter_after);
CREATE TABLE alerts (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, kind TEXT NOT NULL, card INTEGER, terminal INTEGER, detail TEXT NOT NULL);
CREATE TABLE list_meta (list TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL, d_count INTEGER NOT NULL, d_a INTEGER NOT NULL, d_b INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO list_meta VALUES ('blacklist', 0, 0, 0, 0), ('credits', 0, 0, 0, 0);
CREATE TABLE list_log (list TEXT NOT NULL, version INTEGER NOT NULL, k1 INTEGER NOT NULL, k2 INTEGER NOT NULL, op INTEGER NOT NULL, PRIMARY KEY (list, version, k1, k2)) WITHOUT ROWID;
CREATE TABLE blacklist (card INTEGER PRIMARY KEY NOT NULL, reason TEXT NOT NULL, at_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE credits (
  card INTEGER NOT NULL, credit_seq INTEGER NOT NULL, amount INTEGER NOT NULL, purse TEXT NOT NULL, reason TEXT NOT NULL,
  expiry_day INTEGER NOT NULL, issued_ms INTEGER NOT NULL, applied_ms INTEGER,
  PRIMARY KEY (card, credit_seq)
) WITHOUT ROWID;
CREATE TABLE accounts (card INTEGER PRIMARY KEY NOT NULL, balance_cents INTEGER NOT NULL);
CREATE TABLE auths (
  terminal INTEGER NOT NULL, stan INTEGER NOT NULL, card INTEGER NOT NULL, amount_cents INTEGER NOT NULL,
  state TEXT NOT NULL, reason TEXT NOT NULL, auth_code INTEGER NOT NULL, balance_after INTEGER NOT NULL,
  charged_cents INTEGER NOT NULL, at_ms INTEGER NOT NULL,
  PRIMARY KEY (terminal, stan)
) WITHOUT ROWID;
CREATE TABLE commands (
  corr_id INTEGER PRIMARY KEY, terminal INTEGER NOT NULL, command TEXT NOT NULL, created_ms INTEGER NOT NULL,
  sent_ms INTEGER, status TEXT NOT NULL DEFAULT 'queued', detail TEXT
);
${CREDIT_BATCHES_SQL}
PRAGMA user_version = ${SCHEMA_VERSION};
`;

/** Schema 1 kept each body as JSON in `records`: those rows stay as they are, new ones point at their batch. */
const MIGRATE_1_TO_2 = `
ALTER TABLE records ADD COLUMN batch INTEGER;
DROP INDEX IF EXISTS card_tx_landed;
CREATE TABLE batches (id INTEGER PRIMARY KEY, terminal INTEGER NOT NULL, payload BLOB NOT NULL);
PRAGMA user_version = 2;
`;

/** Schema 3 adds the credit batches (IF NOT EXISTS: a test may fake an older file from a newer one). */
const MIGRATE_2_TO_3 = `
${CREDIT_BATCHES_SQL}
PRAGMA user_version = 3;
`;

/** A server's page cache (SQLite's default is 2 MB): card-ordered ledger indexes are written at random places. */
const CACHE_KIB = 65_536;

export function openBackendDb(path: string): Database.Database {
  const { db } = openSqlite({ path });
  db.pragma(`cache_size = -${CACHE_KIB}`);
  // The file holds the master key every terminal key derives from: openSqlite makes it owner-only (0600).
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION)
      throw new Error(`${path}: backend schema version ${version}, this build reads ${SCHEMA_VERSION}`);
    if (version === 0) db.transaction(() => db.exec(SCHEMA_SQL)).immediate();
    // Step by step in one transaction: a file from any older build ends at SCHEMA_VERSION or stays as it was.
    else if (version < SCHEMA_VERSION)
      db.transaction(() => {
        if (version < 2) db.exec(MIGRATE_1_TO_2);
        db.exec(MIGRATE_2_TO_3);
      }).immediate();
    db.exec(CONFIG_SQL);
    // Member points (points.ts): tables only, created where missing, like CONFIG_SQL.
    db.exec(POINTS_SQL);
    db.exec(MEMBER_LEVELS_SQL);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Small typed access to the meta table. */
export class Meta {
  private readonly get;
  private readonly put;
  constructor(db: Database.Database) {
    this.get = db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck();
    this.put = db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }
  read(key: string): string | undefined {
    return this.get.get(key);
  }
  write(key: string, value: string): void {
    this.put.run(key, value);
  }
}

export function recordAlert(
  db: Database.Database,
  a: { atMs: number; kind: string; card?: number | null; terminal?: number | null; detail: string },
): void {
  db.prepare('INSERT INTO alerts (at_ms, kind, card, terminal, detail) VALUES (?, ?, ?, ?, ?)').run(
    a.atMs,
    a.kind,
    a.card ?? null,
    a.terminal ?? null,
    a.detail,
  );
}
