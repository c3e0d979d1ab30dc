import type Database from 'better-sqlite3';
import type { Logger } from '../../core/log.ts';
import { systemScheduler, TimerSlot, type Scheduler } from '../../sync/scheduler.ts';
import { fsyncPath } from '../durable-file.ts';
import { unsyncedWriter, type UnsyncedWrite } from '../../../base/sqlite-open.ts';

/**
 * The longest a deferred record (appendDeferred) waits for its fsync, from the
 * moment it is written. Sooner if anything else commits with FULL (the next
 * intent, a refusal, an ack), if the upload reads it, or at close. 100 ms lets
 * the tap's result (screen, buzzer, voice, receipt: all started on the turn the
 * tap returns, after the record) get going before a 2–20 ms SD-card fsync blocks
 * the event loop, and keeps the window a power cut can hit short. What the cut
 * can take is recovered anyway: docs/journal.md, "What may wait for its fsync".
 */
export const DEFERRED_SYNC_DELAY_MS = 100;

/**
 * A checkpoint (WAL pages copied into the main file: two fsyncs and ~4 MB
 * written) runs in flush(), off the tap path, once this many records have been
 * written since the last: ~1,000 WAL pages at a sale's ~9 pages per two records,
 * SQLite's own default. SQLite would otherwise run it inside whichever commit
 * crosses the line, an intent's or a commit's, before the result.
 */
export const CHECKPOINT_EVERY_RECORDS = 200;
/**
 * SQLite checkpoints by itself only past this many WAL pages: the backstop if
 * the event loop never gives flush() a turn.
 */
export const WAL_AUTOCHECKPOINT_BACKSTOP_PAGES = 10_000;

/**
 * When the journal's records reach the disk. A FULL commit fsyncs the -wal file
 * before it returns, and with it every record written before; a deferred one is
 * written to the -wal now and fsync'd by whichever comes first of the above.
 * Counts the fsyncs it asks for, so tests and the bench can say how many a tap costs.
 */
export class JournalSync {
  private fsyncsMem = 0;
  /** Records written to the -wal and not yet fsync'd. */
  private waitingMem = 0;
  private recordsSinceCheckpoint = 0;
  private readonly timer: TimerSlot;
  private readonly unsynced: UnsyncedWrite;
  private readonly walPath: string | null;

  constructor(
    private readonly db: Database.Database,
    dbPath: string,
    private readonly log: Logger,
    /**
     * Every record fsync'd before the next step, deferred ones too, and SQLite's
     * own checkpoints: the path a sale took before (two fsyncs before its
     * result, a checkpoint now and then), kept as the bench's baseline.
     */
    private readonly everyRecord: boolean,
    /** Runs the flush; real timers unless a simulation or a test hands in its own. */
    scheduler: Scheduler = systemScheduler,
  ) {
    // An in-memory journal has no file to sync.
    this.walPath = dbPath === ':memory:' ? null : `${dbPath}-wal`;
    this.timer = new TimerSlot(scheduler);
    this.unsynced = unsyncedWriter(db);
    if (!everyRecord) db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_BACKSTOP_PAGES}`);
  }

  /** fsyncs asked for since open: FULL commits that wrote, and flushes that had records waiting. */
  get fsyncs(): number {
    return this.fsyncsMem;
  }

  get waiting(): number {
    return this.waitingMem;
  }

  /** A FULL commit that wrote `records` has returned: it fsync'd the -wal, so every earlier record is durable too. */
  synced(records: number): void {
    this.fsyncsMem++;
    this.waitingMem = 0;
    this.recordsSinceCheckpoint += records;
    if (this.recordsSinceCheckpoint < CHECKPOINT_EVERY_RECORDS) this.timer.disarm();
    else this.flushLater();
  }

  /** Runs `write` (one transaction, one record) without its fsync, and bounds the wait for it. */
  deferred<T>(write: () => T): T {
    if (this.everyRecord) {
      const result = write();
      this.synced(1);
      return result;
    }
    const result = this.unsynced(write);
    this.waitingMem++;
    this.recordsSinceCheckpoint++;
    this.flushLater();
    return result;
  }

  /** Armed by the first waiting record and not pushed back by later ones: the bound holds for each. */
  private flushLater(): void {
    if (!this.timer.armed) this.timer.arm(DEFERRED_SYNC_DELAY_MS, () => this.flush());
  }

  /**
   * Makes every record written so far durable: fsyncs the -wal (what a FULL
   * commit would have done, without writing a page). False if the fsync failed;
   * the records stay counted as waiting and the next FULL commit tries again.
   */
  flush(): boolean {
    this.timer.disarm();
    // Runs from a timer too: a failure is reported, never thrown into the event loop.
    try {
      if (this.waitingMem > 0) {
        if (this.walPath !== null) fsyncPath(this.walPath);
        this.fsyncsMem++;
        this.waitingMem = 0;
      }
    } catch (err) {
      this.log.error('journal.fsync-failed', { records: this.waitingMem, problem: (err as Error).message });
      return false;
    }
    if (!this.everyRecord && this.recordsSinceCheckpoint >= CHECKPOINT_EVERY_RECORDS) this.checkpoint();
    return true;
  }

  /** PASSIVE: the exclusive lock leaves no reader to wait for. A failure leaves the WAL as it is (backstop remains). */
  private checkpoint(): void {
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
      this.recordsSinceCheckpoint = 0;
    } catch (err) {
      this.log.error('journal.checkpoint-failed', {
        records: this.recordsSinceCheckpoint,
        problem: (err as Error).message,
      });
    }
  }

  /** Before the connection closes: nothing waits, no timer outlives the file. */
  close(): void {
    this.flush();
    this.timer.disarm();
  }
}
