import {
  advance,
  bytesToHex,
  cardDay,
  hexToBytes,
  isObject,
  isUint,
  ITEM,
  ITEM_MASK,
  KIND,
  NEG_DT,
  readTime,
  signed,
  timeDelta,
  type RecordContext,
  type WireRecord,
} from './record-context.ts';
import { Writer, zigzag, unzigzag, type Reader } from './varint.ts';

/**
 * The compact card.intent item, alone (item 1) or folded with its commit
 * (item 2) — PROTOCOL.md §6.6.2. Every field the terminal journals in an
 * IntentBody is carried or derived, so the backend gets the record exactly:
 * derived fields are those that follow from others (counterAfter =
 * counterBefore + 1, fromBalance = charged − fromSubsidy, the slot writer is
 * the uploading terminal, the day is the record's day …). When a record does
 * not follow a derivation, this encoder returns null and the generic item
 * carries it as JSON instead.
 *
 * item byte: bits 0–3 item, bit 4 negative dt, bits 5–6 tx (0 sale, 1 topup,
 * 2 undo, 3 credit), bit 7 unit uses.
 *
 * tx credit is a tap writing pending credits (§6.5); its creditSeqs are
 * contiguous and end at next.lastCreditSeq, so only their count travels.
 * tx payout (the desk's cash payout) has no code here: it travels as the generic item.
 */

const TX = ['sale', 'topup', 'undo', 'credit'] as const;
const TX_CREDIT = 3;
/**
 * Credits one write applies, at most. The terminal applies ≤ 64 per card
 * (firmware/store/credits.ts); the bound keeps a hostile count from making
 * the decoder build a huge array. More travels as the generic item.
 */
export const CREDITS_PER_WRITE_MAX = 1024;
const F = {
  uid: 0x03,
  subsidy: 0x04,
  writer: 0x08,
  other: 0x10,
  shiftCtx: 0x20,
  discount: 0x40,
  extras: 0x80,
} as const;
const X = { undoOf: 0x01, items: 0x02, day: 0x04, shift: 0x08, spentRaw: 0x10, otherFull: 0x20 } as const;
const UID_CODE_BYTES = [0, 4, 7] as const;

type Body = Record<string, unknown>;

