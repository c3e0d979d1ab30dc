import { decodeIntent, encodeIntent } from './record-intent.ts';
import { decodeSmall, encodeSmall } from './record-small-kinds.ts';
import {
  advance,
  BIT6,
  CARD_BIT,
  ITEM,
  ITEM_MASK,
  isUint,
  KIND,
  readRef,
  readTime,
  sameJson,
  sameRecord,
  writeHead,
  writeRefGap,
  type RecordContext,
  type WireRecord,
} from './record-context.ts';
import { EncodeError, Reader, Writer } from './varint.ts';

/**
 * Journal records as batch items (PROTOCOL.md §5.4.3): one item byte (item
 * number in bits 0–3, bit 4 negative time delta, bits 5–7 item flags), the
 * time delta from the previous record, then the item's fields.
 *
 * The encoder tries the compact item for the record's kind, decodes it back
 * and compares with the record; anything that does not come back identical
 * travels as a generic item (kind string + card + ref + canonical JSON body).
 * So every record arrives exactly as journaled, and new record kinds need no
 * protocol change.
 */

/** Item-byte bits each item may use; any other bit set is a decode error. */
const ALLOWED_BITS: Record<number, number> = {
  0: 0x70,
  1: 0xf0,
  2: 0xf0,
  3: 0x30,
  4: 0x30,
  5: 0x30,
  6: 0x70,
  7: 0x70,
  8: 0x10,
  9: 0x10,
  10: 0x00,
};
const KIND_BYTES_MAX = 64;
const BODY_BYTES_MAX = 16 * 1024;

/** JSON with object keys sorted at every level: the hash chain's form, independent of key order. */
export function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : sortedJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function encodeGeneric(rec: WireRecord, ctx: RecordContext, sorted: boolean): Uint8Array {
  const json = sorted ? sortedJson(rec.body) : JSON.stringify(rec.body);
  if (typeof json !== 'string' || !sameJson(JSON.parse(json), rec.body))
    throw new EncodeError(`record ${rec.seq}: body is not a JSON value`);
  if (rec.card !== null && !isUint(rec.card))
    throw new EncodeError(`record ${rec.seq}: card ${rec.card} is not an unsigned integer`);
  const w = writeHead(
    new Writer(),
    ITEM.generic | (rec.card !== null ? CARD_BIT : 0) | (rec.ref !== null ? BIT6 : 0),
    rec,
    ctx,
  );
  w.str(rec.kind, KIND_BYTES_MAX, 'kind');
  if (rec.card !== null) w.varint(rec.card);
  if (rec.ref !== null) writeRefGap(w, rec.seq, rec.ref);
  return w.str(json, BODY_BYTES_MAX, 'body').finish();
}

/** A compact encoder that meets a value it cannot carry falls back to the generic item, never fails the batch. */
function attempt(encode: () => Uint8Array | null): Uint8Array | null {
  try {
    return encode();
  } catch (err) {
    if (err instanceof EncodeError) return null;
    throw err;
  }
}

function decodesTo(bytes: Uint8Array, expected: WireRecord[], ctx: RecordContext): boolean {
  const r = new Reader(bytes);
  const out = decodeItem(r, { ...ctx }, expected[0].seq);
  r.expectEnd('item');
  return !r.failed && out.length === expected.length && out.every((o, i) => sameRecord(o, expected[i]));
}

/** Whether a compact item may stand: on the wire only when it decodes back identical; in the canonical form always. */
function exactFor(form: 'wire' | 'canonical', bytes: Uint8Array, recs: WireRecord[], ctx: RecordContext): boolean {
  return form === 'canonical' || decodesTo(bytes, recs, ctx);
}

