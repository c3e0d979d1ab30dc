import * as crypto from 'node:crypto';
import type { WireRecord } from './record-context.ts';
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

function writeCanonical(w: Writer, rec: WireRecord, terminalId: number): Uint8Array {
  const ctx = { terminalId, utcOffsetMinutes: 0, prevAtMs: rec.atMs, shift: null, intentCards: new Map<number, number>() };
  w.varint(rec.seq, 'seq').varint(rec.atMs, 'atMs');
  return w.bytes(encodeItem(rec, undefined, ctx, false, 'canonical').bytes).finish();
}

export function canonicalRecord(rec: WireRecord, terminalId: number): Uint8Array {
  return writeCanonical(new Writer(), rec, terminalId);
}

/** One-shot SHA-256 where this Node has it (≥ 20.12): a fresh Hash object per record cost as much as the hashing. */
const oneShot = (crypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash;

export function chainNext(prev: Uint8Array, rec: WireRecord, terminalId: number): Uint8Array {
  if (!oneShot) return new Uint8Array(crypto.createHash('sha256').update(prev).update(canonicalRecord(rec, terminalId)).digest().subarray(0, CHAIN_BYTES));
  // prev ‖ canonical built in one buffer: the same bytes hashed as the two updates above.
  const input = writeCanonical(new Writer().bytes(prev), rec, terminalId);
  return new Uint8Array(oneShot('sha256', input, 'buffer').subarray(0, CHAIN_BYTES));
}

/** The chain after `records` (consecutive seqs) of terminal `terminalId`, starting from `prev`. */
export function chainOver(prev: Uint8Array, records: readonly WireRecord[], terminalId: number): Uint8Array {
  let h = prev;
  for (const r of records) h = chainNext(h, r, terminalId);
  return h;
}
