import { KIND } from './record-kinds.ts';
import { EncodeError, type Reader, type Writer } from './varint.ts';

/**
 * What the journal-record items of one batch share (PROTOCOL.md §5.4.3).
 * Encoder and decoder move it forward identically, record by record, so a
 * field equal to what the context predicts costs nothing on the wire.
 */

/** A journal record as the terminal journals it (firmware/store/journal/journal.ts), in wire form. */
export interface WireRecord {
  seq: number;
  kind: string;
  /** ms since the Unix epoch (terminal clock when journaled). */
  atMs: number;
  card: number | null;
  ref: number | null;
  /** The record body: any JSON value. */
  body: unknown;
}

export interface RecordContext {
  /** The uploading terminal: the default writer of purse slots. */
  terminalId: number;
  /** The site's offset, for the default card day of a record. */
  utcOffsetMinutes: number;
  /** atMs of the previous record (the batch's baseAtMs before the first). */
  prevAtMs: number;
  /** The shift open at this point: what a sale's shift/operator default to. */
  shift: { operator: number; shift: string } | null;
  /** Card of each card.intent seen in this batch, so its commit need not repeat it. */
  intentCards: Map<number, number>;
}

export const ITEM = {
  generic: 0,
  intent: 1,
  intentCommit: 2,
  commit: 3,
  abort: 4,
  uncertain: 5,
  settle: 6,
  refused: 7,
  signIn: 8,
  signOut: 9,
  context: 10,
} as const;
export const ITEM_MASK = 0x0f;
/** Bit 4 of the item byte: the time delta is negative (the clock was stepped back). */
export const NEG_DT = 0x10;
/** Bit 5 of the item byte, in the items that use it: the record's card travels explicitly. */
export const CARD_BIT = 0x20;
/** Bit 6 of the item byte: a flag whose meaning is the item's own (a settle's outcome, a generic item's ref). */
export const BIT6 = 0x40;

export { KIND } from './record-kinds.ts';
export { cardDay } from '../card-day.ts';

/** Moves the context past one record: the same rule on both sides, whatever the item's encoding. */
export function advance(ctx: RecordContext, rec: WireRecord): void {
  ctx.prevAtMs = rec.atMs;
  if (rec.kind === KIND.intent && typeof rec.card === 'number') ctx.intentCards.set(rec.seq, rec.card);
  const b = rec.body as Record<string, unknown> | null;
  if (
    rec.kind === KIND.signIn &&
    b &&
    typeof b === 'object' &&
    typeof b.cardNumber === 'number' &&
    typeof b.shift === 'string'
  ) {
    ctx.shift = { operator: b.cardNumber, shift: b.shift };
  }
  if (rec.kind === KIND.signOut) ctx.shift = null;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isUint(v: unknown, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;
}

/** Equal as JSON values; a key holding `undefined` counts as absent (JSON.stringify drops it). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(x, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  // Loops rather than keys().filter(): this runs for every record in every encode check (records.ts decodesTo).
  let na = 0;
  for (const k in ao) {
    if (!Object.hasOwn(ao, k) || ao[k] === undefined) continue;
    if (!Object.hasOwn(bo, k) || !sameJson(ao[k], bo[k])) return false;
    na++;
  }
  let nb = 0;
  for (const k in bo) if (Object.hasOwn(bo, k) && bo[k] !== undefined) nb++;
  return na === nb;
}

export function sameRecord(a: WireRecord, b: WireRecord): boolean {
  return (
    a.seq === b.seq &&
    a.kind === b.kind &&
    a.atMs === b.atMs &&
    a.card === b.card &&
    a.ref === b.ref &&
    sameJson(a.body, b.body)
  );
}

/** Writes |atMs − prev| and says whether it went backwards (for the item byte). */
export function timeDelta(atMs: number, ctx: RecordContext): { neg: boolean; dt: number } {
  if (!Number.isSafeInteger(atMs) || atMs < 0)
    throw new EncodeError(`record atMs ${atMs} is not a non-negative integer`);
  return { neg: atMs < ctx.prevAtMs, dt: Math.abs(atMs - ctx.prevAtMs) };
}

/** An item's first bytes: the item byte (with NEG_DT when time went back) and the time delta. */
export function writeHead(w: Writer, item: number, rec: WireRecord, ctx: RecordContext): Writer {
  const t = timeDelta(rec.atMs, ctx);
  return w.u8(item | (t.neg ? NEG_DT : 0)).varint(t.dt);
}

export function readTime(r: Reader, item: number, ctx: RecordContext): number {
  const dt = r.varint('dt');
  const atMs = item & NEG_DT ? ctx.prevAtMs - dt : ctx.prevAtMs + dt;
  if (!r.failed && (atMs < 0 || !Number.isSafeInteger(atMs))) r.fail(`record time ${atMs} out of range`);
  return atMs;
}

/** A reference to an earlier record travels as seq − ref (≥ 1). */
export function writeRefGap(w: Writer, seq: number, ref: number): void {
  if (!isUint(ref) || ref >= seq) throw new EncodeError(`record ${seq}: ref ${ref} is not an earlier seq`);
  w.varint(seq - ref, 'ref gap');
}

export function readRef(r: Reader, seq: number): number {
  const gap = r.varint('ref gap');
  if (!r.failed && (gap < 1 || gap > seq)) r.fail(`ref gap ${gap} at seq ${seq} points before seq 0`);
  return seq - gap;
}

/** Lowercase hex only (the journal's form), so a text that would not come back the same is refused. */
function nibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}
export function hexToBytes(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0) return null;
  // A loop, not a regex and two Buffers: every sale's UID goes through here twice on upload.
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(2 * i));
    const lo = nibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}
export function bytesToHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}

/** Negates without producing −0 (which a strict deep-equal tells apart from 0). */
export function signed(sign: 1 | -1, magnitude: number): number {
  return sign === 1 || magnitude === 0 ? magnitude : -magnitude;
}
