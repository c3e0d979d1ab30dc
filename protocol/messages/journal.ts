import { CHAIN_BYTES, chainOver } from './chain.ts';
import { CAP, makeEnum, type Codec } from './codec.ts';
import { isUint, KIND, type RecordContext, type WireRecord } from './record-context.ts';
import { decodeItem, encodeContextItem, encodeItem } from './records.ts';
import { readTlvs, TlvWriter } from './tlv.ts';
import { EncodeError, Writer } from './varint.ts';

/**
 * Journal upload (PROTOCOL.md §5.4): the terminal sends its unacknowledged
 * records in order, in batches; the backend stores them idempotently by
 * (terminal, seq) and answers with a cumulative acknowledgement — the high
 * water mark below which it holds every record — plus the chain at that
 * point. The terminal frees only acknowledged records.
 */

/** Records in one batch: bounds the backend's work per frame and the loss when a link drops. */
export const JOURNAL_BATCH_RECORDS_MAX = 4096;
/** Room kept for the batch header and TLVs when filling a payload. */
const BATCH_HEADER_BYTES_MAX = 96;

export interface JournalBatch {
  type: 'journalBatch';
  /** The uploading terminal: the default purse-slot writer of its records. */
  terminalId: number;
  /** Site offset from UTC (minutes) the terminal used for card days. */
  utcOffsetMinutes: number;
  /** Chain value before the first record (after the last acknowledged one). */
  chainPrev: Uint8Array;
  /** Chain value after the last record. */
  chainLast: Uint8Array;
  /** Consecutive seqs. */
  records: WireRecord[];
  /** tlv 2: the oldest seq the terminal still holds, when a resend asked for older ones (they were pruned). */
  prunedBelow?: number;
}

function contextFor(m: Pick<JournalBatch, 'terminalId' | 'utcOffsetMinutes'>, baseAtMs: number): RecordContext {
  return {
    terminalId: m.terminalId,
    utcOffsetMinutes: m.utcOffsetMinutes,
    prevAtMs: baseAtMs,
    shift: null,
    intentCards: new Map(),
  };
}

/** The shift the first sale of a batch ran under, when no sign-in in the batch precedes it: worth one context item. */
function openingShift(records: readonly WireRecord[]): { operator: number; shift: string } | null {
  for (const r of records) {
    if (r.kind === KIND.signIn || r.kind === KIND.signOut) return null;
    const b = r.body as Record<string, unknown> | null;
    if (r.kind === KIND.intent && b && typeof b === 'object') {
      return typeof b.shift === 'string' && isUint(b.operator, 0xffff_ffff)
        ? { operator: b.operator, shift: b.shift }
        : null;
    }
  }
  return null;
}

function writeHeader(
  w: Writer,
  m: Omit<JournalBatch, 'type' | 'records' | 'chainLast'>,
  first: WireRecord | undefined,
  count: number,
): void {
  w.varint(first?.seq ?? 0, 'baseSeq')
    .varint(count, 'recordCount')
    .varint(first?.atMs ?? 0, 'baseAtMs');
  w.u32(m.terminalId, 'terminalId')
    .svarint(m.utcOffsetMinutes, 'utcOffsetMinutes')
    .bytes(m.chainPrev, CHAIN_BYTES, 'chainPrev');
}

/** Encodes records as items into `w` until `maxBytes` (of w) or the end; returns how many records went in. */
function writeItems(
  w: Writer,
  records: readonly WireRecord[],
  ctx: RecordContext,
  maxBytes: number,
  onItem?: (bytes: Uint8Array, records: number) => void,
): number {
  const shift = openingShift(records);
  if (shift) {
    const item = encodeContextItem(shift);
    w.bytes(item);
    onItem?.(item, 0);
    ctx.shift = shift;
  }
  let i = 0;
  while (i < records.length && i < JOURNAL_BATCH_RECORDS_MAX) {
    const rec = records[i];
    if (rec.seq !== records[0].seq + i)
      throw new EncodeError(`batch records must have consecutive seqs: ${rec.seq} after ${records[0].seq + i - 1}`);
    const next = i + 1 < JOURNAL_BATCH_RECORDS_MAX ? records[i + 1] : undefined;
    const item = encodeItem(rec, next, ctx, true);
    if (w.length + item.bytes.length > maxBytes) break;
    w.bytes(item.bytes);
    onItem?.(item.bytes, item.records);
    i += item.records;
  }
  return i;
}

