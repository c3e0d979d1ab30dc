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
 * The -wal file's size kept after a checkpoint: SQLite truncates it to this at
 * the first commit of the WAL's next generation (which restartWal makes, off the
 * tap path). Four times the working size (~4 MB: CHECKPOINT_EVERY_RECORDS records
 * at ~4.7 pages each), so the steady state never truncates and regrows it: a
 * commit that grows the file also journals its new size (measured here: +0.1 ms
 * p50 per fsync). It bounds the disk an excursion leaves (a 10,000-record prune, the backstop: ~40 MB).
 */
export const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

/** A row of PRAGMA wal_checkpoint: frames in the WAL (log) and how many of them are in the main file now. */
interface WalCheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

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
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
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
      const [result] = this.db.pragma('wal_checkpoint(PASSIVE)') as WalCheckpointResult[];
      this.recordsSinceCheckpoint = 0;
      if (this.walPath !== null && result.busy === 0 && result.checkpointed === result.log) this.restartWal();
    } catch (err) {
      this.log.error('journal.checkpoint-failed', {
        records: this.recordsSinceCheckpoint,
        problem: (err as Error).message,
      });
    }
  }

  /**
   * Every frame is in the main file now, so SQLite starts the WAL over at its next commit, writing
   * frames from the top of the file again (no growth): it writes a new WAL header first and fsyncs it
   * on its own. Left to SQLite, that commit is the next tap's intent: two fsyncs before its result.
   * One page written here moves the header and its fsync off the tap path. Page 1, by rewriting
   * user_version with its own value: the one write that always puts a frame in the WAL (a row
   * rewritten unchanged puts none) and changes nothing. Unsynced: the next FULL commit fsyncs
   * it, and lost at a power cut it is the same page the main file holds.
   */
  private restartWal(): void {
    const version = Number(this.db.pragma('user_version', { simple: true }));
    this.unsynced(() => this.db.pragma(`user_version = ${version}`));
  }

  /** Before the connection closes: nothing waits, no timer outlives the file. */
  close(): void {
    this.flush();
    this.timer.disarm();
  }
}
