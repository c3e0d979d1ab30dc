import { CAP, makeEnum, type Codec } from './codec.ts';
import { readTlvs, TlvWriter } from './tlv.ts';
import { Reader, Writer } from './varint.ts';

/**
 * Online authorisation (PROTOCOL.md §5.5), after ISO 8583 (docs/protocol-lessons.md):
 * AUTHORIZE_REQUEST/RESPONSE ≈ 0100/0110, REVERSAL ≈ 0400, ADVICE ≈ 0220.
 * The STAN is the terminal's transaction number: unique per terminal for
 * ever (a u32 that never wraps in a terminal's life), so the backend dedupes
 * on (terminal, STAN) and answers a repeated request with the same response.
 */

export const AuthPurpose = makeEnum({ sale: 0, inquiry: 1, topup: 2 });
export const AuthResult = makeEnum({ approved: 0, declined: 1, retry: 2 });
export const AuthReason = makeEnum({
  none: 0,
  'insufficient-funds': 1,
  'card-lost': 2,
  'card-frozen': 3,
  'unknown-card': 4,
  'limit-exceeded': 5,
  'too-late': 6,
  duplicate: 7,
  'system-error': 8,
});

const uid = (w: Writer, b: Uint8Array) => w.lenBytes(b, 10, 'uid');
const readUid = (r: Reader) => r.lenBytes('uid', 10);

export interface AuthorizeRequest {
  type: 'authorizeRequest';
  stan: number;
  purpose: (typeof AuthPurpose.values)[number];
  cardNumber: number;
  uid: Uint8Array;
  amountCents: number;
  terminalTimeMs: number;
  /** How long the terminal waits from terminalTimeMs; an answer later than that is reversed, not used. */
  deadlineMs: number;
  /** tlv 2: menu lines (code, qty). */
  items?: { code: number; qty: number }[];
  /** tlv 4: the signed-in operator's card. */
  operator?: number;
}

export const authorizeRequestCodec: Codec<AuthorizeRequest> = {
  code: 0x40,
  type: 'authorizeRequest',
  from: 'terminal',
  cap: CAP.onlineAuth,
  encode(w, m) {
    w.u32(m.stan, 'stan');
    AuthPurpose.write(w, m.purpose, 'purpose');
    w.varint(m.cardNumber, 'cardNumber');
    uid(w, m.uid);
    w.varint(m.amountCents, 'amountCents')
      .varint(m.terminalTimeMs, 'terminalTimeMs')
      .varint(m.deadlineMs, 'deadlineMs');
    let items: Uint8Array | undefined;
    if (m.items) {
      const iw = new Writer();
      iw.varint(m.items.length, 'items');
      for (const it of m.items) iw.varint(it.code, 'item code').varint(it.qty, 'item qty');
      items = iw.finish();
    }
    new TlvWriter(w).bytes(2, items).varint(4, m.operator);
  },
  decode(r) {
    const m: AuthorizeRequest = {
      type: 'authorizeRequest',
      stan: r.u32('stan'),
      purpose: AuthPurpose.read(r, 'purpose'),
      cardNumber: r.varint('cardNumber', 0xffff_ffff),
      uid: readUid(r),
      amountCents: r.varint('amountCents'),
      terminalTimeMs: r.varint('terminalTimeMs'),
      deadlineMs: r.varint('deadlineMs', 3_600_000),
    };
    const t = readTlvs(r, [2, 4]);
    const raw = t.bytes(2);
    if (raw) {
      const ir = new Reader(raw);
      const n = ir.count('items', 2, 999);
      m.items = [];
      for (let i = 0; i < n && !ir.failed; i++)
        m.items.push({ code: ir.varint('item code'), qty: ir.varint('item qty') });
      ir.expectEnd('items');
      if (ir.error) r.fail(`tlv 2: ${ir.error}`);
    }
    const op = t.varint(4, 0xffff_ffff);
    if (op !== undefined) m.operator = op;
    return m;
  },
};

export interface AuthorizeResponse {
  type: 'authorizeResponse';
  stan: number;
  result: (typeof AuthResult.values)[number];
  reason: (typeof AuthReason.values)[number];
  approvedAmountCents: number;
  /** Account balance after this sale (signed: credit accounts go below zero). */
  balanceCents: number;
  /** Backend's approval code (ISO 8583 field 38), printed on the receipt; 0 when declined. */
  authCode: number;
  /** tlv 2: text for the display. */
  text?: string;
}

