import type Database from 'better-sqlite3';
import type { Logger } from '../../core/log.ts';
import { ListError, listSchemaSql, type ListTableSpec } from './list-schema.ts';
import type { ListStage } from './list-stage.ts';
import { ListTable } from './list-table.ts';
import { durabilityOf, openSqlite, type Durability } from '../../../base/sqlite-open.ts';

/**
 * What every versioned list file (blacklist.ts, grants.ts) offers the sync
 * client (PROTOCOL.md §6.4) over its one ListTable: version, size, digest,
 * the snapshot stage, digest-checked deltas and whole replacements. The
 * subclasses add their lookups and open their files through `openTable`.
 */
export abstract class ListFile<E> {
  protected constructor(
    protected readonly db: Database.Database,
    protected readonly table: ListTable<E>,
  ) {}

  /**
   * Opens or creates a list file (`:memory:` for tests) at `schemaVersion`;
   * `upgrades[v]` brings a file of version v to v + 1, in one transaction.
   * A file with tables but no version is someone else's: refused.
   */
  protected static openTable<E>(
    opts: { path: string; log: Logger },
    spec: ListTableSpec<E>,
    schemaVersion: number,
    upgrades: Record<number, (db: Database.Database) => void> = {},
  ): { db: Database.Database; table: ListTable<E> } {
    const { path, log } = opts;
    const { db } = openSqlite({ path });
    try {
      const L = spec.list;
      let version = db.pragma('user_version', { simple: true }) as number;
      if (version === 0) {
        const tables = db.prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'table'`).pluck().get() as number;
        if (tables !== 0)
          throw new ListError('invalid', `${path}: has tables but no ${L} schema version; not a ${L} file`);
        db.transaction(() => {
          db.exec(listSchemaSql(spec as ListTableSpec<unknown>));
          db.pragma(`user_version = ${schemaVersion}`);
        }).immediate();
        version = schemaVersion;
      }
      for (const from = version; version < schemaVersion && upgrades[version]; version++) {
        const upgrade = upgrades[version];
        db.transaction(() => {
          upgrade(db);
          db.pragma(`user_version = ${version + 1}`);
        }).immediate();
        if (version + 1 === schemaVersion) log.info(`${L}.upgraded`, { path, from, to: schemaVersion });
      }
      if (version !== schemaVersion)
        throw new ListError(
          'invalid',
          `${path}: ${L} schema version ${version}, this build reads version ${schemaVersion}`,
        );
      const table = new ListTable(db, spec, log, path);
      const meta = table.meta();
      log.info(`${L}.open`, { path, version: meta.version, size: meta.size, staged: table.staged()?.version ?? null });
      return { db, table };
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** The connection's journal mode and synchronous level (what makes a commit durable). */
  durability(): Durability {
    return durabilityOf(this.db);
  }

  version(): number {
    return this.table.meta().version;
  }

  size(): number {
    return this.table.meta().size;
  }

  /** The §6.4 digest of the live list (12 bytes). */
  digest(): Uint8Array {
    return this.table.meta().digest.bytes();
  }

  /** The snapshot stage (the sync client's ListApplier writes it chunk by chunk). */
  get stage(): ListStage<E> {
    return this.table.stage;
  }

  /**
   * Applies one delta atomically, only on top of the version it was made
   * from; with `expectedDigest`, only if the list then has that digest.
   * Throws ListError (nothing changed) on a version or digest mismatch, an
   * entry both added and removed, an invalid entry or a list that would
   * exceed its limit. Adding a listed key (grants: replacing its entry) or
   * removing an absent one is not an error (deltas may overlap a snapshot).
   */
  applyDelta(
    fromVersion: number,
    toVersion: number,
    add: readonly E[],
    remove: readonly number[],
    expectedDigest?: Uint8Array,
  ): void {
    this.table.applyDelta(fromVersion, toVersion, add, remove, expectedDigest);
  }

  /**
   * Replaces the whole list, atomically (setup, tests). A snapshot is
   * authoritative, so any version is accepted (a backend restored from backup
   * may go back); duplicate keys count once.
   */
  replaceAll(version: number, entries: Iterable<E>): void {
    this.table.replaceAll(version, entries);
  }

  close(): void {
    this.db.close();
  }
}
