import { makeEnum } from './codec.ts';
import { holderBytes, holderWords, type Holder } from './list-holders.ts';
import { checkUint, EncodeError, varintSize, zigzag, type Reader, type Writer } from './varint.ts';

/**
 * The entries of the versioned lists (PROTOCOL.md §5.3) and the per-version
 * digest. Entries travel sorted by key, each key as a gap from the previous
 * one, so a dense million-card blacklist costs about one byte a card.
 */

export type { Holder } from './list-holders.ts';

export const ListIdEnum = makeEnum({ blacklist: 0, grants: 1, credits: 2, holders: 3 });
export type ListId = (typeof ListIdEnum.values)[number];

export const U32_MAX = 0xffff_ffff;
const I32_MAX = 0x7fff_ffff;

/** A temporary access grant (meeting rooms): doors is a bit mask of door numbers 0..31. */
export interface Grant {
  cardNumber: number;
  doors: number;
  /** Minutes since 2000-01-01T00:00Z (the card epoch), inclusive. */
  validFromMinute: number;
  /** Minutes since the card epoch, exclusive; ≥ validFromMinute. */
  validUntilMinute: number;
}

export const CreditPurse = makeEnum({ balance: 0, subsidy: 1 });
/**
 * Why a credit: money (subsidy … points, a redemption of member points), or `level`: a member level
 * change, no money — its `amount` is the card's new class (0..255), written to the card's level slot
 * at the tap that applies it (§6.5), so it lands once, in order with the card's credits.
 */
export const CreditReason = makeEnum({ subsidy: 0, topup: 1, refund: 2, adjust: 3, level: 4, points: 5 });
/** A level credit's amount is a card class: a u8 on the card. */
export const CARD_CLASS_MAX = 255;
export const isCardClass = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= CARD_CLASS_MAX;

/**
 * A credit waiting for its card (money invariant 5, docs/architecture.md). creditSeq counts per
 * card from 1; a terminal applies credits only in order from the card's
 * lastCreditSeq + 1 and writes the highest applied into the purse, so each
 * is applied at most once however many terminals hold it.
 */
export interface PendingCredit {
  cardNumber: number;
  creditSeq: number;
  /** In the purse's unit (cents, or uses on a count purse); negative takes back. */
  amount: number;
  purse: (typeof CreditPurse.values)[number];
  reason: (typeof CreditReason.values)[number];
  /** Last card day on which it may be applied; 0 = no expiry. */
  expiryDay: number;
}

export interface CreditKey {
  cardNumber: number;
  creditSeq: number;
}

function ascending(field: string, prev: number, next: number, allowEqual = false): void {
  if (next < prev || (!allowEqual && next === prev))
    throw new EncodeError(`${field}: entries must be sorted ascending and unique (${next} after ${prev})`);
}

/** Strictly ascending u32s: count, first value, then (gap − 1) for each next one. */
export function writeCards(w: Writer, cards: readonly number[], field: string): void {
  w.varint(cards.length, `${field} count`);
  let prev = -1;
  for (const c of cards) {
    if (!Number.isInteger(c) || c < 0 || c > U32_MAX) throw new EncodeError(`${field}: card ${c} is not a u32`);
    ascending(field, prev, c);
    w.varint(prev < 0 ? c : c - prev - 1);
    prev = c;
  }
}

export function readCards(r: Reader, field: string): number[] {
  const n = r.count(`${field} count`, 1);
  const out: number[] = new Array(n);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const v = r.varint(field, U32_MAX);
    const c = prev < 0 ? v : prev + v + 1;
    if (c > U32_MAX) r.fail(`${field}: card ${c} beyond u32`);
    if (r.failed) return [];
    out[i] = prev = c;
  }
  return out;
}

export function writeGrants(w: Writer, grants: readonly Grant[], field: string): void {
  writeCards(
    w,
    grants.map((g) => g.cardNumber),
    field,
  );
  for (const g of grants) {
    if (g.validUntilMinute < g.validFromMinute)
      throw new EncodeError(`${field}: card ${g.cardNumber} valid until before valid from`);
    w.varint(checkUint(g.doors, 'doors', U32_MAX), 'doors')
      .varint(g.validFromMinute, 'validFromMinute')
      .varint(g.validUntilMinute - g.validFromMinute, 'validMinutes');
  }
}

