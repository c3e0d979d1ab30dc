import type Database from 'better-sqlite3';
import { decodeMessage, encodeMessage, type JournalBatch, type WireRecord } from '../protocol/index.ts';

/**
 * How the backend keeps journal records (schema.ts `records` + `batches`):
 * one small row per record — (terminal, seq), kind, time, card, ref, chain
 * value, arrival order — for the indexes and the idempotency checks, and the
 * JOURNAL_BATCH payload it came in, verbatim, for the bodies. A body is
 * decoded from its batch when asked for. As JSON in every row, bodies were
 * ~450 B a record and writing those pages was half of ingest; the payload
 * is ~15 B a record and is the evidence exactly as the terminal sent it.
 * Rows from schema 1 carry their body as JSON and are read as such.
 */
export type StoredRecord = WireRecord & { arrival: number };

interface Row {
  seq: number;
  kind: string;
  at_ms: number;
  card: number | null;
  ref: number | null;
  body: string;
  batch: number | null;
  arrival: number;
}

const INSERT_RECORDS =
  'INSERT INTO records (terminal, seq, kind, at_ms, card, ref, body, chain, arrival, batch) VALUES';
const RECORD_VALUES = "(?, ?, ?, ?, ?, ?, '', ?, ?, ?)";
/** 9 parameters a row; 8–32 rows a statement measured alike, far below SQLite's 32,766 parameters. */
const ROWS_PER_INSERT = 16;
const COLUMNS = 'seq, kind, at_ms, card, ref, body, batch, arrival';

export class RecordRows {
  private readonly q;
  private arrival: number;

  constructor(db: Database.Database) {
    this.q = {
      insert: db.prepare(`${INSERT_RECORDS} ${RECORD_VALUES}`),
      insertMany: db.prepare(`${INSERT_RECORDS} ${Array(ROWS_PER_INSERT).fill(RECORD_VALUES).join(', ')}`),
      insertBatch: db.prepare('INSERT INTO batches (terminal, payload) VALUES (?, ?)'),
      batch: db.prepare<[number], Uint8Array>('SELECT payload FROM batches WHERE id = ?').pluck(),
      one: db.prepare<[number, number], Row>(`SELECT ${COLUMNS} FROM records WHERE terminal = ? AND seq = ?`),
      after: db.prepare<[number, number, number], Row>(
        `SELECT ${COLUMNS} FROM records WHERE terminal = ? AND seq > ? ORDER BY seq LIMIT ?`,
      ),
      maxArrival: db.prepare<[], number | null>('SELECT max(arrival) FROM records').pluck(),
    };
    this.arrival = this.q.maxArrival.get() ?? 0;
  }

  /**
   * Stores recs[from..] with their chain values and the batch they came in
   * (`payload` as received; re-encoded when a caller hands a decoded batch only).
   */
  insert(
    terminal: number,
    batch: JournalBatch,
    payload: Uint8Array | undefined,
    chains: Uint8Array[],
    from: number,
  ): number {
    const recs = batch.records;
    const id = Number(this.q.insertBatch.run(terminal, payload ?? encodeMessage(batch).payload).lastInsertRowid);
    const row = (i: number) => [
      terminal,
      recs[i].seq,
      recs[i].kind,
      recs[i].atMs,
      recs[i].card,
      recs[i].ref,
      chains[i],
      ++this.arrival,
      id,
    ];
    let i = from;
    for (; i + ROWS_PER_INSERT <= recs.length; i += ROWS_PER_INSERT) {
      const params: unknown[] = [];
      for (let k = i; k < i + ROWS_PER_INSERT; k++) params.push(...row(k));
      this.q.insertMany.run(params);
    }
    for (; i < recs.length; i++) this.q.insert.run(row(i));
    return recs.length - from;
  }

  get(terminal: number, seq: number): StoredRecord | undefined {
    const row = this.q.one.get(terminal, seq);
    return row && this.toRecords([row])[0];
  }

  /** A terminal's records after `seq`, in seq order (tests, reports). */
  after(terminal: number, afterSeq: number, limit: number): StoredRecord[] {
    return this.toRecords(this.q.after.all(terminal, afterSeq, limit));
  }

  private toRecords(rows: Row[]): StoredRecord[] {
    const batches = new Map<number, Map<number, WireRecord>>();
    return rows.map((r) => {
      let body: unknown;
      if (r.batch === null) body = JSON.parse(r.body);
      else {
        let bySeq = batches.get(r.batch);
        if (!bySeq) {
          bySeq = this.decodeBatch(r.batch);
          batches.set(r.batch, bySeq);
        }
        const rec = bySeq.get(r.seq);
        if (!rec) throw new Error(`backend store damaged: record ${r.seq} is not in its batch ${r.batch}`);
        body = rec.body;
      }
      return { seq: r.seq, kind: r.kind, atMs: r.at_ms, card: r.card, ref: r.ref, body, arrival: r.arrival };
    });
  }

  private decodeBatch(id: number): Map<number, WireRecord> {
    const payload = this.q.batch.get(id);
    const d = payload ? decodeMessage(0x30, payload) : null;
    if (!d?.ok || d.message.type !== 'journalBatch')
      throw new Error(
        `backend store damaged: batch ${id} ${d && !d.ok ? `does not decode: ${d.error}` : 'is missing'}`,
      );
    return new Map(d.message.records.map((r) => [r.seq, r]));
  }
}
