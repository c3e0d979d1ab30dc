import { decodeIntent, encodeIntent } from './record-intent.ts';
import {
  advance,
  bytesToHex,
  hexToBytes,
  isObject,
  isUint,
  ITEM,
  ITEM_MASK,
  KIND,
  NEG_DT,
  readRef,
  readTime,
  sameJson,
  sameRecord,
  timeDelta,
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
const CARD_BIT = 0x20;
const BIT6 = 0x40;
const KIND_BYTES_MAX = 64;
const BODY_BYTES_MAX = 16 * 1024;

/** tap.refused reasons with a one-byte code (1-based); any other reason travels as text. */
export const REFUSAL_CODES = [
  'blacklisted',
  'expired',
  'frozen',
  'wrong-tenant',
  'class-not-allowed',
  'below-min',
  'above-max',
  'daily-limit',
  'pin-wrong',
  'pin-locked',
  'pin-not-set',
  'insufficient-balance',
  'balance-cap',
  'counter-rollback',
  'card-worn-out',
  'unreadable',
  'forged',
  'foreign-card',
  'operator-required',
  'nothing-to-undo',
  'undo-expired',
  'undo-other-card',
  'other-card-pending',
] as const;

const CLOSING: Record<string, number> = {
  [KIND.commit]: ITEM.commit,
  [KIND.abort]: ITEM.abort,
  [KIND.uncertain]: ITEM.uncertain,
  [KIND.settle]: ITEM.settle,
};
const CLOSING_KIND: Record<number, string> = Object.fromEntries(
  Object.entries(CLOSING).map(([kind, item]) => [item, kind]),
);

function head(w: Writer, item: number, rec: WireRecord, ctx: RecordContext): Writer {
  const t = timeDelta(rec.atMs, ctx);
  return w.u8(item | (t.neg ? NEG_DT : 0)).varint(t.dt);
}

/** Compact item of a non-intent kind, or null (the verify step decides whether it is exact). */
function encodeSmall(rec: WireRecord, ctx: RecordContext): Uint8Array | null {
  const b = rec.body;
  const w = new Writer();
  const closing = CLOSING[rec.kind];
  if (closing !== undefined) {
    if (!isObject(b) || !isUint(rec.ref) || rec.ref >= rec.seq || !isUint(rec.card, 0xffff_ffff)) return null;
    const explicit = ctx.intentCards.get(rec.ref) !== rec.card;
    const landed = closing === ITEM.settle && b.outcome === 'landed';
    head(w, closing | (explicit ? CARD_BIT : 0) | (landed ? BIT6 : 0), rec, ctx).varint(rec.seq - rec.ref);
    if (explicit) w.varint(rec.card);
    if (closing === ITEM.abort || closing === ITEM.uncertain)
      w.str(typeof b.problem === 'string' ? b.problem : '', 1024);
    if (closing === ITEM.settle) w.varint(isUint(b.counterSeen) ? b.counterSeen : 0);
    return w.finish();
  }
  if (!isObject(b) || !isUint(b.cardNumber, 0xffff_ffff))
    return rec.kind === KIND.refused && isObject(b) && b.cardNumber === null ? encodeRefused(w, rec, ctx, b) : null;
  if (rec.kind === KIND.refused) return encodeRefused(w, rec, ctx, b);
  if (rec.kind === KIND.signIn) return head(w, ITEM.signIn, rec, ctx).varint(b.cardNumber).finish();
  if (rec.kind === KIND.signOut) {
    if (
      !isUint(rec.ref) ||
      rec.ref >= rec.seq ||
      !Number.isSafeInteger(b.count) ||
      !Number.isSafeInteger(b.amountCents)
    )
      return null;
    return head(w, ITEM.signOut, rec, ctx)
      .varint(b.cardNumber)
      .varint(rec.seq - rec.ref)
      .svarint(b.count as number)
      .svarint(b.amountCents as number)
      .finish();
  }
  return null;
}

function encodeRefused(w: Writer, rec: WireRecord, ctx: RecordContext, b: Record<string, unknown>): Uint8Array | null {
  const uid = typeof b.uid === 'string' ? hexToBytes(b.uid) : null;
  if (uid === null || typeof b.reason !== 'string' || typeof b.detail !== 'string') return null;
  const code = REFUSAL_CODES.indexOf(b.reason as (typeof REFUSAL_CODES)[number]) + 1;
  head(w, ITEM.refused | (b.cardNumber !== null ? CARD_BIT : 0) | (code === 0 ? BIT6 : 0), rec, ctx);
  if (b.cardNumber !== null) w.varint(b.cardNumber as number);
  w.lenBytes(uid, 64);
  if (code === 0) w.str(b.reason, 64);
  else w.u8(code);
  return w.str(b.detail, 1024).finish();
}

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
  const w = head(
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
  let rec: WireRecord;
  if (k === ITEM.generic) rec = decodeGeneric(r, item, seq, atMs);
  else if (k === ITEM.refused) rec = decodeRefused(r, item, seq, atMs);
  else if (k === ITEM.signIn) {
    const card = r.varint('cardNumber', 0xffff_ffff);
    const body = { cardNumber: card, name: `#${card}`, shift: `${ctx.terminalId}-${seq}`, signInSeq: seq, atMs };
    rec = { seq, kind: KIND.signIn, atMs, card, ref: null, body };
  } else if (k === ITEM.signOut) {
    const card = r.varint('cardNumber', 0xffff_ffff);
    const ref = readRef(r, seq);
    const body = {
      cardNumber: card,
      shift: `${ctx.terminalId}-${ref}`,
      count: r.svarint('count'),
      amountCents: r.svarint('amountCents'),
    };
    rec = { seq, kind: KIND.signOut, atMs, card, ref, body };
  } else rec = decodeClosing(r, item, seq, atMs, ctx);
  if (r.failed) return [];
  advance(ctx, rec);
  return [rec];
}

function decodeClosing(r: Reader, item: number, seq: number, atMs: number, ctx: RecordContext): WireRecord {
  const k = item & ITEM_MASK;
  const kind = CLOSING_KIND[k];
  const ref = readRef(r, seq);
  const known = ctx.intentCards.get(ref);
  const card =
    item & CARD_BIT
      ? r.varint('card', 0xffff_ffff)
      : (known ?? r.fail(`${kind} of seq ${ref}: card not given and that intent is not in this batch`));
  let body: Record<string, unknown> = { intentSeq: ref };
  if (k === ITEM.abort || k === ITEM.uncertain) body = { intentSeq: ref, problem: r.str('problem', 1024) };
  if (k === ITEM.settle)
    body = { intentSeq: ref, outcome: item & BIT6 ? 'landed' : 'not-landed', counterSeen: r.varint('counterSeen') };
  if (k !== ITEM.settle && item & BIT6) r.fail(`${kind}: bit 6 is reserved`);
  return { seq, kind, atMs, card, ref, body };
}

function decodeRefused(r: Reader, item: number, seq: number, atMs: number): WireRecord {
  const card = item & CARD_BIT ? r.varint('cardNumber', 0xffff_ffff) : null;
  const uid = bytesToHex(r.lenBytes('uid', 64));
  let reason: string;
  if (item & BIT6) reason = r.str('reason', 64);
  else {
    const code = r.u8('reason code');
    reason = REFUSAL_CODES[code - 1] ?? '';
    if (reason === '' && !r.failed) r.fail(`unknown refusal code ${code}`);
  }
  const body = { cardNumber: card, uid, reason, detail: r.str('detail', 1024) };
  return { seq, kind: KIND.refused, atMs, card, ref: null, body };
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