export function readGrants(r: Reader, field: string): Grant[] {
  const cards = readCards(r, field);
  const out: Grant[] = [];
  for (let i = 0; i < cards.length && !r.failed; i++) {
    const doors = r.varint('doors', U32_MAX);
    const from = r.varint('validFromMinute', U32_MAX);
    const minutes = r.varint('validMinutes', U32_MAX);
    out.push({ cardNumber: cards[i], doors, validFromMinute: from, validUntilMinute: from + minutes });
  }
  return r.failed ? [] : out;
}

function writeKeyed(w: Writer, keys: readonly CreditKey[], field: string, each: (i: number) => void): void {
  w.varint(keys.length, `${field} count`);
  let prevCard = -1;
  let prevSeq = 0;
  keys.forEach((k, i) => {
    if (!Number.isInteger(k.cardNumber) || k.cardNumber < 0 || k.cardNumber > U32_MAX)
      throw new EncodeError(`${field}: card ${k.cardNumber} is not a u32`);
    if (!Number.isInteger(k.creditSeq) || k.creditSeq < 1 || k.creditSeq > U32_MAX)
      throw new EncodeError(`${field}: creditSeq ${k.creditSeq} outside 1..${U32_MAX}`);
    ascending(field, prevCard, k.cardNumber, true);
    const same = k.cardNumber === prevCard;
    if (same) ascending(field, prevSeq, k.creditSeq);
    w.varint(prevCard < 0 ? k.cardNumber : k.cardNumber - prevCard).varint(
      same ? k.creditSeq - prevSeq - 1 : k.creditSeq,
    );
    prevCard = k.cardNumber;
    prevSeq = k.creditSeq;
    each(i);
  });
}

function readKeyed(r: Reader, field: string, each: (key: CreditKey) => void): void {
  const n = r.count(`${field} count`, 2);
  let prevCard = -1;
  let prevSeq = 0;
  for (let i = 0; i < n && !r.failed; i++) {
    const d = r.varint(field, U32_MAX);
    const card = prevCard < 0 ? d : prevCard + d;
    const same = prevCard >= 0 && d === 0;
    const s = r.varint('creditSeq', U32_MAX);
    const seq = same ? prevSeq + s + 1 : s;
    if (card > U32_MAX || seq > U32_MAX || seq < 1) r.fail(`${field}: key (${card}, ${seq}) out of range`);
    prevCard = card;
    prevSeq = seq;
    each({ cardNumber: card, creditSeq: seq });
  }
}

export function writeCreditKeys(w: Writer, keys: readonly CreditKey[], field: string): void {
  writeKeyed(w, keys, field, () => {});
}
export function readCreditKeys(r: Reader, field: string): CreditKey[] {
  const out: CreditKey[] = [];
  readKeyed(r, field, (k) => out.push(k));
  return r.failed ? [] : out;
}

export function writeCredits(w: Writer, credits: readonly PendingCredit[], field: string): void {
  writeKeyed(w, credits, field, (i) => {
    const c = credits[i];
    if (!Number.isInteger(c.amount) || Math.abs(c.amount) > I32_MAX)
      throw new EncodeError(`${field}: amount ${c.amount} is not an i32`);
    w.svarint(c.amount, 'amount')
      .u8(CreditPurse.toWire(c.purse) | (CreditReason.toWire(c.reason) << 1), 'kind')
      .varint(c.expiryDay, 'expiryDay');
  });
}

export function readCredits(r: Reader, field: string): PendingCredit[] {
  const out: PendingCredit[] = [];
  readKeyed(r, field, (k) => {
    const amount = r.svarint('amount');
    const kind = r.u8('kind');
    const purse = CreditPurse.fromWire(kind & 1);
    const reason = CreditReason.fromWire(kind >>> 1);
    const expiryDay = r.varint('expiryDay', 0xffff);
    if (Math.abs(amount) > I32_MAX) r.fail(`${field}: amount ${amount} beyond i32`);
    if (purse === undefined || reason === undefined) r.fail(`${field}: unknown credit kind 0x${kind.toString(16)}`);
    out.push({ ...k, amount, purse: purse ?? 'balance', reason: reason ?? 'subsidy', expiryDay });
  });
  return r.failed ? [] : out;
}

