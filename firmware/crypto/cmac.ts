import { createCipheriv, type Cipher } from 'node:crypto';

/**
 * AES-128-CMAC (NIST SP 800-38B, RFC 4493) and the NXP AN10922 key
 * diversification built on it. Node ships AES but no CMAC; this is the usual
 * CBC-MAC with the two subkeys, the CBC done here as XOR + one AES block each.
 */
const BLOCK = 16;

/**
 * What a key costs to set up, kept while the key object lives: an AES-ECB
 * context (createCipheriv is most of a MAC's cost) and the two CMAC subkeys.
 * A tap MACs ~6 times with the card's key and diversifies ~7 times with the
 * same master keys, so each is set up once per tap, or once per process.
 */
interface KeySchedule {
  /** The key bytes the schedule was made from: a key changed in place (zeroed) is scheduled anew. */
  readonly keyBytes: Uint8Array;
  /** ECB without padding keeps no state between blocks, so one context serves every call. */
  readonly ecb: Cipher;
  readonly k1: Uint8Array;
  readonly k2: Uint8Array;
}

/** Weak: an entry (and the key copy in its AES context) goes when the key object goes, never later. */
const schedules = new WeakMap<Uint8Array, KeySchedule>();

function scheduleOf(key: Uint8Array): KeySchedule {
  const held = schedules.get(key);
  if (held !== undefined && sameKeyBytes(held.keyBytes, key)) return held;
  const ecb = createCipheriv('aes-128-ecb', key, null);
  ecb.setAutoPadding(false);
  const k1 = shiftLeftOne(ecb.update(new Uint8Array(BLOCK)));
  const made: KeySchedule = { keyBytes: key.slice(), ecb, k1, k2: shiftLeftOne(k1) };
  schedules.set(key, made);
  return made;
}

/** Not constant-time: both sides are our own key, compared to notice a change, never an attacker's guess. */
function sameKeyBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (a[i] !== b[i]) return false;
  return true;
}

function shiftLeftOne(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = ((src[i] << 1) | (i + 1 < BLOCK ? src[i + 1] >> 7 : 0)) & 0xff;
  if (src[0] & 0x80) out[BLOCK - 1] ^= 0x87;
  return out;
}

/** The chaining value before the first block; never written. */
const ZERO_BLOCK = new Uint8Array(BLOCK);
/** The block to encrypt: one for every MAC (update() copies it, and nothing here awaits), wiped after each. */
const toEncrypt = new Uint8Array(BLOCK);

/**
 * CBC-MAC of `msg` padded (80 00 …) to `paddedLength` bytes, `lastKey` XORed
 * into the last block. The padding and the XOR are made on the fly into the
 * block to encrypt: `msg` is never copied nor changed.
 */
function cbcMacLast(s: KeySchedule, msg: Uint8Array, paddedLength: number, lastKey: Uint8Array): Uint8Array {
  let chain: Uint8Array = ZERO_BLOCK;
  const lastOffset = paddedLength - BLOCK;
  for (let offset = 0; offset < paddedLength; offset += BLOCK) {
    for (let i = 0; i < BLOCK; i++) {
      const at = offset + i;
      const byte = at < msg.length ? msg[at] : at === msg.length ? 0x80 : 0;
      toEncrypt[i] = chain[i] ^ byte ^ (offset === lastOffset ? lastKey[i] : 0);
    }
    chain = s.ecb.update(toEncrypt);
  }
  toEncrypt.fill(0);
  // update() gives each block its own 16-byte memory: a plain Uint8Array over it is the MAC's own, as a copy was.
  return new Uint8Array(chain.buffer, chain.byteOffset, BLOCK);
}

function checkKey(key: Uint8Array): void {
  if (key.length !== BLOCK) throw new Error(`AES-128 key must be 16 bytes, got ${key.length}`);
}

/** AES-128-CMAC of `msg`, full 16 bytes. */
export function aesCmac(key: Uint8Array, msg: Uint8Array): Uint8Array {
  checkKey(key);
  const s = scheduleOf(key);
  if (msg.length > 0 && msg.length % BLOCK === 0) return cbcMacLast(s, msg, msg.length, s.k1);
  return cbcMacLast(s, msg, (Math.floor(msg.length / BLOCK) + 1) * BLOCK, s.k2);
}

/** AN10922 pads every input to two blocks. */
const AN10922_LENGTH = 2 * BLOCK;

/**
 * AN10922 AES-128 diversification: CMAC(K, 01 ‖ M) where the input is always
 * padded to 32 bytes (80 00 …) and then uses subkey K2 — unlike a plain CMAC,
 * which pads only to 16 (docs/hardware.md). M is 1..31 bytes.
 */
export function diversifyAn10922(masterKey: Uint8Array, m: Uint8Array): Uint8Array {
  checkKey(masterKey);
  if (m.length < 1 || m.length > 31) throw new Error(`diversification input must be 1..31 bytes, got ${m.length}`);
  const d = new Uint8Array(1 + m.length);
  d[0] = 0x01;
  d.set(m, 1);
  const s = scheduleOf(masterKey);
  return cbcMacLast(s, d, AN10922_LENGTH, d.length === AN10922_LENGTH ? s.k1 : s.k2);
}

/** Constant-time comparison, for MACs: the protocol's, so there is one. */
export { sameBytes as equalBytes } from '../../protocol/keys.ts';