export const journalBatchCodec: Codec<JournalBatch> = {
  code: 0x30,
  type: 'journalBatch',
  from: 'terminal',
  cap: CAP.journal,
  encode(w, m) {
    const first = m.records[0];
    if (m.records.length > JOURNAL_BATCH_RECORDS_MAX)
      throw new EncodeError(`batch of ${m.records.length} records exceeds ${JOURNAL_BATCH_RECORDS_MAX}`);
    writeHeader(w, m, first, m.records.length);
    w.bytes(m.chainLast, CHAIN_BYTES, 'chainLast');
    const items = new Writer();
    const n = writeItems(items, m.records, contextFor(m, first?.atMs ?? 0), Number.MAX_SAFE_INTEGER);
    if (n !== m.records.length) throw new EncodeError('bug: not every record was encoded');
    w.bytes(items.finish());
    new TlvWriter(w).varint(2, m.prunedBelow);
  },
  decode(r) {
    const baseSeq = r.varint('baseSeq');
    const count = r.count('recordCount', 1, JOURNAL_BATCH_RECORDS_MAX);
    const baseAtMs = r.varint('baseAtMs');
    const m: JournalBatch = {
      type: 'journalBatch',
      terminalId: r.u32('terminalId'),
      utcOffsetMinutes: r.svarint('utcOffsetMinutes'),
      chainPrev: r.bytes(CHAIN_BYTES, 'chainPrev'),
      chainLast: r.bytes(CHAIN_BYTES, 'chainLast'),
      records: [],
    };
    if (Math.abs(m.utcOffsetMinutes) > 18 * 60) r.fail(`utcOffsetMinutes ${m.utcOffsetMinutes} beyond ±18 h`);
    if (count > 0 && baseSeq < 1) r.fail('baseSeq must be ≥ 1 (journal seqs start at 1)');
    const ctx = contextFor(m, baseAtMs);
    while (m.records.length < count && !r.failed) {
      for (const rec of decodeItem(r, ctx, baseSeq + m.records.length)) m.records.push(rec);
    }
    if (!r.failed && m.records.length !== count) r.fail(`batch says ${count} records, items hold ${m.records.length}`);
    if (!r.failed && count > 0 && m.records[0].atMs !== baseAtMs) r.fail('first record must sit at baseAtMs');
    const pruned = readTlvs(r, [2]).varint(2);
    if (pruned !== undefined) m.prunedBelow = pruned;
    return m;
  },
};

/**
 * Builds the next batch from `records` (the oldest unacknowledged first):
 * as many as fit in `maxPayloadBytes`, with chainLast computed. The caller
 * sends it and keeps `chainLast` until the backend acknowledges it.
 */
export function buildJournalBatch(
  records: readonly WireRecord[],
  opts: {
    terminalId: number;
    utcOffsetMinutes: number;
    chainPrev: Uint8Array;
    maxPayloadBytes: number;
    prunedBelow?: number;
  },
): JournalBatch {
  const items = new Writer();
  const base = records[0];
  const n = writeItems(
    items,
    records,
    contextFor(opts, base?.atMs ?? 0),
    opts.maxPayloadBytes - BATCH_HEADER_BYTES_MAX,
  );
  if (n === 0 && records.length > 0)
    throw new EncodeError(`record ${base.seq} alone exceeds ${opts.maxPayloadBytes} bytes`);
  const taken = records.slice(0, n);
  const batch: JournalBatch = {
    type: 'journalBatch',
    terminalId: opts.terminalId,
    utcOffsetMinutes: opts.utcOffsetMinutes,
    chainPrev: opts.chainPrev,
    chainLast: chainOver(opts.chainPrev, taken, opts.terminalId),
    records: taken.map((r) => ({ seq: r.seq, kind: r.kind, atMs: r.atMs, card: r.card, ref: r.ref, body: r.body })),
  };
  if (opts.prunedBelow !== undefined) batch.prunedBelow = opts.prunedBelow;
  return batch;
}