/** Bytes `e` takes on the wire after `prev` (null: first of its chunk) — mirrors the writers above, for chunking by size. */
export function entryBytes(list: ListId, prev: ListEntry | null, e: ListEntry): number {
  if (list === 'blacklist') return varintSize(prev === null ? (e as number) : (e as number) - (prev as number) - 1);
  if (list === 'grants') {
    const g = e as Grant;
    const gap = prev === null ? g.cardNumber : g.cardNumber - (prev as Grant).cardNumber - 1;
    return (
      varintSize(gap) +
      varintSize(g.doors) +
      varintSize(g.validFromMinute) +
      varintSize(g.validUntilMinute - g.validFromMinute)
    );
  }
  if (list === 'holders') {
    const h = e as Holder;
    return varintSize(prev === null ? h.cardNumber : h.cardNumber - (prev as Holder).cardNumber - 1) + holderBytes(h);
  }
  const c = e as PendingCredit;
  const p = prev as PendingCredit | null;
  const same = p !== null && p.cardNumber === c.cardNumber;
  const key =
    varintSize(p === null ? c.cardNumber : c.cardNumber - p.cardNumber) +
    varintSize(same ? c.creditSeq - (p as PendingCredit).creditSeq - 1 : c.creditSeq);
  return key + varintSize(zigzag(c.amount)) + 1 + varintSize(c.expiryDay);
}

// ── the per-version digest ────────────────────────────────────────────────

export const DIGEST_BYTES = 12;
const SEED_A = 0x6f6e6563; // "onec"
const SEED_B = 0x61726431; // "ard1"

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function lane(seed: number, words: readonly number[]): number {
  let h = seed;
  for (const w of words) h = fmix32((h ^ w) >>> 0);
  return fmix32((h ^ words.length) >>> 0);
}

export type ListEntry = number | Grant | PendingCredit | Holder;

/** The u32 words an entry contributes to the digest (PROTOCOL.md §5.3.4). */
export function entryWords(list: ListId, e: ListEntry): number[] {
  if (list === 'blacklist') return [e as number];
  if (list === 'grants') {
    const g = e as Grant;
    return [g.cardNumber, g.doors >>> 0, g.validFromMinute >>> 0, g.validUntilMinute >>> 0];
  }
  if (list === 'holders') return holderWords(e as Holder);
  const c = e as PendingCredit;
  return [
    c.cardNumber,
    c.creditSeq,
    c.amount >>> 0,
    CreditPurse.toWire(c.purse) | (CreditReason.toWire(c.reason) << 8),
    c.expiryDay,
  ];
}

/**
 * An order-independent digest of a list's content: the entry count and two
 * sums mod 2^32 of independent 32-bit hashes of each entry. A terminal keeps
 * it up to date in O(delta) (add and subtract), so checking it after every
 * delta costs nothing; it catches a lost or doubled delta, not an attacker
 * (the frame MAC does that).
 */
export class ListDigest {
  constructor(
    public count = 0,
    public a = 0,
    public b = 0,
  ) {}

  static of(list: ListId, entries: Iterable<ListEntry>): ListDigest {
    const d = new ListDigest();
    for (const e of entries) d.add(list, e);
    return d;
  }

  static fromBytes(b: Uint8Array): ListDigest {
    const u = (o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
    return new ListDigest(u(0), u(4), u(8));
  }

  add(list: ListId, e: ListEntry): this {
    const w = entryWords(list, e);
    this.count = (this.count + 1) >>> 0;
    this.a = (this.a + lane(SEED_A, w)) >>> 0;
    this.b = (this.b + lane(SEED_B, w)) >>> 0;
    return this;
  }

  remove(list: ListId, e: ListEntry): this {
    const w = entryWords(list, e);
    this.count = (this.count - 1) >>> 0;
    this.a = (this.a - lane(SEED_A, w)) >>> 0;
    this.b = (this.b - lane(SEED_B, w)) >>> 0;
    return this;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(DIGEST_BYTES);
    [this.count, this.a, this.b].forEach((v, i) => {
      for (let k = 0; k < 4; k++) out[i * 4 + k] = (v >>> (8 * k)) & 0xff;
    });
    return out;
  }
}