/** Encodes the intent (and its commit when given); null when the record is not compact-shaped. */
export function encodeIntent(rec: WireRecord, commit: WireRecord | null, ctx: RecordContext): Uint8Array | null {
  const b = rec.body;
  if (!isObject(b) || !isObject(b.next)) return null;
  const n = b.next;
  // Not one of the four compact codes (a payout): the generic item carries it.
  const tx = TX.indexOf(b.tx as (typeof TX)[number]);
  if (tx < 0 || (b.unit !== 'cents' && b.unit !== 'uses') || typeof b.uid !== 'string') return null;
  const uid = hexToBytes(b.uid);
  const sign = tx === 0 ? 1 : -1;
  const charged = sign * (b.chargedAmount as number);
  const fromSubsidy = sign * (b.fromSubsidy as number);
  const nums = [
    b.cardNumber,
    b.counterBefore,
    charged,
    fromSubsidy,
    n.subsidy,
    n.balance,
    n.lastCreditSeq,
    n.spentToday,
    b.writerBefore,
  ];
  if (
    uid === null ||
    !nums.every((v) => isUint(v)) ||
    typeof b.discountAmount !== 'number' ||
    !Number.isSafeInteger(b.discountAmount)
  )
    return null;
  const spent = n.spentToday as number;
  const creditCount = tx === TX_CREDIT ? contiguousCredits(b.creditSeqs, n.lastCreditSeq as number) : 0;
  if (creditCount < 0) return null;
  const t = timeDelta(rec.atMs, ctx);

  let f = uid.length === 4 ? 1 : uid.length === 7 ? 2 : uid.length === 0 ? 0 : 3;
  if (fromSubsidy !== 0 || n.subsidy !== 0) f |= F.subsidy;
  if (b.writerBefore !== ctx.terminalId) f |= F.writer;
  const o = b.otherSlot;
  const otherCounterDefault = isObject(o) && o.counter === (b.counterBefore as number) - 1;
  if (otherCounterDefault && o.writer !== b.writerBefore) f |= F.other;
  const hasShift = b.shift !== undefined || b.operator !== undefined;
  const shiftCtx = hasShift && ctx.shift !== null && b.shift === ctx.shift.shift && b.operator === ctx.shift.operator;
  if (shiftCtx) f |= F.shiftCtx;
  if (b.discountAmount !== 0) f |= F.discount;
  let x = otherCounterDefault ? 0 : X.otherFull;
  if (b.undoOf !== undefined) x |= X.undoOf;
  if (b.items !== undefined) x |= X.items;
  if (n.day !== cardDay(rec.atMs, ctx.utcOffsetMinutes)) x |= X.day;
  if (hasShift && !shiftCtx) x |= X.shift;
  const spentRaw = tx !== 0 || spent < charged;
  if (spentRaw && tx === 0) x |= X.spentRaw;
  if (x !== 0) f |= F.extras;

  const w = new Writer();
  w.u8((commit ? ITEM.intentCommit : ITEM.intent) | (t.neg ? NEG_DT : 0) | (tx << 5) | (b.unit === 'uses' ? 0x80 : 0));
  w.varint(t.dt).u8(f);
  if (x !== 0) w.u8(x);
  w.varint(b.cardNumber as number)
    .varint(b.counterBefore as number)
    .varint(charged);
  if (f & F.subsidy) w.varint(fromSubsidy).varint(n.subsidy as number);
  w.varint(n.balance as number)
    .varint(n.lastCreditSeq as number)
    .varint(spentRaw ? spent : spent - charged);
  if (tx === TX_CREDIT) w.varint(creditCount);
  // Writers are terminal ids; a site's terminals have nearby ids, so each travels as a signed delta (one byte).
  if (f & F.writer) w.svarint((b.writerBefore as number) - ctx.terminalId);
  if (f & F.other) w.svarint(((o as Record<string, unknown>).writer as number) - (b.writerBefore as number));
  if (x & X.otherFull) {
    if (!isObject(o)) w.varint(0);
    else if (!isUint(o.counter) || !isUint(o.writer)) return null;
    else
      w.varint(1 + zigzag((b.counterBefore as number) - 1 - o.counter)).svarint(o.writer - (b.writerBefore as number));
  }
  if (f & F.discount) w.svarint(b.discountAmount);
  if (commit) {
    if (commit.atMs < rec.atMs) return null;
    w.varint(commit.atMs - rec.atMs);
  }
  if ((f & F.uid) === 3) w.varint(uid.length);
  w.bytes(uid);
  if (x & X.undoOf) {
    if (!isUint(b.undoOf) || b.undoOf >= rec.seq) return null;
    w.varint(rec.seq - b.undoOf);
  }
  if (x & X.items) {
    if (!Array.isArray(b.items)) return null;
    w.varint(b.items.length);
    for (const it of b.items) {
      if (!isObject(it) || !isUint(it.code) || !isUint(it.qty)) return null;
      w.varint(it.code).varint(it.qty);
    }
  }
  if (x & X.day) {
    if (!isUint(n.day)) return null;
    w.varint(n.day);
  }
  if (x & X.shift) {
    if (!isUint(b.operator) || typeof b.shift !== 'string') return null;
    w.varint(b.operator).str(b.shift, 255);
  }
  return w.finish();
}