export const authorizeResponseCodec: Codec<AuthorizeResponse> = {
  code: 0x41,
  type: 'authorizeResponse',
  from: 'backend',
  cap: CAP.onlineAuth,
  encode(w, m) {
    w.u32(m.stan, 'stan');
    AuthResult.write(w, m.result, 'result');
    AuthReason.write(w, m.reason, 'reason');
    w.varint(m.approvedAmountCents, 'approvedAmountCents')
      .svarint(m.balanceCents, 'balanceCents')
      .u32(m.authCode, 'authCode');
    new TlvWriter(w).str(2, m.text);
  },
  decode(r) {
    const m: AuthorizeResponse = {
      type: 'authorizeResponse',
      stan: r.u32('stan'),
      result: AuthResult.read(r, 'result'),
      reason: AuthReason.read(r, 'reason'),
      approvedAmountCents: r.varint('approvedAmountCents'),
      balanceCents: r.svarint('balanceCents'),
      authCode: r.u32('authCode'),
    };
    const text = readTlvs(r, [2]).str(2);
    if (text !== undefined) m.text = text;
    return m;
  },
};

export const ReversalReason = makeEnum({ 'late-response': 0, 'not-completed': 1, cancelled: 2 });

export interface Reversal {
  type: 'reversal';
  /** The STAN of the authorisation being reversed (ISO 8583 field 90 in spirit). */
  stan: number;
  reason: (typeof ReversalReason.values)[number];
  amountCents: number;
  atMs: number;
}

export const reversalCodec: Codec<Reversal> = {
  code: 0x42,
  type: 'reversal',
  from: 'terminal',
  cap: CAP.onlineAuth,
  encode(w, m) {
    w.u32(m.stan, 'stan');
    ReversalReason.write(w, m.reason, 'reason');
    w.varint(m.amountCents, 'amountCents').varint(m.atMs, 'atMs');
  },
  decode(r) {
    const m: Reversal = {
      type: 'reversal',
      stan: r.u32('stan'),
      reason: ReversalReason.read(r, 'reason'),
      amountCents: r.varint('amountCents'),
      atMs: r.varint('atMs'),
    };
    readTlvs(r, []);
    return m;
  },
};

export interface StanAck {
  type: 'reversalAck';
  stan: number;
}

export const reversalAckCodec: Codec<StanAck> = {
  code: 0x43,
  type: 'reversalAck',
  from: 'backend',
  cap: CAP.onlineAuth,
  encode(w, m) {
    w.u32(m.stan, 'stan');
  },
  decode(r) {
    const m: StanAck = { type: 'reversalAck', stan: r.u32('stan') };
    readTlvs(r, []);
    return m;
  },
};

export const AdviceReason = makeEnum({ 'backend-unreachable': 0, timeout: 1, 'below-floor': 2 });

export interface Advice {
  type: 'advice';
  /**
   * The STAN of the sale's request (ISO 8583 field 90 in spirit), never a new
   * one: the request was journaled, if never answered or never sent (§6.7
   * "One STAN per sale"). The backend books the STAN once, request or advice.
   */
  stan: number;
  cardNumber: number;
  amountCents: number;
  atMs: number;
  reason: (typeof AdviceReason.values)[number];
  /** The journal record saying the sale was approved offline (online.result), so the backend can match advice and upload. */
  journalSeq: number;
}

export const adviceCodec: Codec<Advice> = {
  code: 0x44,
  type: 'advice',
  from: 'terminal',
  cap: CAP.onlineAuth,
  encode(w, m) {
    w.u32(m.stan, 'stan')
      .varint(m.cardNumber, 'cardNumber')
      .varint(m.amountCents, 'amountCents')
      .varint(m.atMs, 'atMs');
    AdviceReason.write(w, m.reason, 'reason');
    w.varint(m.journalSeq, 'journalSeq');
  },
  decode(r) {
    const m: Advice = {
      type: 'advice',
      stan: r.u32('stan'),
      cardNumber: r.varint('cardNumber', 0xffff_ffff),
      amountCents: r.varint('amountCents'),
      atMs: r.varint('atMs'),
      reason: AdviceReason.read(r, 'reason'),
      journalSeq: r.varint('journalSeq'),
    };
    readTlvs(r, []);
    return m;
  },
};

export const AdviceStatus = makeEnum({ posted: 0, duplicate: 1, overdrawn: 2 });

export interface AdviceAck {
  type: 'adviceAck';
  stan: number;
  /** An advice reports a done fact: it can be flagged (overdrawn) but never declined. */
  status: (typeof AdviceStatus.values)[number];
}

export const adviceAckCodec: Codec<AdviceAck> = {
  code: 0x45,
  type: 'adviceAck',
  from: 'backend',
  cap: CAP.onlineAuth,
  encode(w, m) {
    w.u32(m.stan, 'stan');
    AdviceStatus.write(w, m.status, 'status');
  },
  decode(r) {
    const m: AdviceAck = { type: 'adviceAck', stan: r.u32('stan'), status: AdviceStatus.read(r, 'status') };
    readTlvs(r, []);
    return m;
  },
};
