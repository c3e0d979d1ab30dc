import type Database from 'better-sqlite3';
import type { TotalsDelta } from './journal-args.ts';
import { recordCrc } from './journal-codec.ts';
import type { JournalQueries, Meta } from './journal-queries.ts';

/**
 * One prune transaction deletes at most this many rows, so the write lock (and
 * a tap waiting for it) is held briefly: 50,000 took 320 ms on a 1M-record
 * journal here, so 10,000 is ~65 ms. Call again while it returns this.
 */
export const PRUNE_BATCH_MAX = 10_000;

/** The journal's write transactions, each taking the write lock at its start (BEGIN IMMEDIATE). */
export interface JournalWrites {
  /** Inserts one record with its totals and card counter; returns its seq. */
  append(
    kind: string,
    atMs: number,
    card: number | null,
    ref: number | null,
    body: string,
    totals: readonly TotalsDelta[],
    cardCounter: number | null,
  ): number;
  /** Moves acked_upto forward to `uptoSeq`; returns how many records that acknowledged. */
  ack(uptoSeq: number): number;
  /** Deletes one batch of the oldest acknowledged records beyond the newest `keepLast`. */
  prune(keepLast: number): { deleted: number; uptoSeq: number };
}

/**
 * `lastSeq` is the Journal's last written seq, held in memory: the exclusive lock makes it the only
 * writer, so no meta row is rewritten per record (one page less per fsync). `meta` reads journal_meta.
 */
export function prepareWrites(
  db: Database.Database,
  q: JournalQueries,
  lastSeq: () => number,
  meta: () => Meta,
): JournalWrites {
  const append: JournalWrites['append'] = (kind, atMs, card, ref, body, totals, cardCounter) => {
    const seq = lastSeq() + 1;
    // A ref names an earlier record; a later or unknown one is a caller bug.
    if (ref !== null && (ref < 1 || ref > lastSeq()))
      throw new RangeError(`ref ${ref} is not an earlier journal seq (last is ${lastSeq()})`);
    q.insert.run(seq, kind, atMs, card, ref, body, recordCrc(seq, kind, atMs, card, ref, body));
    for (const t of totals) q.addTotals.run(t.scope, t.key, t.count, t.amountCents);
    if (card !== null && cardCounter !== null) q.seeCard.run(card, cardCounter);
    return seq;
  };
  const ack = (uptoSeq: number): number => {
    const m = meta();
    if (uptoSeq > lastSeq())
      throw new RangeError(`cannot acknowledge up to seq ${uptoSeq}: last written is ${lastSeq()}`);
    if (uptoSeq <= m.acked_upto) return 0; // a repeated ack (retransmission) changes nothing
    // One meta row, not a flag per record: rewriting every acknowledged row doubled what the SD card takes.
    q.setAckedUpto.run(uptoSeq);
    return uptoSeq - m.acked_upto;
  };
  const prune = (keepLast: number): { deleted: number; uptoSeq: number } => {
    const m = meta();
    const cutoff = q.pruneCutoff.get(m.acked_upto, keepLast);
    const oldest = q.oldestSeq.get();
    if (cutoff === undefined || oldest === null || oldest === undefined) return { deleted: 0, uptoSeq: 0 };
    // Seqs are contiguous, so a seq range bounds the batch.
    const uptoSeq = Math.min(cutoff, oldest + PRUNE_BATCH_MAX - 1);
    // Deleting rows could lower max(seq): record the highest seq first so it is never reused.
    q.setLastSeq.run(lastSeq());
    // uptoSeq ≤ the cutoff ≤ acked_upto: only acknowledged records go.
    return { deleted: q.deleteUpto.run(uptoSeq).changes, uptoSeq };
  };
  return {
    append: db.transaction(append).immediate,
    ack: db.transaction(ack).immediate,
    prune: db.transaction(prune).immediate,
  };
}
