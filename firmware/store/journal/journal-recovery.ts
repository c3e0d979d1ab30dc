import type Database from 'better-sqlite3';
import { rowCrcOk } from './journal-codec.ts';
import type { JournalQueries, Meta } from './journal-queries.ts';
import { ROW_COLUMNS, type JournalRow } from './journal-schema.ts';

/**
 * Recovery checks the CRC of every unacknowledged record (those still owed to
 * the backend) and of this many newest ones; older acknowledged records are
 * the backend's already, and checking a million at boot would delay the first tap.
 */
export const RECOVERY_TAIL_RECORDS = 1000;

/** What opening found: where the seqs continue, how many records were checked and which failed their CRC. */
export interface Recovered {
  lastSeq: number;
  ackedUpto: number;
  checked: number;
  corruptSeqs: number[];
}

/**
 * Checks the invariants the journal relies on (throwing when the file was altered outside it),
 * then the CRCs recovery promises. Reads only: a bad record is reported, never touched.
 */
export function recoverJournal(db: Database.Database, q: JournalQueries, meta: Meta, path: string): Recovered {
  const maxSeq = q.maxSeq.get() ?? 0;
  // journal_meta.last_seq is written before each prune; max(seq) covers every append since.
  const lastSeq = Math.max(maxSeq, meta.last_seq);
  // Pair assertion on what ack maintains: if it fails the file was altered outside the Journal.
  if (meta.acked_upto > lastSeq)
    throw new Error(`${path}: acked_upto ${meta.acked_upto} is above the last seq ${lastSeq}; the file is damaged`);
  const ackedBeyond = q.ackedAfter.get(meta.acked_upto)!;
  if (ackedBeyond > 0)
    throw new Error(
      `${path}: ${ackedBeyond} records after acked_upto ${meta.acked_upto} are marked acknowledged; the file is damaged`,
    );

  const fromSeq = Math.max(0, Math.min(meta.acked_upto, lastSeq - RECOVERY_TAIL_RECORDS));
  let checked = 0;
  const corruptSeqs: number[] = [];
  for (const row of db
    .prepare<[number], JournalRow>(`SELECT ${ROW_COLUMNS} FROM journal WHERE seq > ? ORDER BY seq`)
    .raw(true)
    .iterate(fromSeq)) {
    checked++;
    if (!rowCrcOk(row)) corruptSeqs.push(row[0]);
  }
  return { lastSeq, ackedUpto: meta.acked_upto, checked, corruptSeqs };
}