/** Reads an intent item (after its item byte) and returns the intent, plus the commit when folded. */
export function decodeIntent(r: Reader, item: number, seq: number, ctx: RecordContext): WireRecord[] {
  const atMs = readTime(r, item, ctx);
  const tx = TX[(item >>> 5) & 3];
  const sign = tx === 'sale' ? 1 : -1;
  const f = r.u8('intent flags');
  const x = f & F.extras ? r.u8('intent extras') : 0;
  if (x & ~0x3f) r.fail(`intent extras: reserved bits set (0x${x.toString(16)})`);
  if (f & F.extras && x === 0) r.fail('intent extras: flag set but no extra');
  if ((f & F.shiftCtx && x & X.shift) || (f & F.shiftCtx && ctx.shift === null))
    r.fail('intent: shift from context without an open shift, or twice');
  const cardNumber = r.varint('cardNumber', 0xffff_ffff);
  const counterBefore = r.varint('counterBefore');
  const charged = r.varint('chargedAmount');
  const fromSubsidy = f & F.subsidy ? r.varint('fromSubsidy') : 0;
  const subsidy = f & F.subsidy ? r.varint('next.subsidy') : 0;
  const balance = r.varint('next.balance');
  const lastCreditSeq = r.varint('next.lastCreditSeq');
  const spentField = r.varint('spentToday');
  const creditCount = tx === 'credit' ? r.varint('credit count', CREDITS_PER_WRITE_MAX) : 0;
  if (!r.failed && tx === 'credit' && (creditCount < 1 || creditCount > lastCreditSeq))
    r.fail(`intent: ${creditCount} credits cannot end at lastCreditSeq ${lastCreditSeq}`);
  const writerBefore = ctx.terminalId + (f & F.writer ? r.svarint('writerBefore') : 0);
  let otherSlot: { counter: number; writer: number } | null = {
    counter: counterBefore - 1,
    writer: writerBefore + (f & F.other ? r.svarint('otherSlot.writer') : 0),
  };
  if (x & X.otherFull) {
    if (f & F.other) r.fail('intent: other slot given twice');
    const v = r.varint('otherSlot');
    otherSlot =
      v === 0
        ? null
        : { counter: counterBefore - 1 - unzigzag(v - 1), writer: writerBefore + r.svarint('otherSlot.writer') };
  }
  if (writerBefore < 0 || (otherSlot !== null && otherSlot.writer < 0)) r.fail('intent: writer terminal id below 0');
  const discountAmount = f & F.discount ? r.svarint('discountAmount') : 0;
  const commitDt = (item & ITEM_MASK) === ITEM.intentCommit ? r.varint('commit dt') : -1;
  const uidLen = (f & F.uid) === 3 ? r.varint('uid length', 64) : UID_CODE_BYTES[f & F.uid];
  const uid = bytesToHex(r.bytes(uidLen, 'uid'));
  const body: Record<string, unknown> = {
    tx,
    cardNumber,
    uid,
    unit: item & 0x80 ? 'uses' : 'cents',
    chargedAmount: signed(sign, charged),
    fromSubsidy: signed(sign, fromSubsidy),
    fromBalance: signed(sign, charged - fromSubsidy),
    listAmountCents: signed(sign, charged) + discountAmount,
    discountAmount,
    counterBefore,
    counterAfter: counterBefore + 1,
    writerBefore,
    otherSlot,
    next: {
      counter: counterBefore + 1,
      balance,
      subsidy,
      lastCreditSeq,
      day: cardDay(atMs, ctx.utcOffsetMinutes),
      spentToday: tx === 'sale' && !(x & X.spentRaw) ? spentField + charged : spentField,
      writerTerminalId: ctx.terminalId,
    },
  };
  readExtras(r, x, seq, body, f & F.shiftCtx ? ctx.shift : null);
  if (tx === 'credit' && !r.failed)
    body.creditSeqs = Array.from({ length: creditCount }, (_, i) => lastCreditSeq - creditCount + 1 + i);
  const intent: WireRecord = { seq, kind: KIND.intent, atMs, card: cardNumber, ref: null, body };
  if (r.failed) return [];
  advance(ctx, intent);
  if (commitDt < 0) return [intent];
  const commit: WireRecord = {
    seq: seq + 1,
    kind: KIND.commit,
    atMs: atMs + commitDt,
    card: cardNumber,
    ref: seq,
    body: { intentSeq: seq },
  };
  advance(ctx, commit);
  return [intent, commit];
}

function readExtras(r: Reader, x: number, seq: number, body: Body, shift: RecordContext['shift']): void {
  if (x & X.undoOf) {
    const gap = r.varint('undoOf gap');
    if (!r.failed && (gap < 1 || gap > seq)) r.fail(`undoOf gap ${gap} out of range`);
    body.undoOf = seq - gap;
  }
  let items: { code: number; qty: number }[] | undefined;
  if (x & X.items) {
    const count = r.count('items', 2, 999);
    items = [];
    for (let i = 0; i < count && !r.failed; i++) items.push({ code: r.varint('item code'), qty: r.varint('item qty') });
  }
  if (x & X.day) (body.next as Body).day = r.varint('next.day', 0xffff);
  if (x & X.shift) shift = { operator: r.varint('operator'), shift: r.str('shift', 255) };
  if (shift) {
    body.shift = shift.shift;
    body.operator = shift.operator;
  }
  if (items) body.items = items;
}

/** The count of a credit write's creditSeqs when they run contiguously up to lastCreditSeq (§6.5); −1 otherwise. */
function contiguousCredits(seqs: unknown, lastCreditSeq: number): number {
  if (!Array.isArray(seqs) || seqs.length < 1 || seqs.length > CREDITS_PER_WRITE_MAX || seqs.length > lastCreditSeq)
    return -1;
  const first = lastCreditSeq - seqs.length + 1;
  return seqs.every((s, i) => s === first + i) ? seqs.length : -1;
}
