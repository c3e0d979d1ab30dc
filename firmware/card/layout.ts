import { aesCmac, equalBytes } from '../crypto/cmac.ts';
import { BLOCK_BYTES } from './session.ts';

/**
 * Card application layout v1 on MIFARE Classic 1K — a pure codec, no I/O.
 * The byte-by-byte description with a hex example of every block is in
 * LAYOUT.md beside this file; test/vectors/card-layout-v1.json holds the same
 * examples and the tests check both ways.
 */
export const LAYOUT_VERSION = 1;
export const IDENTITY_SECTOR = 1;
export const IDENTITY_BLOCKS = [4, 5] as const;
/** Slot 0 lives in sector 2, slot 1 in sector 3: a torn write can only hurt the slot being written. */
export const PURSE_SLOTS = [
  { sector: 2, blocks: [8, 9] },
  { sector: 3, blocks: [12, 13] },
] as const;
export const APP_SECTORS = [1, 2, 3] as const;

/** Field limits, from the byte widths below. */
export const U24_MAX = 0xff_ffff;
export const U32_MAX = 0xffff_ffff;
/** The counter is 24 bits: 16.7 M writes is far beyond the 2 × 100 000 cycles the two slot blocks survive. */
export const COUNTER_MAX = U24_MAX;
export const TERMINAL_ID_MAX = U24_MAX;
const MAC_BYTES = 8;

export interface CardFlags {
  frozen: boolean;
  pinRequired: boolean;
  /** 计次 card: the purse counts uses, not cents. */
  countPurse: boolean;
}

export interface CardIdentity {
  tenantId: number; // u16
  cardNumber: number; // u32, printed on the card, the key of every list
  cardClass: number; // u8: staff, student, visitor… (names in config)
  expiryDay: number; // u16 card day (days since 2000-01-01); the card is valid through this day
  issueDay: number; // u16 card day
  flags: CardFlags;
  /** 4-byte PIN verifier (MAC of the PIN under the card's MAC key); zeros when no PIN is set. */
  pinVerifier: Uint8Array;
}

/**
 * One purse slot. Amounts are in the purse's unit: cents, or uses on a count
 * purse (flags.countPurse).
 */
export interface PurseState {
  counter: number; // u24, +1 on every write
  balance: number; // u32
  subsidy: number; // u32, spent before balance
  lastCreditSeq: number; // u32, highest pending credit applied (each credit at most once)
  day: number; // u16 card day of the last debit
  spentToday: number; // u24, debited on `day`
  writerTerminalId: number; // u24, terminal that wrote this slot: settles uncertain writes
}

function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}
function u24(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}
function put(b: Uint8Array, o: number, value: number, bytes: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** (8 * bytes)) {
    throw new RangeError(`${field} out of range for ${bytes} bytes: ${value}`);
  }
  for (let i = 0; i < bytes; i++) b[o + i] = Math.floor(value / 2 ** (8 * i)) & 0xff;
}

/** A block never written (or wiped). A loop, not every() with an arrow: no closure per block on the tap path. */
function allZero(block: Uint8Array): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

function mac8(macKey: Uint8Array, domain: number, uid: Uint8Array, a: Uint8Array, b8: Uint8Array): Uint8Array {
  const msg = new Uint8Array(1 + uid.length + BLOCK_BYTES + 8);
  msg[0] = domain;
  msg.set(uid, 1);
  msg.set(a, 1 + uid.length);
  // Byte by byte, not set(subarray()): a view object per MAC, several MACs a tap.
  for (let i = 0; i < 8; i++) msg[1 + uid.length + BLOCK_BYTES + i] = b8[i];
  return aesCmac(macKey, msg).subarray(0, MAC_BYTES);
}

const DOMAIN_IDENTITY = 0x49; // 'I'
const DOMAIN_PURSE = 0x50; // 'P'
const DOMAIN_PIN = 0x4e; // 'N'

export function encodeIdentity(id: CardIdentity, uid: Uint8Array, macKey: Uint8Array): [Uint8Array, Uint8Array] {
  const a = new Uint8Array(BLOCK_BYTES);
  a[0] = LAYOUT_VERSION;
  a[1] = (id.flags.frozen ? 1 : 0) | (id.flags.pinRequired ? 2 : 0) | (id.flags.countPurse ? 4 : 0);
  put(a, 2, id.tenantId, 2, 'tenantId');
  put(a, 4, id.cardNumber, 4, 'cardNumber');
  put(a, 8, id.cardClass, 1, 'cardClass');
  put(a, 9, id.expiryDay, 2, 'expiryDay');
  put(a, 11, id.issueDay, 2, 'issueDay');
  return [a, identityBlockB(a, id.pinVerifier, uid, macKey)];
}

