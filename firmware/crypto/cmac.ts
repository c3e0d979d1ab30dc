import { createCipheriv } from 'node:crypto';

/**
 * AES-128-CMAC (NIST SP 800-38B, RFC 4493) and the NXP AN10922 key
 * diversification built on it. Node ships AES but no CMAC; this is the usual
 * CBC-MAC with the two subkeys.
 */
const BLOCK = 16;

function aesEcb(key: Uint8Array, block: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return new Uint8Array(c.update(block));
}

function shiftLeftOne(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = ((src[i] << 1) | (i + 1 < BLOCK ? src[i + 1] >> 7 : 0)) & 0xff;
  if (src[0] & 0x80) out[BLOCK - 1] ^= 0x87;
  return out;
}

function subkeys(key: Uint8Array): { k1: Uint8Array; k2: Uint8Array } {
  const l = aesEcb(key, new Uint8Array(BLOCK));
  const k1 = shiftLeftOne(l);
  return { k1, k2: shiftLeftOne(k1) };
}

/** CBC-MAC over `padded` (a multiple of 16) after XORing `lastKey` into its last block. */
function cbcMacLast(key: Uint8Array, padded: Uint8Array, lastKey: Uint8Array): Uint8Array {
  const msg = new Uint8Array(padded);
  const off = msg.length - BLOCK;
  for (let i = 0; i < BLOCK; i++) msg[off + i] ^= lastKey[i];
  const c = createCipheriv('aes-128-cbc', key, new Uint8Array(BLOCK));
  c.setAutoPadding(false);
  const out = c.update(msg);
  return new Uint8Array(out.subarray(out.length - BLOCK));
}

function padTo(msg: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(msg);
  out[msg.length] = 0x80;
  return out;
}

function checkKey(key: Uint8Array): void {
  if (key.length !== BLOCK) throw new Error(`AES-128 key must be 16 bytes, got ${key.length}`);
}

/** AES-128-CMAC of `msg`, full 16 bytes. */
export function aesCmac(key: Uint8Array, msg: Uint8Array): Uint8Array {
  checkKey(key);
  const { k1, k2 } = subkeys(key);
  if (msg.length > 0 && msg.length % BLOCK === 0) return cbcMacLast(key, msg, k1);
  const paddedLength = (Math.floor(msg.length / BLOCK) + 1) * BLOCK;
  return cbcMacLast(key, padTo(msg, paddedLength), k2);
}

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
  const { k1, k2 } = subkeys(masterKey);
  if (d.length === 32) return cbcMacLast(masterKey, d, k1);
  return cbcMacLast(masterKey, padTo(d, 32), k2);
}

/** Constant-time comparison, for MACs: the protocol's, so there is one. */
export { sameBytes as equalBytes } from '../../protocol/keys.ts';
