import { CAP, makeEnum, type Codec } from './codec.ts';
import { readTlvs, TlvWriter } from './tlv.ts';

/**
 * Session control (PROTOCOL.md §5.1): the handshake, errors, goodbye, key
 * rotation and the ignorable NOTE. The handshake codecs only carry bytes; the
 * session (session.ts) computes and checks the cryptograms.
 */

export const NONCE_LEN = 16;
export const PROOF_LEN = 16;

export interface Hello {
  type: 'hello';
  terminalId: number;
  /** Which generation of the terminal's key it will prove (§3.6). */
  keyId: number;
  versionMin: number;
  versionMax: number;
  caps: number;
  nonce: Uint8Array;
  /** tlv 2: largest payload this terminal accepts (default 32768). */
  maxPayloadBytes?: number;
  /** tlv 4: firmware version, for the backend's inventory. */
  firmware?: string;
}

export const helloCodec: Codec<Hello> = {
  code: 0x01,
  type: 'hello',
  from: 'terminal',
  cap: 0,
  encode(w, m) {
    w.u32(m.terminalId, 'terminalId')
      .varint(m.keyId, 'keyId')
      .u8(m.versionMin, 'versionMin')
      .u8(m.versionMax, 'versionMax');
    w.varint(m.caps, 'caps').bytes(m.nonce, NONCE_LEN, 'nonce');
    new TlvWriter(w).varint(2, m.maxPayloadBytes).str(4, m.firmware);
  },
  decode(r) {
    const m: Hello = {
      type: 'hello',
      terminalId: r.u32('terminalId'),
      keyId: r.varint('keyId', 0xffff_ffff),
      versionMin: r.u8('versionMin'),
      versionMax: r.u8('versionMax'),
      caps: r.varint('caps'),
      nonce: r.bytes(NONCE_LEN, 'nonce'),
    };
    const t = readTlvs(r, [2, 4]);
    const max = t.varint(2, 0xffff);
    const fw = t.str(4);
    if (max !== undefined) m.maxPayloadBytes = max;
    if (fw !== undefined) m.firmware = fw;
    if (m.versionMin > m.versionMax) r.fail(`versionMin ${m.versionMin} > versionMax ${m.versionMax}`);
    return m;
  },
};

export interface Challenge {
  type: 'challenge';
  /** The version the backend chose from the terminal's range. */
  version: number;
  /** Agreed capabilities: the terminal's AND the backend's. */
  caps: number;
  nonce: Uint8Array;
  /** HMAC(K_t, "onecard/v1 proof-b" ‖ th0)[0..16] — th0 with these 16 bytes zeroed. */
  proof: Uint8Array;
  maxPayloadBytes?: number;
}

export const challengeCodec: Codec<Challenge> = {
  code: 0x02,
  type: 'challenge',
  from: 'backend',
  cap: 0,
  encode(w, m) {
    w.u8(m.version, 'version')
      .varint(m.caps, 'caps')
      .bytes(m.nonce, NONCE_LEN, 'nonce')
      .bytes(m.proof, PROOF_LEN, 'proof');
    new TlvWriter(w).varint(2, m.maxPayloadBytes);
  },
  decode(r) {
    const m: Challenge = {
      type: 'challenge',
      version: r.u8('version'),
      caps: r.varint('caps'),
      nonce: r.bytes(NONCE_LEN, 'nonce'),
      proof: r.bytes(PROOF_LEN, 'proof'),
    };
    const max = readTlvs(r, [2]).varint(2, 0xffff);
    if (max !== undefined) m.maxPayloadBytes = max;
    return m;
  },
};

export interface Prove {
  type: 'prove';
  /** HMAC(K_t, "onecard/v1 proof-t" ‖ th)[0..16]. */
  proof: Uint8Array;
}

export const proveCodec: Codec<Prove> = {
  code: 0x03,
  type: 'prove',
  from: 'terminal',
  cap: 0,
  encode(w, m) {
    w.bytes(m.proof, PROOF_LEN, 'proof');
  },
  decode(r) {
    const m: Prove = { type: 'prove', proof: r.bytes(PROOF_LEN, 'proof') };
    readTlvs(r, []);
    return m;
  },
};

export interface Welcome {
  type: 'welcome';
  /** Backend clock (ms since the Unix epoch) when it sent this: a first time fix. */
  timeMs: number;
  /** Send STATUS at least this often; silence for 3 × this ends the session. */
  heartbeatMs: number;
  /** tlv 2: local time offset of the site, minutes east of UTC. */
  utcOffsetMinutes?: number;
}

export const welcomeCodec: Codec<Welcome> = {
  code: 0x04,
  type: 'welcome',
  from: 'backend',
  cap: 0,
  encode(w, m) {
    w.varint(m.timeMs, 'timeMs').varint(m.heartbeatMs, 'heartbeatMs');
    new TlvWriter(w).svarint(2, m.utcOffsetMinutes);
  },
  decode(r) {
    const m: Welcome = { type: 'welcome', timeMs: r.varint('timeMs'), heartbeatMs: r.varint('heartbeatMs') };
    const off = readTlvs(r, [2]).svarint(2);
    if (off !== undefined) m.utcOffsetMinutes = off;
    return m;
  },
};

