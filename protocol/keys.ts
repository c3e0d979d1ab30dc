import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Key derivation and the handshake's cryptograms (PROTOCOL.md §3). All
 * HMAC-SHA256; labels are ASCII and start with "onecard/v1 " so no value
 * computed for one purpose can be replayed for another.
 */

export const TERMINAL_KEY_BYTES = 32;
export const NONCE_BYTES = 16;
export const PROOF_BYTES = 16;
export const CHAIN_BYTES = 16;
export const KEY_CHECK_BYTES = 8;

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const LABEL = (s: string): Uint8Array => ascii(`onecard/v1 ${s}`);

export function u32le(v: number): Uint8Array {
  const b = new Uint8Array(4);
  for (let i = 0; i < 4; i++) b[i] = (v >>> (8 * i)) & 0xff;
  return b;
}

export function hmac(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** node:crypto over several parts, for the handshake (protocol/sha256.ts is the chain's, for many short inputs). */
function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** Constant-time comparison (a MAC check must not leak how many bytes matched). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The per-terminal secret from the backend master key (§3.1), like OSDP's
 * SCBK = f(master, cUID): a leaked terminal key opens one terminal, not the
 * fleet, and the backend need not store one key per terminal.
 *   K_t = HMAC-SHA256(MK, "onecard/v1 terminal-key" ‖ u32le(terminalId) ‖ u32le(keyId))
 */
export function deriveTerminalKey(masterKey: Uint8Array, terminalId: number, keyId: number): Uint8Array {
  if (masterKey.length < 16) throw new RangeError('master key must be at least 16 bytes');
  return hmac(masterKey, LABEL('terminal-key'), u32le(terminalId), u32le(keyId));
}

/** th = SHA-256(u16le(|HELLO|) ‖ HELLO payload ‖ CHALLENGE payload) — binds both nonces, versions and capabilities. */
export function transcriptHash(helloPayload: Uint8Array, challengePayload: Uint8Array): Uint8Array {
  const len = new Uint8Array([helloPayload.length & 0xff, helloPayload.length >>> 8]);
  return sha256(len, helloPayload, challengePayload);
}

/** The backend's proof (over the transcript with its own proof zeroed) and the terminal's (over the full transcript). */
export function proof(key: Uint8Array, who: 'backend' | 'terminal', transcript: Uint8Array): Uint8Array {
  return hmac(key, LABEL(who === 'backend' ? 'proof-b' : 'proof-t'), transcript).slice(0, PROOF_BYTES);
}

export interface SessionKeys {
  /** MAC key of frames the terminal sends. */
  macT2B: Uint8Array;
  /** MAC key of frames the backend sends. */
  macB2T: Uint8Array;
  /** Wraps a new terminal key during rotation; never used on the wire otherwise. */
  wrap: Uint8Array;
}

export function sessionKeys(key: Uint8Array, transcript: Uint8Array): SessionKeys {
  return {
    macT2B: hmac(key, LABEL('mac-t2b'), transcript),
    macB2T: hmac(key, LABEL('mac-b2t'), transcript),
    wrap: hmac(key, LABEL('wrap'), transcript),
  };
}

export function frameMac(macKey: Uint8Array, signed: Uint8Array, macBytes: number): Uint8Array {
  return hmac(macKey, signed).slice(0, macBytes);
}

/** XOR with a keystream only this session can compute; the frame MAC protects its integrity. */
export function wrapKey(wrapSessionKey: Uint8Array, corrId: number, newKeyId: number, key: Uint8Array): Uint8Array {
  if (key.length !== TERMINAL_KEY_BYTES) throw new RangeError(`terminal keys are ${TERMINAL_KEY_BYTES} bytes`);
  const stream = hmac(wrapSessionKey, LABEL('key-wrap'), u32le(corrId), u32le(newKeyId));
  return key.map((b, i) => b ^ stream[i]);
}
export const unwrapKey = wrapKey;

/** Proves the terminal holds the new key without sending it back. */
export function keyCheck(key: Uint8Array, keyId: number): Uint8Array {
  return hmac(key, LABEL('key-check'), u32le(keyId)).slice(0, KEY_CHECK_BYTES);
}