/**
 * The item for `rec` (folded with `next` when `next` is its commit and
 * folding is on), and how many records it covers. Moves the context on.
 *
 * form 'wire': a compact item only when it decodes back identical (the
 * record arrives exactly as journaled). form 'canonical' (the hash chain,
 * chain.ts): the compact item whenever its encoder accepts the record, with
 * no decode-back check, and sorted JSON in a generic item — a pure function
 * of the record that both sides compute cheaply (PROTOCOL.md §6.6.4).
 */
export function encodeItem(
  rec: WireRecord,
  next: WireRecord | undefined,
  ctx: RecordContext,
  fold: boolean,
  form: 'wire' | 'canonical' = 'wire',
): { bytes: Uint8Array; records: 1 | 2 } {
  if (typeof rec.kind !== 'string' || rec.kind.length === 0)
    throw new EncodeError(`record ${rec.seq}: kind must be a non-empty string`);
  let out: { bytes: Uint8Array; records: 1 | 2 } | null = null;
  if (rec.kind === KIND.intent) {
    if (fold && next && next.kind === KIND.commit && next.seq === rec.seq + 1) {
      const both = attempt(() => encodeIntent(rec, next, ctx));
      if (both && exactFor(form, both, [rec, next], ctx)) out = { bytes: both, records: 2 };
    }
    const one = out ? null : attempt(() => encodeIntent(rec, null, ctx));
    if (one && exactFor(form, one, [rec], ctx)) out = { bytes: one, records: 1 };
  } else {
    const small = attempt(() => encodeSmall(rec, ctx));
    if (small && exactFor(form, small, [rec], ctx)) out = { bytes: small, records: 1 };
  }
  out ??= { bytes: encodeGeneric(rec, ctx, form === 'canonical'), records: 1 };
  advance(ctx, rec);
  if (out.records === 2) advance(ctx, next as WireRecord);
  return out;
}

/** Item 10: sets the open shift (operator card and shift id) for the items after it. Not a record. */
export function encodeContextItem(shift: { operator: number; shift: string }): Uint8Array {
  return new Writer().u8(ITEM.context).varint(shift.operator).str(shift.shift, 255).finish();
}

/** Decodes one item: 0 records (context item), 1, or 2 (intent folded with its commit). */
export function decodeItem(r: Reader, ctx: RecordContext, seq: number): WireRecord[] {
  const item = r.u8('item');
  const k = item & ITEM_MASK;
  const allowed = ALLOWED_BITS[k];
  if (allowed === undefined || item & ~(allowed | ITEM_MASK)) {
    r.fail(
      allowed === undefined
        ? `unknown record item ${k}`
        : `record item ${k}: reserved bits set (0x${item.toString(16)})`,
    );
    return [];
  }
  if (k === ITEM.intent || k === ITEM.intentCommit) return decodeIntent(r, item, seq, ctx);
  if (k === ITEM.context) {
    ctx.shift = { operator: r.varint('operator', 0xffff_ffff), shift: r.str('shift', 255) };
    return [];
  }
  const atMs = readTime(r, item, ctx);
  const rec = k === ITEM.generic ? decodeGeneric(r, item, seq, atMs) : decodeSmall(r, item, seq, atMs, ctx);
  if (r.failed) return [];
  advance(ctx, rec);
  return [rec];
}

function decodeGeneric(r: Reader, item: number, seq: number, atMs: number): WireRecord {
  const kind = r.str('kind', KIND_BYTES_MAX);
  const card = item & CARD_BIT ? r.varint('card') : null;
  const ref = item & BIT6 ? readRef(r, seq) : null;
  const json = r.str('body', BODY_BYTES_MAX);
  let body: unknown = null;
  if (!r.failed) {
    if (kind.length === 0) r.fail('generic record: empty kind');
    try {
      body = JSON.parse(json);
      // Canonical JSON only: the hash chain and idempotency compare bytes.
      if (JSON.stringify(body) !== json) r.fail(`record ${seq}: body is not canonical JSON`);
    } catch {
      r.fail(`record ${seq}: body is not JSON`);
    }
  }
  return { seq, kind, atMs, card, ref, body };
}
