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
  type TotalsDelta,
} from './journal-args.ts';
import { encodeBody } from './journal-body.ts';
import { recordCrc, rowCrcOk, rowToRecord, type JournalRecord } from './journal-codec.ts';
import { ensureJournalSchema, ROW_COLUMNS, type JournalRow } from './journal-schema.ts';
import { prepareQueries, type JournalQueries, type Meta } from './journal-queries.ts';
import type { RecordBodies } from '../../../protocol/messages/record-kinds.ts';
import { durabilityOf, openSqlite, type Durability } from '../sqlite-open.ts';
import type { Scheduler } from '../../sync/scheduler.ts';
import { JournalSync } from './journal-sync.ts';

export type { AppendOptions, TotalsDelta } from './journal-args.ts';
export { isRecordOf, type JournalRecord } from './journal-codec.ts';
export { DEFERRED_SYNC_DELAY_MS } from './journal-sync.ts';

/**
 * Recovery checks the CRC of every unacknowledged record (those still owed to
 * the backend) and of this many newest ones; older acknowledged records are
 * the backend's already, and checking a million at boot would delay the first tap.
 */
export const RECOVERY_TAIL_RECORDS = 1000;
/**
 * One prune transaction deletes at most this many rows, so the write lock (and
 * a tap waiting for it) is held briefly: 50,000 took 320 ms on a 1M-record
 * journal here, so 10,000 is ~65 ms. Call again while it returns this.
 */
