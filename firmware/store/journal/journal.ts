import type Database from 'better-sqlite3';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/log.ts';
import {
  checkCard,
  checkCounter,
  checkKind,
  checkLimit,
  checkSeq,
  checkTotals,
  READ_RECORDS_MAX,
  type AppendOptions,
} from './journal-args.ts';
import { encodeBody } from './journal-body.ts';
import { rowToRecord, type JournalRecord } from './journal-codec.ts';
import { ensureJournalSchema, type JournalRow } from './journal-schema.ts';
import {
  openRecordsQuery,
  prepareQueries,
  type JournalQueries,
  type Meta,
  type OpenRecordsQuery,
} from './journal-queries.ts';
import { recoverJournal } from './journal-recovery.ts';
import { prepareWrites, type JournalWrites } from './journal-writes.ts';
import type { RecordBodies } from '../../../protocol/messages/record-kinds.ts';
import { durabilityOf, openSqlite, type Durability } from '../../../base/sqlite-open.ts';
import type { Scheduler } from '../../sync/scheduler.ts';
import { JournalSync } from './journal-sync.ts';

export type { AppendOptions, TotalsDelta } from './journal-args.ts';
export { isRecordOf, type JournalRecord } from './journal-codec.ts';
export { DEFERRED_SYNC_DELAY_MS } from './journal-sync.ts';
export { RECOVERY_TAIL_RECORDS } from './journal-recovery.ts';
export { PRUNE_BATCH_MAX } from './journal-writes.ts';

/** Runs one append's transaction: as it is (append), or without its fsync (appendDeferred). */
type Commit = (tx: () => number) => number;

/**
 * The money journal: append-only records with terminal-local sequence numbers.
 *
 * Contract:
 * - `append` is all-or-nothing: the record and its totals commit in one
 *   transaction that is fsync'd (synchronous=FULL) before it returns; if it
 *   throws, nothing was written. `appendDeferred` is the same transaction
 *   without its fsync, which follows within DEFERRED_SYNC_DELAY_MS (journal-sync.ts).
 * - seq is strictly increasing and never reused, even after pruning.
 * - A record leaves only through `pruneAcked`, and only once acknowledged.
 * - A record whose CRC fails is logged, counted and returned flagged
 *   (`corrupt: true`), never deleted or rewritten.
 * - One writer: a Journal owns its file (other connections may read).
 */
export class Journal<M extends object = RecordBodies> {
  private readonly corruptSeqs = new Set<number>();
  private lastSeqMem = 0;
  /** journal_meta.acked_upto, mirrored: a read says whether each record is acknowledged. */
  private ackedUptoMem = 0;
  private readonly q: JournalQueries;
  private readonly openRecords: OpenRecordsQuery;
  private readonly writes: JournalWrites;

