import type Database from 'better-sqlite3';
import type { Logger } from '../core/log.ts';
import { checkCard } from './journal-args.ts';
import { openSqlite } from './sqlite-open.ts';

/**
 * Lost and cancelled card numbers, versioned, applied as deltas or snapshots.
 *
 * Its own SQLite file, not the journal's: SQLite has one writer per file, and
 * a 1,000,000-entry snapshot holds the write lock for 1.3–1.7 s here — in the
 * journal's file that would stall a sale's append behind it. A separate file
 * also means a damaged list can be deleted and fetched again without touching
 * money records. Same settings (WAL + synchronous=FULL): list writes are rare,
 * and a version that rolled back after a power cut would re-admit a lost card
 * until the next sync.
 *
 * `WITHOUT ROWID` with the card number as the key: the table is a single
 * B-tree of integers (11.5 MB for 1M entries), looked up in ~4 µs p50, ~8 µs
 * p99 (bench/blacklist.ts), with SQLite's small page cache rather than a
 * ~60 MB in-heap Set (libs.md). A rowid table keyed by the card measured the
 * same (5.4 µs, 10 MB) in a side-by-side run.
 */

/** design.md: lists must hold 1,000,000 entries; beyond that the backend is sending the wrong list. */
export const BLACKLIST_MAX_ENTRIES = 1_000_000;

const SCHEMA_VERSION = 1;
const SCHEMA_SQL = `
CREATE TABLE blacklist (card INTEGER PRIMARY KEY NOT NULL) WITHOUT ROWID;
CREATE TABLE blacklist_meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL,
  size INTEGER NOT NULL
);
INSERT INTO blacklist_meta (id, version, size) VALUES (1, 0, 0);
PRAGMA user_version = ${SCHEMA_VERSION};
`;

export class BlacklistError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlacklistError';
  }
}

interface Meta {
  version: number;
  size: number;
}

export class Blacklist {
  private readonly q;

  private constructor(
    private readonly db: Database.Database,
    private readonly log: Logger,
    readonly path: string,
  ) {
    this.q = {
      has: db.prepare<[number], number>('SELECT 1 FROM blacklist WHERE card = ?').pluck(),
      meta: db.prepare<[], Meta>('SELECT version, size FROM blacklist_meta WHERE id = 1'),
      setMeta: db.prepare('UPDATE blacklist_meta SET version = ?, size = ? WHERE id = 1'),
      add: db.prepare('INSERT OR IGNORE INTO blacklist (card) VALUES (?)'),
      remove: db.prepare('DELETE FROM blacklist WHERE card = ?'),
      clear: db.prepare('DELETE FROM blacklist'),
      count: db.prepare<[], number>('SELECT count(*) FROM blacklist').pluck(),
    };
  }

