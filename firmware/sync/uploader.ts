import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import type { JournalRecord } from '../store/journal/journal.ts';
import {
  buildJournalBatch,
  CHAIN_ZERO,
  chainOver,
  type JournalAck,
  type JournalBatch,
  type JournalResend,
  type SendResult,
  type WireRecord,
} from '../../protocol/index.ts';

/**
 * Journal upload (PROTOCOL.md §6.6), go-back-N over cumulative acks:
 *
 *   open → probe (empty batch) → ack gives H and chain(H)
 *        → batches from H+1, up to 4 in flight, each chained from the last
 *        → ack ok: journal.ack(H) frees what the backend holds durably
 *        → ack gap / resend / 10 s without progress: go back to H and resend
 *
 * The journal stays the only source of truth: records are read from it for
 * every (re)send and freed only by an acknowledgement — never on "sent".
 * Everything here runs off the tap path (the client calls `step` from its
 * own timer turn), and one step reads and encodes one bounded batch.
 */
export interface UploadJournal {
  after(seq: number, limit: number): JournalRecord[];
  /** Makes every record written so far durable (false if the fsync failed): a card write's outcome waits for it. */
  flush(): boolean;
  lastSeq(): number;
  ack(uptoSeq: number): number;
}

export interface UploaderOptions {
  terminalId: number;
  utcOffsetMinutes: number;
  /**
   * Records per batch. The protocol allows 4,096; 1,024 bounds the time one
   * step keeps the event loop (~20 ms here) so a tap is never held behind an upload.
   */
  batchRecordsMax: number;
  /** §6.6.5: up to 4 batches in flight. */
  inflightBatchesMax: number;
  /** §6.6.5: nothing acked for this long → resend from the oldest unacknowledged record. */
  ackTimeoutMs: number;
}

export const UPLOADER_DEFAULTS: Omit<UploaderOptions, 'terminalId' | 'utcOffsetMinutes'> = {
  batchRecordsMax: 1024,
  inflightBatchesMax: 4,
  ackTimeoutMs: 10_000,
};

/** journal.after() returns at most this many per call (firmware/store/journal/journal-args.ts READ_RECORDS_MAX). */
const READ_PAGE_RECORDS = 1000;
/** Attempts at one batch, halving its record count each time the peer's payload limit refuses it. */
const FIT_ATTEMPTS_MAX = 12;

export type UploadAlarm = { reason: 'conflict' | 'malformed' | 'backend-ahead' | 'unencodable'; detail: string };

export class Uploader {
  /** The backend's high-water mark and chain(H); null until the probe is answered. */
  private ackedUpto: number | null = null;
  private chainAcked: Uint8Array = CHAIN_ZERO;
  private sentUpto = 0;
  private chainSent: Uint8Array = CHAIN_ZERO;
  /** Last seq of each batch sent and not yet covered by an ack, oldest first. */
  private inflight: number[] = [];
  private lastProgressMs: number;
  private probeSentMs: number | null = null;
  /** Records read ahead, from sentUpto + 1 on. */
  private ahead: WireRecord[] = [];
  private prunedBelow: number | undefined;
  private malformedAt: number | null = null;
  /** Frame seq of the last batch sent, and the first frame after a resend that a refusal was answered with. */
  private lastBatchFrame = -1;
  private refusedRetryFrom: number | null = null;
  private goneBackTo: { seq: number; atMs: number } | null = null;
  private pausedUntilMs = 0;
  /**
   * Records the next batch may hold. The session knows the peer's payload
   * limit and refuses a batch over it; the count halves then and creeps back
   * up after each success — so each batch is encoded once (by the session),
   * not once to measure it and again to send it.
   */
  private countLimit: number;
  alarm: UploadAlarm | null = null;
  readonly stats = { batches: 0, records: 0, resends: 0 };

  constructor(
    private readonly journal: UploadJournal,
    private readonly send: (m: JournalBatch) => SendResult,
    private readonly beforeSend: (records: readonly WireRecord[]) => void,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: UploaderOptions,
  ) {
    this.lastProgressMs = clock.nowMs();
    this.countLimit = opts.batchRecordsMax;
  }

  /** The backend's high-water mark as last acknowledged (null before the first ack of this session). */
  get highWater(): number | null {
    return this.ackedUpto;
  }

  /** Sends the probe: an empty batch asks the backend for its H and chain(H) (§6.6.1). */
  start(): void {
    this.probeSentMs = this.clock.nowMs();
    const r = this.send(buildJournalBatch([], this.batchOpts(CHAIN_ZERO)));
    if (!r.ok) this.log.warn('sync.probe-not-sent', { error: r.error });
  }

