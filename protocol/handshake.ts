import { proof, sameBytes, sessionKeys, transcriptHash, type SessionKeys } from './keys.ts';
import { NONCE_LEN, PROOF_LEN, type Challenge, type Hello } from './messages/control.ts';
import { encodeMessage } from './messages/registry.ts';
import { Reader } from './messages/varint.ts';

/**
 * The handshake's arithmetic (PROTOCOL.md §3.2), apart from the state
 * machine so each step can be checked against the golden transcript.
 * Transcripts are taken over the payload bytes as sent, so a field a newer
 * peer adds (an unknown even TLV tag) is still covered.
 */

export const PROTOCOL_VERSION_MIN = 1;
export const PROTOCOL_VERSION_MAX = 1;

/** The highest version in both ranges, or null. */
export function chooseVersion(
  hello: Pick<Hello, 'versionMin' | 'versionMax'>,
  ourMin = PROTOCOL_VERSION_MIN,
  ourMax = PROTOCOL_VERSION_MAX,
): number | null {
  const v = Math.min(hello.versionMax, ourMax);
  return v >= Math.max(hello.versionMin, ourMin) ? v : null;
}

/** Where the 16 proof bytes sit in a CHALLENGE payload: after version (1), caps (varint) and nonce (16). */
function proofOffset(challengePayload: Uint8Array): number {
  const r = new Reader(challengePayload);
  r.u8('version');
  r.varint('caps');
  return r.pos + NONCE_LEN;
}

/** th0: the transcript the backend's proof covers (its own proof zeroed). */
export function transcriptForBackendProof(helloPayload: Uint8Array, challengePayload: Uint8Array): Uint8Array {
  const c0 = challengePayload.slice();
  const at = proofOffset(c0);
  c0.fill(0, at, at + PROOF_LEN);
  return transcriptHash(helloPayload, c0);
}

export interface HandshakeSecrets {
  /** th: SHA-256 over both payloads as sent. */
  transcript: Uint8Array;
  terminalProof: Uint8Array;
  keys: SessionKeys;
}

export function handshakeSecrets(
  key: Uint8Array,
  helloPayload: Uint8Array,
  challengePayload: Uint8Array,
): HandshakeSecrets {
  const transcript = transcriptHash(helloPayload, challengePayload);
  return { transcript, terminalProof: proof(key, 'terminal', transcript), keys: sessionKeys(key, transcript) };
}

export function backendProof(key: Uint8Array, helloPayload: Uint8Array, challengePayload: Uint8Array): Uint8Array {
  return proof(key, 'backend', transcriptForBackendProof(helloPayload, challengePayload));
}

/** A CHALLENGE with its proof zeroed, ready for backendProof(). */
export function unprovenChallenge(
  version: number,
  caps: number,
  nonce: Uint8Array,
  maxPayloadBytes: number,
): Challenge {
  return { type: 'challenge', version, caps, nonce, proof: new Uint8Array(PROOF_LEN), maxPayloadBytes };
}

/** Backend, on HELLO: the CHALLENGE payload to send and the secrets it implies. */
export function answerHello(
  key: Uint8Array,
  helloPayload: Uint8Array,
  version: number,
  caps: number,
  nonce: Uint8Array,
  maxPayloadBytes: number,
): { challengePayload: Uint8Array; secrets: HandshakeSecrets } {
  const unproven = unprovenChallenge(version, caps, nonce, maxPayloadBytes);
  const ch: Challenge = { ...unproven, proof: backendProof(key, helloPayload, encodeMessage(unproven).payload) };
  const challengePayload = encodeMessage(ch).payload;
  return { challengePayload, secrets: handshakeSecrets(key, helloPayload, challengePayload) };
}

/** Terminal, on CHALLENGE: null when the backend's proof does not verify, else the PROVE payload and the secrets. */
export function answerChallenge(
  key: Uint8Array,
  helloPayload: Uint8Array,
  challengePayload: Uint8Array,
  challenge: Challenge,
): { provePayload: Uint8Array; secrets: HandshakeSecrets } | null {
  if (!sameBytes(backendProof(key, helloPayload, challengePayload), challenge.proof)) return null;
  const secrets = handshakeSecrets(key, helloPayload, challengePayload);
  return { provePayload: encodeMessage({ type: 'prove', proof: secrets.terminalProof }).payload, secrets };
}