  /** Opens or creates the list file (`:memory:` for tests). */
  static open(opts: { path: string; log: Logger }): Blacklist {
    const { db } = openSqlite({ path: opts.path });
    try {
      ensureSchema(db, opts.path);
      const list = new Blacklist(db, opts.log, opts.path);
      const meta = list.meta();
      opts.log.info('blacklist.open', { path: opts.path, version: meta.version, size: meta.size });
      return list;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** True when the card is listed (lost or cancelled). */
  has(card: number): boolean {
    return this.q.has.get(checkCard(card)) !== undefined;
  }

  version(): number {
    return this.meta().version;
  }

  size(): number {
    return this.meta().size;
  }

  /**
   * Applies one delta atomically, only on top of the version it was made
   * from. Throws (nothing changed) on a version mismatch, a card both added
   * and removed, an invalid card number or a list that would exceed the limit.
   * Adding a listed card or removing an absent one is not an error (deltas
   * may overlap a snapshot).
   */
  applyDelta(fromVersion: number, toVersion: number, add: number[], remove: number[]): void {
    checkVersion(fromVersion, 'fromVersion');
    checkVersion(toVersion, 'toVersion');
    if (add.length + remove.length > BLACKLIST_MAX_ENTRIES) {
      throw new BlacklistError(`blacklist delta ${fromVersion}→${toVersion} has ${add.length + remove.length} entries (limit ${BLACKLIST_MAX_ENTRIES}); send a snapshot`);
    }
    if (!(toVersion > fromVersion)) throw new BlacklistError(`blacklist delta ${fromVersion}→${toVersion} does not move forward`);
    add.forEach(checkCard);
    remove.forEach(checkCard);
    const removing = new Set(remove);
    const both = add.find((c) => removing.has(c));
    if (both !== undefined) throw new BlacklistError(`blacklist delta ${fromVersion}→${toVersion} both adds and removes card ${both}`);
    const result = this.db
      .transaction(() => {
        const meta = this.meta();
        if (meta.version !== fromVersion) {
          throw new BlacklistError(`blacklist delta ${fromVersion}→${toVersion} does not apply: list is at version ${meta.version}`);
        }
        let size = meta.size;
        for (const card of remove) size -= this.q.remove.run(card).changes;
        for (const card of add) size += this.q.add.run(card).changes;
        if (size > BLACKLIST_MAX_ENTRIES) throw new BlacklistError(`blacklist delta ${fromVersion}→${toVersion} would make ${size} entries (limit ${BLACKLIST_MAX_ENTRIES})`);
        this.q.setMeta.run(toVersion, size);
        return { size, added: add.length, removed: remove.length };
      })
      .immediate();
    this.log.info('blacklist.delta', { fromVersion, toVersion, ...result });
  }

  /**
   * Replaces the whole list with a snapshot, atomically. The snapshot is
   * authoritative, so any version is accepted (a backend restored from backup
   * may go back); duplicates in `cards` count once.
   */
  replaceAll(version: number, cards: Iterable<number>): void {
    checkVersion(version, 'version');
    const sorted = collectSorted(cards);
    const result = this.db
      .transaction(() => {
        const before = this.meta();
        this.q.clear.run();
        let size = 0;
        // Ascending inserts fill B-tree pages left to right: 1.4 s vs 3.0 s in random order (1M, measured).
        for (let i = 0; i < sorted.length; i++) {
          if (i > 0 && sorted[i] === sorted[i - 1]) continue;
          this.q.add.run(sorted[i]);
          size++;
        }
        this.q.setMeta.run(version, size);
        return { size, previousVersion: before.version };
      })
      .immediate();
    this.log.info('blacklist.snapshot', { version, ...result });
  }

  /** Recounts the table: slow (a full scan), for tests and diagnostics, not for taps. */
  countEntries(): number {
    return this.q.count.get()!;
  }

  close(): void {
    this.db.close();
  }

  private meta(): Meta {
    const meta = this.q.meta.get();
    if (meta === undefined) throw new BlacklistError(`${this.path}: blacklist_meta row is missing; the file is damaged`);
    return meta;
  }
}

function ensureSchema(db: Database.Database, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === SCHEMA_VERSION) return;
  if (version !== 0) throw new BlacklistError(`${path}: blacklist schema version ${version}, this build reads version ${SCHEMA_VERSION}`);
  const tables = db.prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'table'`).pluck().get() as number;
  if (tables !== 0) throw new BlacklistError(`${path}: has tables but no blacklist schema version; not a blacklist file`);
  db.transaction(() => db.exec(SCHEMA_SQL)).immediate();
}

function checkVersion(version: number, what: string): void {
  if (!Number.isSafeInteger(version) || version < 0) throw new BlacklistError(`blacklist ${what} must be a non-negative integer, got ${version}`);
}

/** Validates, bounds and sorts a snapshot before the transaction starts, so a bad entry writes nothing. */
function collectSorted(cards: Iterable<number>): Uint32Array {
  const out: number[] = [];
  for (const card of cards) {
    checkCard(card);
    // Bound memory as we go: a runaway iterable must not exhaust the heap.
    if (out.length >= BLACKLIST_MAX_ENTRIES * 2) throw new BlacklistError(`blacklist snapshot has more than ${BLACKLIST_MAX_ENTRIES * 2} entries`);
    out.push(card);
  }
  const sorted = Uint32Array.from(out).sort();
  let unique = sorted.length === 0 ? 0 : 1;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) unique++;
  if (unique > BLACKLIST_MAX_ENTRIES) throw new BlacklistError(`blacklist snapshot has ${unique} cards (limit ${BLACKLIST_MAX_ENTRIES})`);
  return sorted;
}