  /** Whether a step would send something now. */
  get ready(): boolean {
    return (
      this.alarm === null &&
      this.ackedUpto !== null &&
      this.inflight.length < this.opts.inflightBatchesMax &&
      this.clock.nowMs() >= this.pausedUntilMs &&
      this.sentUpto < this.journal.lastSeq()
    );
  }

  /** Builds and sends one batch when there is room; returns whether another could follow at once. */
  step(): boolean {
    if (!this.ready) return false;
    this.fill();
    for (let attempt = 0; attempt < FIT_ATTEMPTS_MAX && this.ahead.length > 0; attempt++) {
      const records = this.ahead.slice(0, Math.min(this.countLimit, this.opts.batchRecordsMax));
      let chainLast: Uint8Array;
      try {
        chainLast = chainOver(this.chainSent, records, this.opts.terminalId);
      } catch (err) {
        // A record the canonical encoding cannot carry: it can never be uploaded, a person must look.
        this.raise({ reason: 'unencodable', detail: `chain: ${(err as Error).message}` });
        return false;
      }
      const batch: JournalBatch = {
        type: 'journalBatch',
        terminalId: this.opts.terminalId,
        utcOffsetMinutes: this.opts.utcOffsetMinutes,
        chainPrev: this.chainSent,
        chainLast,
        records,
      };
      if (this.prunedBelow !== undefined) batch.prunedBelow = this.prunedBelow;
      // Owed advices/reversals are noted durably before their records leave (idempotent on a resend).
      this.beforeSend(records);
      const r = this.send(batch);
      if (r.ok) return this.sent(batch, r.seq);
      if (r.error !== 'too-large' || records.length === 1) {
        if (r.error === 'too-large' || r.error === 'encode') this.raise({ reason: 'unencodable', detail: r.detail });
        else this.log.warn('sync.batch-not-sent', { error: r.error });
        return false;
      }
      this.countLimit = Math.max(1, records.length >> 1);
    }
    return false;
  }

  private sent(batch: JournalBatch, frameSeq: number): boolean {
    const n = batch.records.length;
    this.lastBatchFrame = frameSeq;
    this.prunedBelow = undefined;
    this.ahead.splice(0, n);
    this.sentUpto = batch.records[n - 1].seq;
    this.chainSent = batch.chainLast;
    this.inflight.push(this.sentUpto);
    this.countLimit = Math.min(this.opts.batchRecordsMax, this.countLimit + Math.ceil(this.countLimit / 4));
    this.stats.batches++;
    this.stats.records += n;
    return this.ready;
  }

  onAck(m: JournalAck): void {
    if (this.alarm) return;
    if (this.ackedUpto !== null && m.ackUpto < this.ackedUpto) {
      // Acks are cumulative; an older one overtaken by a newer (a reordering link) says nothing new.
      if (m.status !== 'gap') return;
      // §8: a gap below what it acknowledged means the backend lost records (its database restored
      // from a backup): its H is the truth now, and the journal still holds what it has not pruned.
      this.log.warn('sync.backend-behind', { ackedUpto: this.ackedUpto, backendHolds: m.ackUpto });
      this.ackedUpto = m.ackUpto;
      this.chainAcked = m.chainHead;
      this.lastProgressMs = this.clock.nowMs();
      return this.onGap(m.ackUpto, m.chainHead);
    }
    if (m.ackUpto > this.journal.lastSeq())
      return this.raise({
        reason: 'backend-ahead',
        detail: `backend holds up to ${m.ackUpto}, journal ends at ${this.journal.lastSeq()}`,
      });
    const progressed = this.ackedUpto === null || m.ackUpto > this.ackedUpto;
    this.ackedUpto = m.ackUpto;
    this.chainAcked = m.chainHead;
    this.probeSentMs = null;
    // Free only what the backend holds durably: a cumulative, idempotent ack (firmware/store/journal/journal.ts).
    if (m.ackUpto > 0) this.journal.ack(m.ackUpto);
    if (progressed) {
      this.lastProgressMs = this.clock.nowMs();
      this.refusedRetryFrom = null;
    }
    if (m.status === 'ok') {
      if (this.sentUpto <= m.ackUpto) this.goBack(m.ackUpto, m.chainHead, false);
      else this.inflight = this.inflight.filter((last) => last > m.ackUpto);
      return;
    }
    if (m.status === 'gap') return this.onGap(m.ackUpto, m.chainHead);
    if (m.status === 'busy') {
      this.pausedUntilMs = this.clock.nowMs() + (m.retryAfterMs ?? 1_000);
      return this.goBack(m.ackUpto, m.chainHead, true);
    }
    if (m.status === 'malformed') {
      // §6.6.5: resend the same range once, then alarm.
      if (this.malformedAt === m.ackUpto)
        return this.raise({ reason: 'malformed', detail: `batch after ${m.ackUpto} refused twice as malformed` });
      this.malformedAt = m.ackUpto;
      return this.goBack(m.ackUpto, m.chainHead, true);
    }
    this.raise({ reason: 'conflict', detail: `backend's record ${m.conflictSeq ?? '?'} differs from the journal's` });
  }

