import type Database from 'better-sqlite3';
import { ListDigest } from '../../../protocol/index.ts';
export { sameBytes } from '../../../protocol/index.ts';

/**
 * What a versioned list keyed by card number (PROTOCOL.md §6.4: the
 * blacklist, list 0, and door grants, list 1) looks like in a terminal's
 * SQLite file, shared by firmware/store/lists/list-table.ts (the live list) and
 * list-stage.ts (a snapshot being received). Per list `L`:
 *
 *   L               the live list, the only table a tap reads
 *   L_meta          one row: version, size and the running digest (count, sumA, sumB),
 *                   kept in O(change) so a delta is checked without a scan
 *   L_stage         a snapshot being received, chunk by chunk, invisible to taps
 *   L_stage_meta    zero or one row: which snapshot is staged, its expected digest,
 *                   and the running digest and size of what is staged so far
 *   L_stage_chunks  the chunk indexes staged completely
 */
export type KeyedListId = 'blacklist' | 'grants' | 'holders';

/** Which §6.4 ack status a refused change maps to. */
export type ListErrorStatus = 'version-mismatch' | 'digest-mismatch' | 'chunk-error' | 'too-large' | 'invalid';

export class ListError extends Error {
  constructor(
    readonly status: ListErrorStatus,
    message: string,
  ) {
    super(message);
    this.name = 'ListError';
  }
}

export interface ListTableSpec<E> {
  list: KeyedListId;
  /** Columns after the key `card INTEGER PRIMARY KEY NOT NULL`, e.g. ['doors INTEGER NOT NULL']. */
  extraColumns: readonly string[];
  /** Design.md: a list holds up to 1,000,000 entries; beyond is the wrong list. */
  maxEntries: number;
  /** True when an add may replace the entry already held under its key (grants: one per card). */
  replaces: boolean;
  key(e: E): number;
  /** The row, key first, in column order. */
  values(e: E): (number | string)[];
  fromRow(row: unknown[]): E;
  /** Throws a RangeError naming a malformed entry. */
  check(e: E): void;
}

export interface ListMeta {
  version: number;
  size: number;
  digest: ListDigest;
}

export function columnsOf(spec: ListTableSpec<unknown>): string {
  return ['card INTEGER PRIMARY KEY NOT NULL', ...spec.extraColumns].join(', ');
}

export function columnNames(spec: ListTableSpec<unknown>): string[] {
  return ['card', ...spec.extraColumns.map((c) => c.split(' ')[0])];
}

/** The stage's tables alone (created again empty after each switch or discard). */
export function stageTableSql(spec: ListTableSpec<unknown>): string {
  return `CREATE TABLE ${spec.list}_stage (${columnsOf(spec)}) WITHOUT ROWID;`;
}

function stageSql(spec: ListTableSpec<unknown>): string {
  const L = spec.list;
  return `
${stageTableSql(spec)}
CREATE TABLE ${L}_stage_meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL, chunk_count INTEGER NOT NULL, total_entries INTEGER NOT NULL, digest BLOB NOT NULL,
  size INTEGER NOT NULL, d_count INTEGER NOT NULL, d_a INTEGER NOT NULL, d_b INTEGER NOT NULL
);
CREATE TABLE ${L}_stage_chunks (chunk INTEGER PRIMARY KEY NOT NULL);
`;
}

/** Every table of a new list file. */
export function listSchemaSql(spec: ListTableSpec<unknown>): string {
  const L = spec.list;
  return `
CREATE TABLE ${L} (${columnsOf(spec)}) WITHOUT ROWID;
CREATE TABLE ${L}_meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL,
  size INTEGER NOT NULL,
  d_count INTEGER NOT NULL DEFAULT 0,
  d_a INTEGER NOT NULL DEFAULT 0,
  d_b INTEGER NOT NULL DEFAULT 0
);
INSERT INTO ${L}_meta (id, version, size) VALUES (1, 0, 0);
${stageSql(spec)}`;
}

/**
 * Brings a list made before staging and running digests (blacklist schema 1)
 * up to date: the digest columns, computed once by a full scan (~0.5 s for
 * 1M cards, once per terminal), and the stage tables. Inside the caller's transaction.
 */
export function addStagingAndDigest(db: Database.Database, spec: ListTableSpec<unknown>): void {
  const L = spec.list;
  for (const c of ['d_count', 'd_a', 'd_b'])
    db.exec(`ALTER TABLE ${L}_meta ADD COLUMN ${c} INTEGER NOT NULL DEFAULT 0`);
  db.exec(stageSql(spec));
  const d = new ListDigest();
  for (const row of db
    .prepare(`SELECT ${columnNames(spec).join(', ')} FROM ${L}`)
    .raw()
    .iterate() as Iterable<unknown[]>)
    d.add(spec.list, spec.fromRow(row) as never);
  db.prepare(`UPDATE ${L}_meta SET size = ?, d_count = ?, d_a = ?, d_b = ? WHERE id = 1`).run(
    d.count,
    d.count,
    d.a,
    d.b,
  );
}

export function checkVersion(list: string, version: number, what: string): void {
  if (!Number.isSafeInteger(version) || version < 0)
    throw new ListError('invalid', `${list} ${what} must be a non-negative integer, got ${version}`);
}

export function digestHex(d: Uint8Array): string {
  return Buffer.from(d).toString('hex');
}
