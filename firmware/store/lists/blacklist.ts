import type { Logger } from '../../core/log.ts';
import { checkCard } from '../journal/journal-args.ts';
import { addStagingAndDigest, ListError, type ListTableSpec } from './list-schema.ts';
import { ListFile } from './list-file.ts';

/**
 * Lost and cancelled card numbers (PROTOCOL.md §6.4 list 0), versioned,
 * applied as deltas (digest-checked, O(delta)) or as snapshots received
 * through a durable stage (firmware/store/lists/list-stage.ts).
 *
 * Its own SQLite file, not the journal's: SQLite has one writer per file, and
 * list writes must never stall a sale's append behind them. A separate file
 * also means a damaged list can be deleted and fetched again without touching
 * money records. Same settings (WAL + synchronous=FULL): list writes are rare,
 * and a version that rolled back after a power cut would re-admit a lost card
 * until the next sync.
 *
 * `WITHOUT ROWID` with the card number as the key: the table is a single
 * B-tree of integers (11.5 MB for 1M entries), looked up in ~4 µs p50, ~8 µs
 * p99 (bench/blacklist.ts), with SQLite's small page cache rather than a
 * ~60 MB in-heap Set (docs/dependencies.md). A rowid table keyed by the card measured the
 * same (5.4 µs, 10 MB) in a side-by-side run.
 */

/** Lists must hold 1,000,000 entries (docs/architecture.md "Limits"); beyond that the backend sends a wrong list. */
export const BLACKLIST_MAX_ENTRIES = 1_000_000;

/** 1: the list and its version; 2: + running digest and the snapshot stage. */
const SCHEMA_VERSION = 2;

export { ListError as BlacklistError };

export const BLACKLIST_SPEC: ListTableSpec<number> = {
  list: 'blacklist',
  extraColumns: [],
  maxEntries: BLACKLIST_MAX_ENTRIES,
  replaces: false,
  key: (card) => card,
  values: (card) => [card],
  fromRow: (row) => row[0] as number,
  check: (card) => void checkCard(card),
};

export class Blacklist extends ListFile<number> {
  /** Opens, creates or upgrades the list file (`:memory:` for tests). */
  static open(opts: { path: string; log: Logger }): Blacklist {
    const { db, table } = ListFile.openTable(opts, BLACKLIST_SPEC, SCHEMA_VERSION, {
      1: (db) => addStagingAndDigest(db, BLACKLIST_SPEC as ListTableSpec<unknown>),
    });
    return new Blacklist(db, table);
  }

  /** True when the card is listed (lost or cancelled). Never sees a snapshot still being staged. */
  has(card: number): boolean {
    return this.table.has(checkCard(card));
  }

  /** Recounts the table: slow (a full scan), for tests and diagnostics, not for taps. */
  countEntries(): number {
    return this.table.countEntries();
  }
}