export const PRUNE_BATCH_MAX = 10_000;

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
  private readonly openQueries = new Map<string, Database.Statement<unknown[], JournalRow>>();
  private readonly q: JournalQueries;
  private readonly appendTx: (
    kind: string,
    atMs: number,
    card: number | null,
    ref: number | null,
    body: string,
    totals: readonly TotalsDelta[],
    cardCounter: number | null,
  ) => number;
  private readonly ackTx: (uptoSeq: number) => number;
  private readonly pruneTx: (keepLast: number) => { deleted: number; uptoSeq: number };

  private constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
    private readonly log: Logger,
    readonly path: string,
    private readonly sync: JournalSync,
  ) {
    this.q = prepareQueries(db);
    this.appendTx = db.transaction((kind, atMs, card, ref, body, totals, cardCounter) => {
      // The exclusive lock makes this process the only writer, so the next seq
      // lives in memory: no meta row rewritten per record (one page less per fsync).
      const seq = this.lastSeqMem + 1;
      // A ref names an earlier record; a later or unknown one is a caller bug.
      if (ref !== null && (ref < 1 || ref > this.lastSeqMem))
        throw new RangeError(`ref ${ref} is not an earlier journal seq (last is ${this.lastSeqMem})`);
      this.q.insert.run(seq, kind, atMs, card, ref, body, recordCrc(seq, kind, atMs, card, ref, body));
      for (const t of totals) this.q.addTotals.run(t.scope, t.key, t.count, t.amountCents);
      if (card !== null && cardCounter !== null) this.q.seeCard.run(card, cardCounter);
      return seq;
    }).immediate;
    this.ackTx = db.transaction((uptoSeq: number) => {
      const meta = this.meta();
      if (uptoSeq > this.lastSeqMem)
        throw new RangeError(`cannot acknowledge up to seq ${uptoSeq}: last written is ${this.lastSeqMem}`);
      if (uptoSeq <= meta.acked_upto) return 0; // a repeated ack (retransmission) changes nothing
      // One meta row, not a flag per record: rewriting every acknowledged row doubled what the SD card takes.
      this.q.setAckedUpto.run(uptoSeq);
      return uptoSeq - meta.acked_upto;
    }).immediate;
    this.pruneTx = db.transaction((keepLast: number) => {
      const meta = this.meta();
      const cutoff = this.q.pruneCutoff.get(meta.acked_upto, keepLast);
      const oldest = this.q.oldestSeq.get();
      if (cutoff === undefined || oldest === null || oldest === undefined) return { deleted: 0, uptoSeq: 0 };
      // Seqs are contiguous, so a seq range bounds the batch.
      const uptoSeq = Math.min(cutoff, oldest + PRUNE_BATCH_MAX - 1);
      // Deleting rows could lower max(seq): record the highest seq first so it is never reused.
      this.q.setLastSeq.run(this.lastSeqMem);
      // uptoSeq ≤ the cutoff ≤ acked_upto: only acknowledged records go.
      return { deleted: this.q.deleteUpto.run(uptoSeq).changes, uptoSeq };
    }).immediate;
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
    const seq = commit(() => this.appendTx(kind, atMs, card, ref, text, totals, cardCounter));
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
    const rows = this.openQuery(kind).all(JSON.stringify(closingKinds), READ_RECORDS_MAX);
    if (rows.length === READ_RECORDS_MAX) this.log.warn('journal.open-truncated', { kind, limit: READ_RECORDS_MAX });
    // A record of `kind` was appended with M[kind]'s body (append's type); a corrupt one is flagged.
    return this.toRecords(rows) as JournalRecord<never>[];
  }

  /** The kind goes into the SQL as a literal (checkKind allows no quotes) so SQLite can use its partial index. */
  private openQuery(kind: string): Database.Statement<unknown[], JournalRow> {
    let q = this.openQueries.get(kind);
    if (!q) {
      q = this.db
        .prepare<unknown[], JournalRow>(
          `SELECT ${ROW_COLUMNS} FROM journal AS j WHERE j.kind = '${kind}' AND NOT EXISTS (
           SELECT 1 FROM journal AS c WHERE c.ref = j.seq AND c.kind IN (SELECT value FROM json_each(?))
         ) ORDER BY j.seq LIMIT ?`,
        )
        .raw(true);
      this.openQueries.set(kind, q);
    }
    return q;
  }

  unacked(limit: number): JournalRecord[] {
    return this.toRecords(this.q.unacked.all(this.meta().acked_upto, checkLimit(limit)));
  }

  /** Acknowledges every record up to `uptoSeq` (cumulative, idempotent); returns how many changed. */
  ack(uptoSeq: number): number {
    const changed = this.ackTx(checkSeq(uptoSeq, 'ack seq'));
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
    const { deleted, uptoSeq } = this.pruneTx(keepLast);
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

  /** `corrupt`: records found with a bad CRC since open (at recovery or on read). */
  stats(): { records: number; unacked: number; corrupt: number } {
    return {
      records: this.q.countAll.get()!,
      unacked: this.q.countAfter.get(this.meta().acked_upto)!,
      corrupt: this.corruptSeqs.size,
    };
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

  /** Checks the invariants the rest relies on, then the CRCs recovery promises. */
  private recover(): void {
    const meta = this.meta();
    const maxSeq = this.q.maxSeq.get() ?? 0;
    // journal_meta.last_seq is written before each prune; max(seq) covers every append since.
    this.lastSeqMem = Math.max(maxSeq, meta.last_seq);
    this.ackedUptoMem = meta.acked_upto;
    // Pair assertion on what ack maintains: if it fails the file was altered outside this class.
    if (meta.acked_upto > this.lastSeqMem)
      throw new Error(
        `${this.path}: acked_upto ${meta.acked_upto} is above the last seq ${this.lastSeqMem}; the file is damaged`,
      );
    const ackedBeyond = this.q.ackedAfter.get(meta.acked_upto)!;
    if (ackedBeyond > 0)
      throw new Error(
        `${this.path}: ${ackedBeyond} records after acked_upto ${meta.acked_upto} are marked acknowledged; the file is damaged`,
      );

    const fromSeq = Math.max(0, Math.min(meta.acked_upto, this.lastSeqMem - RECOVERY_TAIL_RECORDS));
    let checked = 0;
    for (const row of this.db
      .prepare<[number], JournalRow>(`SELECT ${ROW_COLUMNS} FROM journal WHERE seq > ? ORDER BY seq`)
      .raw(true)
      .iterate(fromSeq)) {
      checked++;
      if (!rowCrcOk(row)) this.noteCorrupt(row[0]);
    }
    this.log.info('journal.recovered', {
      path: this.path,
      lastSeq: this.lastSeqMem,
      ackedUpto: meta.acked_upto,
      checked,
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