  /**
   * ERROR bad-message naming a batch's frame (§6.1): the backend could not decode what the terminal
   * encoded. Like a `malformed` ack (§6.6.5) it is sent again once, then it is an alarm a person
   * must see (STATUS, the log): resending the same bytes every 10 s would only hide it.
   */
  onRefused(frameSeq: number, detail: string): void {
    if (this.alarm || this.ackedUpto === null) return;
    if (this.refusedRetryFrom !== null) {
      if (frameSeq < this.refusedRetryFrom) return; // a batch sent before the resend: already counted
      const what = `batch after ${this.ackedUpto} refused twice as undecodable: ${detail}`;
      return this.raise({ reason: 'malformed', detail: what });
    }
    this.log.warn('sync.batch-refused', { frameSeq, ackedUpto: this.ackedUpto, detail });
    this.refusedRetryFrom = this.lastBatchFrame + 1;
    this.goBack(this.ackedUpto, this.chainAcked, true);
  }

  onResend(m: JournalResend): void {
    if (this.alarm) return;
    this.log.warn('sync.resend-asked', { fromSeq: m.fromSeq, toSeq: m.toSeq });
    this.goBack(Math.max(0, m.fromSeq - 1), m.chainPrev, true);
  }

  /** Called on the client's tick: a lost batch or a lost ack shows up as no progress. */
  checkTimeout(): void {
    const now = this.clock.nowMs();
    if (this.probeSentMs !== null && now - this.probeSentMs >= this.opts.ackTimeoutMs) {
      this.log.info('sync.probe-timeout', {});
      this.start();
      return;
    }
    if (this.ackedUpto === null || this.inflight.length === 0 || now - this.lastProgressMs < this.opts.ackTimeoutMs)
      return;
    this.log.info('sync.ack-timeout', { ackedUpto: this.ackedUpto, sentUpto: this.sentUpto });
    this.goBack(this.ackedUpto, this.chainAcked, true);
  }

  private onGap(ackUpto: number, chainHead: Uint8Array): void {
    // Batches sent before our go-back keep arriving and each draws the same gap: one go-back serves them all.
    const g = this.goneBackTo;
    if (g && g.seq === ackUpto && this.clock.nowMs() - g.atMs < this.opts.ackTimeoutMs) return;
    this.goBack(ackUpto, chainHead, true);
  }

  private goBack(seq: number, chain: Uint8Array, resend: boolean): void {
    if (resend) {
      this.stats.resends++;
      this.goneBackTo = { seq, atMs: this.clock.nowMs() };
      this.log.info('sync.upload-goback', { fromSeq: seq + 1, sentUpto: this.sentUpto });
    }
    this.sentUpto = seq;
    this.chainSent = chain;
    this.inflight = [];
    this.ahead = [];
    this.lastProgressMs = this.clock.nowMs();
  }

  /** Reads records after sentUpto until a batch's worth is buffered. */
  private fill(): void {
    const want = this.opts.batchRecordsMax;
    // Nothing leaves the terminal before it is durable: a power cut could take it and give its seq to another record.
    if (this.ahead.length < want && !this.journal.flush()) return;
    while (this.ahead.length < want) {
      const from = this.ahead.length ? this.ahead[this.ahead.length - 1].seq : this.sentUpto;
      const page = this.journal.after(from, Math.min(READ_PAGE_RECORDS, want - this.ahead.length));
      if (page.length === 0) return;
      if (this.ahead.length === 0 && page[0].seq !== from + 1) {
        // Asked for records the journal has pruned (a backend restored from backup): say where ours start.
        this.log.warn('sync.upload-pruned', { wanted: from + 1, oldest: page[0].seq });
        this.prunedBelow = page[0].seq;
        this.chainSent = CHAIN_ZERO;
      }
      for (const r of page) {
        if (r.corrupt) this.log.error('sync.upload-corrupt-record', { seq: r.seq });
        // The journal's record as is (a WireRecord with `acked` beside): no copy per record.
        this.ahead.push(r);
      }
    }
  }

  private batchOpts(chainPrev: Uint8Array) {
    return {
      terminalId: this.opts.terminalId,
      utcOffsetMinutes: this.opts.utcOffsetMinutes,
      chainPrev,
      maxPayloadBytes: 1024,
    };
  }

  private raise(a: UploadAlarm): void {
    this.alarm = a;
    this.log.error('sync.upload-stopped', { ...a });
  }
}
