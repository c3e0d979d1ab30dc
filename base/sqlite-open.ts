import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, fchmodSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDirectory } from './durable-file.ts';

/**
 * One way to open a SQLite file for terminal state: WAL + synchronous=FULL,
 * measured at ~123 µs per durable commit here (docs/dependencies.md).
 * - WAL: a commit appends to the -wal file (one fsync) instead of rewriting
 *   pages twice, and a torn tail is dropped on open by the WAL's own frame
 *   checksums, so recovery is SQLite's, not ours.
 * - synchronous=FULL: in WAL mode, NORMAL may lose the last commits on power
 *   loss; FULL fsyncs the WAL at every commit, so a commit that returned survives.
 * - wal_autocheckpoint stays at SQLite's default (1000 pages), except for the
 *   journal, which runs its checkpoints off the tap path (journal/journal-sync.ts)
 *   and bounds its -wal with journal_size_limit (SQLite's default: never truncated).
 * - locking_mode=EXCLUSIVE: see below.
 */
export interface SqliteOpenOptions {
  path: string;
  /** Page size for a new file (512..65536, power of two); ignored for an existing one. */
  pageSizeBytes?: number;
}

export interface OpenedSqlite {
  db: Database.Database;
  /** True when this call created the file. */
  created: boolean;
}

/**
 * Every store file holds records or keys: owner only, whatever the umask and
 * whether or not the directory around it is private. SQLite creates the -wal
 * (and a -shm) with the main file's mode, so setting it on the main file covers them.
 */
export const STORE_FILE_MODE = 0o600;
const GROUP_OTHER_BITS = 0o077;
/** The files SQLite keeps beside a database. */
const SIDE_FILE_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

/** What makes a commit survive a power cut, as the connection has it (for checks and tests). */
export interface Durability {
  journalMode: string;
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  synchronous: number;
}

export function durabilityOf(db: Database.Database): Durability {
  return {
    journalMode: String(db.pragma('journal_mode', { simple: true })),
    synchronous: Number(db.pragma('synchronous', { simple: true })),
  };
}

/**
 * Runs a write without its fsync: synchronous=NORMAL for that one commit. In WAL
 * mode the commit is still written to the -wal file (a crash of the process
 * keeps it) but reaches the disk only at the connection's next FULL commit, at a
 * checkpoint, or when the -wal is fsync'd. Only for writes whose loss at a power
 * cut the store recovers from records that were durable before them
 * (docs/journal.md, "What may wait for its fsync").
 */
export type UnsyncedWrite = <T>(write: () => T) => T;

const SYNCHRONOUS_NORMAL = 1;
const SYNCHRONOUS_FULL = 2;

export function unsyncedWriter(db: Database.Database): UnsyncedWrite {
  // A *prepared* PRAGMA statement, set or read, answers with its value at prepare time on its first run
  // (seen here: the setting did not take), so both go through a fresh statement each time (~3 µs in all),
  // and the setting is read back: a pair around the write.
  const set = (value: number, name: string) => {
    db.exec(`PRAGMA synchronous = ${name}`);
    const now = db.pragma('synchronous', { simple: true });
    if (now !== value) throw new Error(`bug: synchronous is ${String(now)}, not ${name}`);
  };
  return (write) => {
    set(SYNCHRONOUS_NORMAL, 'NORMAL');
    try {
      return write();
    } finally {
      // Back to FULL whatever happened: every other commit on this connection stays durable on return.
      set(SYNCHRONOUS_FULL, 'FULL');
    }
  };
}

const PAGE_SIZE_MIN_BYTES = 512;
const PAGE_SIZE_MAX_BYTES = 65536;

export function openSqlite(opts: SqliteOpenOptions): OpenedSqlite {
  const { path, pageSizeBytes } = opts;
  if (pageSizeBytes !== undefined && !isValidPageSize(pageSizeBytes)) {
    throw new Error(
      `${path}: page size must be a power of two in ${PAGE_SIZE_MIN_BYTES}..${PAGE_SIZE_MAX_BYTES}, got ${pageSizeBytes}`,
    );
  }
  const inMemory = path === ':memory:';
  const created = !inMemory && !existsSync(path);
  let db: Database.Database;
  try {
    if (created) createOwnerOnly(path);
    else if (!inMemory) tightenModes(path);
    db = new Database(path);
  } catch (err) {
    throw new Error(`${path}: cannot open database (${(err as Error).message})`);
  }
  try {
    // page_size only takes effect before the first write of a fresh file, and
    // a WAL-mode file can never change it: set it before enabling WAL.
    if (pageSizeBytes !== undefined) db.pragma(`page_size = ${pageSizeBytes}`);
    // One process owns a terminal's state: an exclusive lock keeps a second
    // process (a stray copy of the runtime) out, and lets WAL keep its index in
    // process memory instead of a -shm file — fewer syscalls per commit
    // (measured 0.87 → 0.90 of a bare write+fsync here). Set before WAL so no -shm is made.
    if (!inMemory) db.pragma('locking_mode = EXCLUSIVE');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (!inMemory && mode !== 'wal') throw new Error(`journal_mode is ${String(mode)}, WAL could not be enabled`);
    db.pragma('synchronous = FULL');
  } catch (err) {
    db.close();
    throw new Error(`${path}: ${(err as Error).message}`);
  }
  // SQLite fsyncs the directory for a new -wal file but not for a new main
  // file: without this, a power cut could lose the whole file's directory entry.
  if (created) fsyncDirectory(dirname(path));
  return { db, created };
}

/** An empty file is an empty SQLite database: made here so it is owner-only from its first byte. */
function createOwnerOnly(path: string): void {
  const fd = openSync(path, 'wx', STORE_FILE_MODE);
  try {
    // The umask can only remove bits; fchmod makes the mode exact.
    fchmodSync(fd, STORE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/** A file made by an older build (0644) is closed to group and others before it is used again. */
function tightenModes(path: string): void {
  for (const f of [path, ...SIDE_FILE_SUFFIXES.map((s) => `${path}${s}`)]) {
    if (existsSync(f) && (statSync(f).mode & GROUP_OTHER_BITS) !== 0) chmodSync(f, STORE_FILE_MODE);
  }
}

function isValidPageSize(n: number): boolean {
  return Number.isInteger(n) && n >= PAGE_SIZE_MIN_BYTES && n <= PAGE_SIZE_MAX_BYTES && (n & (n - 1)) === 0;
}
