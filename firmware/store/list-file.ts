import type Database from 'better-sqlite3';
import type { ListStage } from './list-stage.ts';
import type { ListTable } from './list-table.ts';

/**
 * What every versioned list file (blacklist.ts, grants.ts) offers the sync
 * client (PROTOCOL.md §6.4) over its one ListTable: version, size, digest,
 * the snapshot stage, digest-checked deltas and whole replacements. The
 * subclasses add their lookups and open their own files.
 */
export abstract class ListFile<E> {
  protected constructor(
    protected readonly db: Database.Database,
    protected readonly table: ListTable<E>,
  ) {}

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
  applyDelta(fromVersion: number, toVersion: number, add: readonly E[], remove: readonly number[], expectedDigest?: Uint8Array): void {
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
