import {
  BIT6,
  bytesToHex,
  CARD_BIT,
  hexToBytes,
  isObject,
  isUint,
  ITEM,
  ITEM_MASK,
  KIND,
  readRef,
  writeHead,
  type RecordContext,
  type WireRecord,
} from './record-context.ts';
import { type Reader, Writer } from './varint.ts';

/**
 * The compact items of the small record kinds (PROTOCOL.md §5.4.3): the closing records of a card
 * intent (commit, abort, uncertain, settle), tap.refused, and an operator's sign-in and sign-out.
 * Each encoder returns null for a record its item cannot carry; records.ts then sends it generic.
 */

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

/** Compact item of a non-intent kind, or null (the verify step decides whether it is exact). */
export function encodeSmall(rec: WireRecord, ctx: RecordContext): Uint8Array | null {
  const b = rec.body;
  const w = new Writer();
  const closing = CLOSING[rec.kind];
  if (closing !== undefined) {
    if (!isObject(b) || !isUint(rec.ref) || rec.ref >= rec.seq || !isUint(rec.card, 0xffff_ffff)) return null;
    const explicit = ctx.intentCards.get(rec.ref) !== rec.card;
    const landed = closing === ITEM.settle && b.outcome === 'landed';
    writeHead(w, closing | (explicit ? CARD_BIT : 0) | (landed ? BIT6 : 0), rec, ctx).varint(rec.seq - rec.ref);
    if (explicit) w.varint(rec.card);
    if (closing === ITEM.abort || closing === ITEM.uncertain)
      w.str(typeof b.problem === 'string' ? b.problem : '', 1024);
    if (closing === ITEM.settle) w.varint(isUint(b.counterSeen) ? b.counterSeen : 0);
    return w.finish();
  }
  if (!isObject(b) || !isUint(b.cardNumber, 0xffff_ffff))
    return rec.kind === KIND.refused && isObject(b) && b.cardNumber === null ? encodeRefused(w, rec, ctx, b) : null;
  if (rec.kind === KIND.refused) return encodeRefused(w, rec, ctx, b);
  if (rec.kind === KIND.signIn) return writeHead(w, ITEM.signIn, rec, ctx).varint(b.cardNumber).finish();
  if (rec.kind === KIND.signOut) {
    if (
      !isUint(rec.ref) ||
      rec.ref >= rec.seq ||
      !Number.isSafeInteger(b.count) ||
      !Number.isSafeInteger(b.amountCents)
    )
      return null;
    return writeHead(w, ITEM.signOut, rec, ctx)
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
  writeHead(w, ITEM.refused | (b.cardNumber !== null ? CARD_BIT : 0) | (code === 0 ? BIT6 : 0), rec, ctx);
  if (b.cardNumber !== null) w.varint(b.cardNumber as number);
  w.lenBytes(uid, 64);
  if (code === 0) w.str(b.reason, 64);
  else w.u8(code);
  return w.str(b.detail, 1024).finish();
}

/** Decodes an item of a small kind (its item byte and time already read). */
export function decodeSmall(r: Reader, item: number, seq: number, atMs: number, ctx: RecordContext): WireRecord {
  const k = item & ITEM_MASK;
  if (k === ITEM.refused) return decodeRefused(r, item, seq, atMs);
  if (k === ITEM.signIn) {
    const card = r.varint('cardNumber', 0xffff_ffff);
    const body = { cardNumber: card, name: `#${card}`, shift: `${ctx.terminalId}-${seq}`, signInSeq: seq, atMs };
    return { seq, kind: KIND.signIn, atMs, card, ref: null, body };
  }
  if (k === ITEM.signOut) {
    const card = r.varint('cardNumber', 0xffff_ffff);
    const ref = readRef(r, seq);
    const body = {
      cardNumber: card,
      shift: `${ctx.terminalId}-${ref}`,
      count: r.svarint('count'),
      amountCents: r.svarint('amountCents'),
    };
    return { seq, kind: KIND.signOut, atMs, card, ref, body };
  }
  return decodeClosing(r, item, seq, atMs, ctx);
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