/**
 * Identity block B (the PIN verifier and the MAC over both blocks) for block A as it stands: the desk's PIN
 * change (firmware/desk/pin-write.ts) rewrites only this block.
 */
export function identityBlockB(a: Uint8Array, verifier: Uint8Array, uid: Uint8Array, macKey: Uint8Array): Uint8Array {
  if (verifier.length !== 4) throw new RangeError('pinVerifier must be 4 bytes');
  const b = new Uint8Array(BLOCK_BYTES);
  b.set(verifier, 0);
  b.set(mac8(macKey, DOMAIN_IDENTITY, uid, a, b), 8);
  return b;
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; problem: string };

export function decodeIdentity(
  a: Uint8Array,
  b: Uint8Array,
  uid: Uint8Array,
  macKey: Uint8Array,
): DecodeResult<CardIdentity> {
  if (allZero(a) && allZero(b)) return { ok: false, problem: 'not issued (identity blocks empty)' };
  if (a[0] !== LAYOUT_VERSION) return { ok: false, problem: `unknown layout version ${a[0]}` };
  if (!equalBytes(mac8(macKey, DOMAIN_IDENTITY, uid, a, b), b.subarray(8, 16)))
    return { ok: false, problem: 'identity MAC mismatch' };
  if ((a[1] & ~7) !== 0) return { ok: false, problem: `unknown identity flags ${a[1]}` };
  return {
    ok: true,
    value: {
      tenantId: u16(a, 2),
      cardNumber: u32(a, 4),
      cardClass: a[8],
      expiryDay: u16(a, 9),
      issueDay: u16(a, 11),
      flags: { frozen: (a[1] & 1) !== 0, pinRequired: (a[1] & 2) !== 0, countPurse: (a[1] & 4) !== 0 },
      pinVerifier: b.slice(0, 4),
    },
  };
}

export function encodePurse(p: PurseState, uid: Uint8Array, macKey: Uint8Array): [Uint8Array, Uint8Array] {
  const a = new Uint8Array(BLOCK_BYTES);
  const b = new Uint8Array(BLOCK_BYTES);
  a[0] = LAYOUT_VERSION;
  put(a, 1, p.counter, 3, 'counter');
  put(a, 4, p.balance, 4, 'balance');
  put(a, 8, p.subsidy, 4, 'subsidy');
  put(a, 12, p.lastCreditSeq, 4, 'lastCreditSeq');
  put(b, 0, p.day, 2, 'day');
  put(b, 2, p.spentToday, 3, 'spentToday');
  put(b, 5, p.writerTerminalId, 3, 'writerTerminalId');
  b.set(mac8(macKey, DOMAIN_PURSE, uid, a, b), 8);
  return [a, b];
}

export function decodePurse(
  a: Uint8Array,
  b: Uint8Array,
  uid: Uint8Array,
  macKey: Uint8Array,
): DecodeResult<PurseState> {
  if (a[0] !== LAYOUT_VERSION) return { ok: false, problem: allZero(a) ? 'empty slot' : `unknown slot format ${a[0]}` };
  if (!equalBytes(mac8(macKey, DOMAIN_PURSE, uid, a, b), b.subarray(8, 16)))
    return { ok: false, problem: 'purse MAC mismatch' };
  return {
    ok: true,
    value: {
      counter: u24(a, 1),
      balance: u32(a, 4),
      subsidy: u32(a, 8),
      lastCreditSeq: u32(a, 12),
      day: u16(b, 0),
      spentToday: u24(b, 2),
      writerTerminalId: u24(b, 5),
    },
  };
}

/** PIN verifier: 4 bytes of a MAC under the card's own key, so a dump does not give the PIN away offline without that key. */
export function pinVerifier(pin: string, uid: Uint8Array, macKey: Uint8Array): Uint8Array {
  if (!/^\d{4,6}$/.test(pin)) throw new RangeError('PIN must be 4 to 6 digits');
  const msg = new Uint8Array([DOMAIN_PIN, ...uid, ...new TextEncoder().encode(pin)]);
  return aesCmac(macKey, msg).slice(0, 4);
}

/**
 * The current slot: the valid one with the higher counter. Counters are 24-bit
 * and never wrap in a card's life (COUNTER_MAX), so "higher" is plain `>`.
 */
export function currentSlot(slots: readonly [DecodeResult<PurseState>, DecodeResult<PurseState>]): 0 | 1 | null {
  const [s0, s1] = slots;
  if (s0.ok && s1.ok) return s1.value.counter > s0.value.counter ? 1 : 0;
  if (s0.ok) return 0;
  if (s1.ok) return 1;
  return null;
}
