import type { RecordContext, WireRecord } from './record-context.ts';
import { sha256 } from '../sha256.ts';
import { encodeItem } from './records.ts';
import { Writer } from './varint.ts';

/**
 * The hash chain over a terminal's journal (PROTOCOL.md §6.6.4):
 *   chain(0) = 16 zero bytes
 *   chain(seq) = SHA-256(chain(seq − 1) ‖ canonical(record seq))[0..16]
 * canonical(record) = varint seq ‖ varint atMs ‖ the record's item encoded
 * alone, in a fixed context (the terminal's own id, UTC, no shift, no
 * earlier intent, no folding), compact whenever the kind's encoder accepts
 * the record and without the wire's decode-back check (records.ts form
 * 'canonical'); a generic item's JSON with keys sorted. So it depends
 * neither on how records were cut into batches nor on key order, and costs
 * each side one small encode and one hash per record: the check the wire
 * encoder makes was two-fifths of the upload's work on both sides.
 * A backend that holds chain(n) and recomputes the batch knows that nothing
 * was lost, doubled or reordered, and that no seq, time, kind, card, ref or
 * amount changed between the terminal's journal and its store.
 */

export const CHAIN_BYTES = 16;
export const CHAIN_ZERO: Uint8Array = new Uint8Array(CHAIN_BYTES);

/** The fixed context, reset for each record (one object, not one per record: this runs for every record on both sides). */
const fixed: RecordContext = {
  terminalId: 0,
  utcOffsetMinutes: 0,
  prevAtMs: 0,
  shift: null,
  intentCards: new Map<number, number>(),
};

function writeCanonical(w: Writer, rec: WireRecord, terminalId: number): Uint8Array {
  const ctx = fixed;
  ctx.terminalId = terminalId;
  ctx.prevAtMs = rec.atMs;
  ctx.shift = null;
  ctx.intentCards.clear();
  w.varint(rec.seq, 'seq').varint(rec.atMs, 'atMs');
  return w.bytes(encodeItem(rec, undefined, ctx, false, 'canonical').bytes).finish();
}

export function canonicalRecord(rec: WireRecord, terminalId: number): Uint8Array {
  return writeCanonical(new Writer(), rec, terminalId);
}

export function chainNext(prev: Uint8Array, rec: WireRecord, terminalId: number): Uint8Array {
  // prev ‖ canonical in one buffer, hashed by protocol/sha256.ts (node:crypto costs ~2 µs a call at this size).
  return sha256(writeCanonical(new Writer().bytes(prev), rec, terminalId), CHAIN_BYTES);
}

/** The chain after `records` (consecutive seqs) of terminal `terminalId`, starting from `prev`. */
export function chainOver(prev: Uint8Array, records: readonly WireRecord[], terminalId: number): Uint8Array {
  let h = prev;
  for (const r of records) h = chainNext(h, r, terminalId);
  return h;
}
