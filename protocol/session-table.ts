import type { Message } from './messages/registry.ts';

/**
 * The session's states and its one transition table (PROTOCOL.md §3.3),
 * h11-style: every state change goes through `next()`; anything the table
 * does not list is a protocol error.
 *
 *   terminal: idle ──connect──▶ hello-sent ──challenge──▶ prove-sent ──welcome──▶ open
 *   backend:  await-hello ──hello──▶ challenge-sent ──prove──▶ open
 *   any state ──close | fail──▶ closed
 */

export type Role = 'terminal' | 'backend';
export type SessionState = 'idle' | 'hello-sent' | 'prove-sent' | 'await-hello' | 'challenge-sent' | 'open' | 'closed';
export type SessionInput = 'connect' | 'hello' | 'challenge' | 'prove' | 'welcome' | 'close' | 'fail';

const END = { close: 'closed', fail: 'closed' } as const;

export const TRANSITIONS: Readonly<Record<SessionState, Partial<Record<SessionInput, SessionState>>>> = {
  idle: { connect: 'hello-sent', ...END },
  'hello-sent': { challenge: 'prove-sent', ...END },
  'prove-sent': { welcome: 'open', ...END },
  'await-hello': { hello: 'challenge-sent', ...END },
  'challenge-sent': { prove: 'open', ...END },
  open: { ...END },
  closed: {},
};

export function next(state: SessionState, input: SessionInput): SessionState | undefined {
  return TRANSITIONS[state][input];
}

export type RejectReason =
  /** A MAC'd frame whose seq was already accepted. */
  | 'replay'
  /** A seq too far below the highest accepted to tell whether it is a replay. */
  | 'out-of-window'
  /** The MAC does not verify: forged, or altered after the CRC was recomputed. */
  | 'mac'
  /** An unsecured frame after the handshake. */
  | 'unauthenticated'
  /** A message not valid in this state or from this side. */
  | 'unexpected'
  | 'unknown-type'
  /** The payload does not decode (field out of range, truncated, unknown critical tag …). */
  | 'decode'
  /** A message of a capability the two sides did not agree. */
  | 'capability'
  /** A key-rotation acknowledgement whose check does not match the key offered. */
  | 'key-check';

export type CloseReason =
  | 'local'
  | 'peer-bye'
  | 'auth-failed'
  | 'refused'
  | 'version'
  | 'protocol-error'
  | 'mac-failures'
  | 'handshake-timeout'
  | 'idle-timeout';

export interface OpenedInfo {
  terminalId: number;
  keyId: number;
  version: number;
  caps: number;
  heartbeatMs: number;
  /** Terminal side: the backend's clock in WELCOME (a first time fix). */
  backendTimeMs?: number;
  utcOffsetMinutes?: number;
  /** Backend side: what the terminal said in HELLO. */
  firmware?: string;
}

export type SessionEvent =
  | ({ type: 'opened' } & OpenedInfo)
  /** `payload`: the message's bytes as received (a view into the frame: copy it to keep it past this event). */
  | { type: 'message'; message: Message; seq: number; payload: Uint8Array }
  | { type: 'rejected'; reason: RejectReason; detail: string; seq?: number; msgType?: number }
  /** Link-level damage the framing layer skipped (garbage, bad CRC); nothing to do but count it. */
  | { type: 'frameError'; error: string; skippedBytes: number; detail: string }
  /** Frames were lost between two accepted ones (a corrupted frame dropped by the CRC). */
  | { type: 'seqGap'; expected: number; got: number }
  /** An unknown type ≥ 0x80, dropped as the protocol allows. */
  | { type: 'ignored'; msgType: number }
  /** Terminal: the backend offers a new key; store it durably, then call confirmKey(corrId). */
  | { type: 'keyOffered'; corrId: number; keyId: number; key: Uint8Array }
  /** Backend: the terminal holds the new key; it becomes current after a handshake under it succeeds. */
  | { type: 'keyConfirmed'; corrId: number; keyId: number }
  | { type: 'closed'; reason: CloseReason; detail: string };

/**
 * Why a send did not happen, as a code a caller can branch on (`detail` is for the log):
 *   not-open       the session is not open (or, for connect(), not fresh)
 *   not-allowed    a message the session sends itself, or one the other side sends
 *   capability     the peers did not agree the message's capability
 *   too-large      the payload exceeds the peer's maxPayloadBytes: a smaller message may go
 *   encode         a field the wire cannot carry (EncodeError): this message can never go
 *   seq-exhausted  no sequence numbers left in this session: reconnect
 *   no-key-offered confirmKey() for a key rotation that was not offered
 */
export type SendError =
  | 'not-open'
  | 'not-allowed'
  | 'capability'
  | 'too-large'
  | 'encode'
  | 'seq-exhausted'
  | 'no-key-offered';

export type SendResult = { ok: true; seq: number } | { ok: false; error: SendError; detail: string };

/** After this many frames whose MAC fails, the session ends: a forger gets 3 tries per handshake at 2^-64 each. */
export const MAC_FAILURES_MAX = 3;
export const HANDSHAKE_TIMEOUT_MS_DEFAULT = 15_000;
export const HEARTBEAT_MS_DEFAULT = 60_000;
/** Silence for this many heartbeats ends the session. */
export const IDLE_HEARTBEATS_MAX = 3;

export interface CommonOptions {
  nowMs: () => number;
  randomBytes: (n: number) => Uint8Array;
  /** Capabilities offered (default: all of v1). */
  caps?: number;
  /** Largest payload this side accepts (default 32 KiB). */
  maxPayloadBytes?: number;
  replayWindow?: number;
  handshakeTimeoutMs?: number;
}
export interface TerminalSessionOptions extends CommonOptions {
  terminalId: number;
  keyId: number;
  key: Uint8Array;
  firmware?: string;
}
export interface BackendSessionOptions extends CommonOptions {
  /** The terminal's key of that generation, or null when unknown (refused). */
  keyFor: (terminalId: number, keyId: number) => Uint8Array | null;
  heartbeatMs?: number;
  utcOffsetMinutes?: number;
}