/** The items a batch's records encode to, one by one (for documentation and size accounting). */
export function batchItems(m: JournalBatch): { bytes: Uint8Array; records: number }[] {
  const out: { bytes: Uint8Array; records: number }[] = [];
  writeItems(
    new Writer(),
    m.records,
    contextFor(m, m.records[0]?.atMs ?? 0),
    Number.MAX_SAFE_INTEGER,
    (bytes, records) => out.push({ bytes, records }),
  );
  return out;
}

export const JournalAckStatus = makeEnum({ ok: 0, gap: 1, conflict: 2, malformed: 3, busy: 4 });

export interface JournalAck {
  type: 'journalAck';
  /** Every record with seq ≤ ackUpto is stored durably (0 = none yet). Cumulative: never goes down. */
  ackUpto: number;
  /** chain(ackUpto): the terminal's chainPrev for the next batch. */
  chainHead: Uint8Array;
  status: (typeof JournalAckStatus.values)[number];
  /** tlv 2: the seq whose chain link or content differs from what is stored (status conflict). */
  conflictSeq?: number;
  /** tlv 4: status busy — resend after this long. */
  retryAfterMs?: number;
}

export const journalAckCodec: Codec<JournalAck> = {
  code: 0x31,
  type: 'journalAck',
  from: 'backend',
  cap: CAP.journal,
  encode(w, m) {
    w.varint(m.ackUpto, 'ackUpto').bytes(m.chainHead, CHAIN_BYTES, 'chainHead');
    JournalAckStatus.write(w, m.status, 'status');
    new TlvWriter(w).varint(2, m.conflictSeq).varint(4, m.retryAfterMs);
  },
  decode(r) {
    const m: JournalAck = {
      type: 'journalAck',
      ackUpto: r.varint('ackUpto'),
      chainHead: r.bytes(CHAIN_BYTES, 'chainHead'),
      status: JournalAckStatus.read(r, 'status'),
    };
    const t = readTlvs(r, [2, 4]);
    const c = t.varint(2);
    const retry = t.varint(4);
    if (c !== undefined) m.conflictSeq = c;
    if (retry !== undefined) m.retryAfterMs = retry;
    return m;
  },
};

export interface JournalResend {
  type: 'journalResend';
  /** Send again from this seq … */
  fromSeq: number;
  /** … through this one (0 = through the newest). */
  toSeq: number;
  /** chain(fromSeq − 1) as the backend holds it: the chainPrev of the first resent batch. */
  chainPrev: Uint8Array;
}

export const journalResendCodec: Codec<JournalResend> = {
  code: 0x32,
  type: 'journalResend',
  from: 'backend',
  cap: CAP.journal,
  encode(w, m) {
    w.varint(m.fromSeq, 'fromSeq').varint(m.toSeq, 'toSeq').bytes(m.chainPrev, CHAIN_BYTES, 'chainPrev');
  },
  decode(r) {
    const m: JournalResend = {
      type: 'journalResend',
      fromSeq: r.varint('fromSeq'),
      toSeq: r.varint('toSeq'),
      chainPrev: r.bytes(CHAIN_BYTES, 'chainPrev'),
    };
    readTlvs(r, []);
    if (!r.failed && m.toSeq !== 0 && m.toSeq < m.fromSeq) r.fail(`resend ${m.fromSeq}..${m.toSeq} is empty`);
    return m;
  },
};