export const ErrorCode = makeEnum({
  'bad-message': 1,
  'unknown-type': 2,
  unexpected: 3,
  'auth-failed': 4,
  'version-unsupported': 5,
  busy: 6,
  'too-large': 7,
  capability: 8,
  internal: 9,
});
export type ErrorCodeName = (typeof ErrorCode.values)[number];

export interface ErrorMessage {
  type: 'error';
  code: ErrorCodeName;
  /** Type byte of the frame that caused it (0 = none). */
  refType: number;
  /** Sequence number of that frame. */
  refSeq: number;
  text?: string;
  retryAfterMs?: number;
}

export const errorCodec: Codec<ErrorMessage> = {
  code: 0x05,
  type: 'error',
  from: 'either',
  cap: 0,
  encode(w, m) {
    ErrorCode.write(w, m.code, 'code');
    w.u8(m.refType, 'refType').varint(m.refSeq, 'refSeq');
    new TlvWriter(w).str(2, m.text).varint(4, m.retryAfterMs);
  },
  decode(r) {
    const m: ErrorMessage = {
      type: 'error',
      code: ErrorCode.read(r, 'code'),
      refType: r.u8('refType'),
      refSeq: r.varint('refSeq', 0xffff_ffff),
    };
    const t = readTlvs(r, [2, 4]);
    const text = t.str(2);
    const retry = t.varint(4);
    if (text !== undefined) m.text = text;
    if (retry !== undefined) m.retryAfterMs = retry;
    return m;
  },
};

export const ByeReason = makeEnum({
  normal: 0,
  rekey: 1,
  shutdown: 2,
  idle: 3,
  'mac-failures': 4,
  'protocol-error': 5,
});
export type ByeReasonName = (typeof ByeReason.values)[number];

export interface Bye {
  type: 'bye';
  reason: ByeReasonName;
  text?: string;
}

export const byeCodec: Codec<Bye> = {
  code: 0x06,
  type: 'bye',
  from: 'either',
  cap: 0,
  encode(w, m) {
    ByeReason.write(w, m.reason, 'reason');
    new TlvWriter(w).str(2, m.text);
  },
  decode(r) {
    const m: Bye = { type: 'bye', reason: ByeReason.read(r, 'reason') };
    const text = readTlvs(r, [2]).str(2);
    if (text !== undefined) m.text = text;
    return m;
  },
};

export interface KeyRotate {
  type: 'keyRotate';
  corrId: number;
  keyId: number;
  /** The new 32-byte terminal key XOR a keystream of the session's wrap key (§3.6). */
  wrappedKey: Uint8Array;
}

export const keyRotateCodec: Codec<KeyRotate> = {
  code: 0x07,
  type: 'keyRotate',
  from: 'backend',
  cap: CAP.keyRotation,
  encode(w, m) {
    w.varint(m.corrId, 'corrId').varint(m.keyId, 'keyId').bytes(m.wrappedKey, 32, 'wrappedKey');
  },
  decode(r) {
    const m: KeyRotate = {
      type: 'keyRotate',
      corrId: r.varint('corrId', 0xffff_ffff),
      keyId: r.varint('keyId', 0xffff_ffff),
      wrappedKey: r.bytes(32, 'wrappedKey'),
    };
    readTlvs(r, []);
    return m;
  },
};

export interface KeyRotateAck {
  type: 'keyRotateAck';
  corrId: number;
  keyId: number;
  /** HMAC(newKey, "onecard/v1 key-check" ‖ u32le(keyId))[0..8]. */
  check: Uint8Array;
}

export const keyRotateAckCodec: Codec<KeyRotateAck> = {
  code: 0x08,
  type: 'keyRotateAck',
  from: 'terminal',
  cap: CAP.keyRotation,
  encode(w, m) {
    w.varint(m.corrId, 'corrId').varint(m.keyId, 'keyId').bytes(m.check, 8, 'check');
  },
  decode(r) {
    const m: KeyRotateAck = {
      type: 'keyRotateAck',
      corrId: r.varint('corrId', 0xffff_ffff),
      keyId: r.varint('keyId', 0xffff_ffff),
      check: r.bytes(8, 'check'),
    };
    readTlvs(r, []);
    return m;
  },
};

/** 0x80: the first of the ignorable types (≥ 0x80): a receiver that does not know one drops it silently. */
export interface Note {
  type: 'note';
  text: string;
}

export const noteCodec: Codec<Note> = {
  code: 0x80,
  type: 'note',
  from: 'either',
  cap: 0,
  encode(w, m) {
    w.str(m.text, 4096, 'text');
  },
  decode(r) {
    const m: Note = { type: 'note', text: r.str('text', 4096) };
    readTlvs(r, []);
    return m;
  },
};
