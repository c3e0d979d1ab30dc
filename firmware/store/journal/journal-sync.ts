import { closeSync, fsyncSync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { Logger } from '../../core/log.ts';
import { TimerSlot, type Scheduler } from '../../sync/scheduler.ts';
import { unsyncedWriter, type UnsyncedWrite } from '../sqlite-open.ts';

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
 * When the journal's records reach the disk. A FULL commit fsyncs the -wal file
 * before it returns, and with it every record written before; a deferred one is
 * written to the -wal now and fsync'd by whichever comes first of the above.
 * Counts the fsyncs it asks for, so tests and the bench can say how many a tap costs.
 */
export class JournalSync {
  private fsyncsMem = 0;
  /** Records written to the -wal and not yet fsync'd. */
  private waitingMem = 0;
  private readonly timer: TimerSlot;
  private readonly unsynced: UnsyncedWrite;

  constructor(
    db: Database.Database,
    /** The -wal file; null for an in-memory journal, which has nothing to sync. */
    private readonly walPath: string | null,
    scheduler: Scheduler,
    private readonly log: Logger,
    /**
     * Every record fsync'd before the next step, deferred ones too: the path a
     * sale took before (two fsyncs before its result), kept as the bench's baseline.
     */
    private readonly everyRecord: boolean,
  ) {
    this.timer = new TimerSlot(scheduler);
    this.unsynced = unsyncedWriter(db);
  }

  /** fsyncs asked for since open: FULL commits that wrote, and flushes that had records waiting. */
  get fsyncs(): number {
    return this.fsyncsMem;
  }

  get waiting(): number {
    return this.waitingMem;
  }

  /** A FULL commit that wrote has returned: SQLite fsync'd the -wal, so every earlier record is durable too. */
  synced(): void {
    this.fsyncsMem++;
    this.waitingMem = 0;
    this.timer.disarm();
  }

  /** Runs `write` (one transaction) without its fsync, and bounds the wait for it. */
  deferred<T>(write: () => T): T {
    if (this.everyRecord) {
      const result = write();
      this.synced();
      return result;
    }
    const result = this.unsynced(write);
    this.waitingMem++;
    // Armed by the first waiting record and not pushed back by later ones: the bound holds for each.
    if (!this.timer.armed) this.timer.arm(DEFERRED_SYNC_DELAY_MS, () => this.flush());
    return result;
  }

  /**
   * Makes every record written so far durable: fsyncs the -wal (what a FULL
   * commit would have done, without writing a page). False if the fsync failed;
   * the records stay counted as waiting and the next FULL commit tries again.
   */
  flush(): boolean {
    if (this.waitingMem === 0) return true;
    this.timer.disarm();
    if (this.walPath !== null) {
      try {
        fsyncPath(this.walPath);
      } catch (err) {
        // Runs from a timer too: reported, never thrown into the event loop.
        this.log.error('journal.fsync-failed', { records: this.waitingMem, problem: (err as Error).message });
        return false;
      }
    }
    this.synced();
    return true;
  }

  /** Before the connection closes: nothing waits, no timer outlives the file. */
  close(): void {
    this.flush();
    this.timer.disarm();
  }
}

/**
 * fsync through a descriptor of our own: Linux writes back the file's dirty
 * pages whichever descriptor asks, so this is SQLite's -wal fsync without a commit.
 */
function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
