import type { RecordBodies } from '../../../protocol/messages/record-kinds.ts';
import { crc32Text } from './crc32.ts';
import type { JournalRow } from './journal-schema.ts';

export interface JournalRecord<B = Record<string, unknown>> {
  seq: number;
  kind: string;
  atMs: number;
  card: number | null;
  ref: number | null;
  body: B;
  acked: boolean;
  /**
   * Present (true) only when the stored CRC does not match: the record is
   * returned as found — never repaired or dropped — so the backend sees it.
   * If its body is no longer JSON, `body` is `{ unreadable: <stored text> }`.
   */
  corrupt?: true;
}

/**
 * A read record as its kind's body: true for a record of `kind` whose CRC holds
 * (it was appended through the typed append). A corrupt one may hold anything.
 */
export function isRecordOf<K extends keyof RecordBodies>(
  r: JournalRecord,
  kind: K,
): r is JournalRecord & JournalRecord<RecordBodies[K]> {
  return r.kind === kind && r.corrupt !== true;
}

/**
 * The CRC-32 of a record: `seq|kind|at_ms|card|ref|` then the body's UTF-8
 * bytes, null card/ref as empty. Kinds cannot contain `|`, so the fields
 * cannot shift into each other.
 */
export function recordCrc(
  seq: number,
  kind: string,
  atMs: number,
  card: number | null,
  ref: number | null,
  body: string,
): number {
  const head = `${seq}|${kind}|${atMs}|${card ?? ''}|${ref ?? ''}|`;
  return crc32Text(body, crc32Text(head));
}

export function rowCrcOk(row: JournalRow): boolean {
  return recordCrc(row[0], row[1], row[2], row[3], row[4], row[5]) === row[6];
}

/** `ackedUpto`: journal_meta.acked_upto — acknowledgement is cumulative, so a record is acknowledged when its seq is at or below it. */
export function rowToRecord(row: JournalRow, ackedUpto: number): JournalRecord {
  const ok = rowCrcOk(row);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(row[5]) as Record<string, unknown>;
  } catch {
    // Only a corrupt row can get here: encodeBody wrote valid JSON.
    body = { unreadable: row[5] };
  }
  const record: JournalRecord = {
    seq: row[0],
    kind: row[1],
    atMs: row[2],
    card: row[3],
    ref: row[4],
    body,
    acked: row[0] <= ackedUpto,
  };
  if (!ok) record.corrupt = true;
  return record;
}