  private constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
    private readonly log: Logger,
    readonly path: string,
    private readonly sync: JournalSync,
  ) {
    this.q = prepareQueries(db);
    this.openRecords = openRecordsQuery(db);
    this.writes = prepareWrites(
      db,
      this.q,
      () => this.lastSeqMem,
      () => this.meta(),
    );
  }

  /** Opens (creating if needed) and recovers: SQLite replays its WAL, then CRCs are checked. */
  static open<M extends object = RecordBodies>(opts: {
    path: string;
    clock: Clock;
    log: Logger;
    pageSizeBytes?: number;
    /** Runs the deferred records' fsync (journal-sync.ts); real timers unless a simulation hands in its own. */
    scheduler?: Scheduler;
    /** The bench's baseline only: appendDeferred fsyncs too, as every record did before. */
    everyRecordSynced?: boolean;
  }): Journal<M> {
    const { db } = openSqlite({ path: opts.path, pageSizeBytes: opts.pageSizeBytes });
    try {
      ensureJournalSchema(db, opts.path);
      const sync = new JournalSync(db, opts.path, opts.log, !!opts.everyRecordSynced, opts.scheduler);
      const journal = new Journal<M>(db, opts.clock, opts.log, opts.path, sync);
      journal.recover();
      return journal;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** The body is checked at compile time against the kind's (RecordBodies), and at run time by encodeBody. */
  append<K extends keyof M & string>(kind: K, body: M[K], opts: AppendOptions = {}): JournalRecord<M[K]> {
    const record = this.write(kind, body, opts, (tx) => tx());
    this.sync.synced(1);
    return record;
  }

  /**
   * As append, but returns before the fsync (journal-sync.ts bounds the wait).
   * Only for a record whose loss at a power cut is recovered from one already
   * durable: a card write's outcome, which the card settles again from its intent.
   */
  appendDeferred<K extends keyof M & string>(kind: K, body: M[K], opts: AppendOptions = {}): JournalRecord<M[K]> {
    return this.write(kind, body, opts, (tx) => this.sync.deferred(tx));
  }

  private write<K extends keyof M & string>(kind: K, body: M[K], opts: AppendOptions, commit: Commit) {
    checkKind(kind);
    const card = opts.card === undefined ? null : checkCard(opts.card);
    const ref = opts.ref === undefined ? null : checkSeq(opts.ref, 'ref');
    const totals = checkTotals(opts.totals);
    const text = encodeBody(kind, body);
    const atMs = this.clock.nowMs();
    if (!Number.isSafeInteger(atMs)) throw new RangeError(`clock gave ${atMs}, not a whole number of ms`);
    const cardCounter = opts.cardCounter === undefined ? null : checkCounter(opts.cardCounter);
    const seq = commit(() => this.writes.append(kind, atMs, card, ref, text, totals, cardCounter));
    this.lastSeqMem = seq;
    // The parsed text, not the caller's object: exactly what a later read returns.
    return { seq, kind, atMs, card, ref, body: JSON.parse(text) as M[K], acked: false };
  }

  get(seq: number): JournalRecord | undefined {
    const row = this.q.get.get(checkSeq(seq, 'seq'));
    return row === undefined ? undefined : this.toRecord(row);
  }

  after(seq: number, limit: number): JournalRecord[] {
    return this.toRecords(this.q.after.all(checkSeq(seq, 'seq'), checkLimit(limit)));
  }

  byCard(card: number, limit: number): JournalRecord[] {
    return this.toRecords(this.q.byCard.all(checkCard(card), checkLimit(limit)));
  }

  /** At most READ_RECORDS_MAX, oldest first. */
  referencing(seq: number): JournalRecord[] {
    return this.toRecords(this.q.referencing.all(checkSeq(seq, 'seq'), READ_RECORDS_MAX));
  }

  /**
   * Records of `kind` that no record of a closing kind references (e.g. a
   * 'sale.begin' without 'sale.commit' or 'sale.abort'), oldest first. At most
   * READ_RECORDS_MAX: close those and ask again.
   */
  open<K extends keyof M & string>(kind: K, closingKinds: readonly (keyof M & string)[]): JournalRecord<M[K]>[] {
    checkKind(kind);
    closingKinds.forEach(checkKind);
    const rows = this.openRecords(kind).all(JSON.stringify(closingKinds), READ_RECORDS_MAX);
    if (rows.length === READ_RECORDS_MAX) this.log.warn('journal.open-truncated', { kind, limit: READ_RECORDS_MAX });
    // A record of `kind` was appended with M[kind]'s body (append's type); a corrupt one is flagged.
    return this.toRecords(rows) as JournalRecord<never>[];
  }

  unacked(limit: number): JournalRecord[] {
    return this.toRecords(this.q.unacked.all(this.meta().acked_upto, checkLimit(limit)));
  }

  /** Acknowledges every record up to `uptoSeq` (cumulative, idempotent); returns how many changed. */
  ack(uptoSeq: number): number {
    const changed = this.writes.ack(checkSeq(uptoSeq, 'ack seq'));
    if (changed > 0) this.sync.synced(0);
    this.ackedUptoMem = Math.max(this.ackedUptoMem, uptoSeq);
    if (changed > 0) this.log.debug('journal.acked', { uptoSeq, records: changed });
    return changed;
  }

  /**
   * Deletes the oldest acknowledged records, keeping the newest `keepLast`
   * acknowledged ones (for receipts and undo); never an unacknowledged one.
   * Returns how many were deleted (at most PRUNE_BATCH_MAX per call).
   */
  pruneAcked(keepLast: number): number {
    if (!Number.isSafeInteger(keepLast) || keepLast < 0)
      throw new RangeError(`keepLast must be a non-negative integer, got ${keepLast}`);
    const { deleted, uptoSeq } = this.writes.prune(keepLast);
    if (deleted > 0) this.sync.synced(0);
    if (deleted > 0) this.log.info('journal.pruned', { records: deleted, uptoSeq });
    return deleted;
  }

  lastSeq(): number {
    return this.lastSeqMem;
  }

  /** Highest purse counter recorded for this card (AppendOptions.cardCounter), or null. */
  cardCounter(card: number): number | null {
    return this.q.cardCounter.get(checkCard(card)) ?? null;
  }

  totals(scope: string, key: string): { count: number; amountCents: number } {
    const row = this.q.totals.get(scope, key);
    return row === undefined ? { count: 0, amountCents: 0 } : { count: row.count, amountCents: row.amount_cents };
  }

  /** Every counter of one scope, by key (the kiosk's start-up finds the cards it owes). */
  totalsIn(scope: string): { key: string; count: number; amountCents: number }[] {
    return this.q.totalsIn.all(scope).map((r) => ({ key: r.key, count: r.count, amountCents: r.amount_cents }));
  }

  /**
   * `corrupt`: records found with a bad CRC since open (at recovery or on read).
   * `records` counts every row (a scan: ~70 ms on 1,000,000 records here); health() does not.
   */
  stats(): { records: number; unacked: number; corrupt: number } {
    return { records: this.q.countAll.get()!, ...this.health() };
  }

  /** stats() without the full count: unacked is a rowid range, what start-up and `onecard status` can afford. */
  health(): { unacked: number; corrupt: number } {
    return { unacked: this.q.countAfter.get(this.meta().acked_upto)!, corrupt: this.corruptSeqs.size };
  }

  /**
   * Moves the WAL into the main file now (journal-sync.ts also does it off the
   * tap path every CHECKPOINT_EVERY_RECORDS). Useful after pruning; the lock is
   * exclusive, so only this connection can do it.
   */
  checkpoint(mode: 'PASSIVE' | 'TRUNCATE' | 'RESTART'): void {
    const [result] = this.db.pragma(`wal_checkpoint(${mode})`) as { busy: number }[];
    if (result.busy !== 0) throw new Error(`journal checkpoint (${mode}) could not complete`);
  }

  /** The connection's journal mode and synchronous level (what makes a commit durable). */
  durability(): Durability {
    return durabilityOf(this.db);
  }

  /** Makes every record durable now (the upload calls it before a record leaves the terminal). */
  flush(): boolean {
    return this.sync.flush();
  }

  /** fsyncs asked for since open, and records written but not yet fsync'd. */
  fsyncs(): { done: number; waiting: number } {
    return { done: this.sync.fsyncs, waiting: this.sync.waiting };
  }

  close(): void {
    this.sync.close();
    this.db.close();
  }

  private meta(): Meta {
    const meta = this.q.meta.get();
    if (meta === undefined) throw new Error(`${this.path}: journal_meta row is missing; the file is damaged`);
    return meta;
  }

  /** Takes up where the file left off (journal-recovery.ts), noting any record whose CRC failed. */
  private recover(): void {
    const r = recoverJournal(this.db, this.q, this.meta(), this.path);
    this.lastSeqMem = r.lastSeq;
    this.ackedUptoMem = r.ackedUpto;
    for (const seq of r.corruptSeqs) this.noteCorrupt(seq);
    this.log.info('journal.recovered', {
      path: this.path,
      lastSeq: r.lastSeq,
      ackedUpto: r.ackedUpto,
      checked: r.checked,
      corrupt: this.corruptSeqs.size,
    });
  }

  private toRecords(rows: JournalRow[]): JournalRecord[] {
    return rows.map((row) => this.toRecord(row));
  }

  private toRecord(row: JournalRow): JournalRecord {
    const record = rowToRecord(row, this.ackedUptoMem);
    if (record.corrupt) this.noteCorrupt(row[0]);
    return record;
  }

  private noteCorrupt(seq: number): void {
    if (this.corruptSeqs.has(seq)) return;
    this.corruptSeqs.add(seq);
    // seq only: the body may be garbage, or hold data that does not belong in logs.
    this.log.error('journal.corrupt', { seq });
  }
}
