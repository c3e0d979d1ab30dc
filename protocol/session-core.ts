import { Channel } from './channel.ts';
import { FrameDecoder, PAYLOAD_BYTES_DEFAULT, type Frame } from './frame.ts';
import { NONCE_BYTES } from './keys.ts';
import { CAP, CAPS_V1, capAgreed } from './messages/codec.ts';
import type { ByeReasonName, ErrorCodeName } from './messages/control.ts';
import { EncodeError } from './messages/varint.ts';
import {
  codecOf,
  decodeMessage,
  encodeMessage,
  IGNORABLE_TYPE_MIN,
  type DecodeResult,
  type Message,
} from './messages/registry.ts';
import { KeyRotation } from './rotation.ts';
import {
  HANDSHAKE_TIMEOUT_MS_DEFAULT,
  IDLE_HEARTBEATS_MAX,
  MAC_FAILURES_MAX,
  next,
  type BackendSessionOptions,
  type CloseReason,
  type OpenedInfo,
  type RejectReason,
  type Role,
  type SendResult,
  type SessionEvent,
  type SessionInput,
  type SessionState,
  type TerminalSessionOptions,
} from './session-table.ts';

/**
 * What both roles share once the handshake is done (PROTOCOL.md §3.4–3.7):
 * receiving (frame → MAC → replay window → decode → route), sending, close,
 * timeouts and key rotation. The handshake itself is in session.ts.
 */

/** Messages only the session itself sends. */
export const MANAGED = new Set<Message['type']>([
  'hello',
  'challenge',
  'prove',
  'welcome',
  'keyRotate',
  'keyRotateAck',
]);
export const HANDSHAKE_CODES = { hello: 0x01, challenge: 0x02, prove: 0x03, welcome: 0x04, error: 0x05 } as const;

export abstract class SessionCore {
  protected st: SessionState;
  protected readonly decoder: FrameDecoder;
  protected readonly maxPayloadBytes: number;
  protected readonly ch: Channel;
  protected key: Uint8Array | null = null;
  protected helloRaw: Uint8Array | null = null;
  protected expectedProof: Uint8Array | null = null;
  protected opened: OpenedInfo | null = null;
  protected peerMaxPayload = PAYLOAD_BYTES_DEFAULT;
  protected deadlineMs: number | null = null;
  protected lastRxMs = 0;
  protected macFailures = 0;
  protected readonly rotation = new KeyRotation();
  readonly stats = { framesIn: 0, rejected: 0, frameErrors: 0 };

  protected constructor(
    readonly role: Role,
    protected readonly opts: TerminalSessionOptions | BackendSessionOptions,
  ) {
    this.maxPayloadBytes = opts.maxPayloadBytes ?? PAYLOAD_BYTES_DEFAULT;
    this.decoder = new FrameDecoder({ maxPayloadBytes: this.maxPayloadBytes });
    this.ch = new Channel(role);
    this.st = role === 'terminal' ? 'idle' : 'await-hello';
    if (role === 'backend') this.deadlineMs = opts.nowMs() + this.handshakeTimeoutMs;
  }

  get state(): SessionState {
    return this.st;
  }
  /** What the handshake settled (null until open). */
  get info(): OpenedInfo | null {
    return this.opened;
  }
  protected get handshakeTimeoutMs(): number {
    return this.opts.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS_DEFAULT;
  }
  protected get ourCaps(): number {
    return this.opts.caps ?? CAPS_V1;
  }

  /** Frames to write to the transport, oldest first (one WebSocket message each, or concatenated on a stream). */
  takeOutbound(): Uint8Array[] {
    return this.ch.take();
  }

  receiveData(chunk: Uint8Array): SessionEvent[] {
    const out: SessionEvent[] = [];
    if (this.st === 'closed') return out;
    for (const ev of this.decoder.push(chunk)) {
      if (this.isClosed()) break;
      if (ev.kind === 'error') {
        this.stats.frameErrors++;
        out.push({ type: 'frameError', error: ev.error, skippedBytes: ev.skippedBytes, detail: ev.detail });
        continue;
      }
      this.stats.framesIn++;
      if (this.st === 'open') this.onSecured(ev.frame, out);
      else this.onHandshake(ev.frame, out);
    }
    return out;
  }

  /** Sends an application message. Fails (as a value) when not open, not ours to send, not agreed, or too large. */
  send(m: Message): SendResult {
    if (this.st !== 'open') return { ok: false, error: 'not-open', detail: `session is ${this.st}, not open` };
    if (MANAGED.has(m.type))
      return { ok: false, error: 'not-allowed', detail: `${m.type} is sent by the session itself` };
    const codec = codecOf(m.type);
    if (codec.from !== 'either' && codec.from !== this.role)
      return { ok: false, error: 'not-allowed', detail: `a ${this.role} does not send ${m.type}` };
    if (!capAgreed((this.opened as OpenedInfo).caps, codec, m))
      return { ok: false, error: 'capability', detail: `${m.type} needs a capability the peers did not agree` };
    let encoded: { code: number; payload: Uint8Array };
    try {
      encoded = encodeMessage(m);
    } catch (err) {
      // A field the wire cannot carry: an operating outcome for the caller (a record that can never travel), not a crash.
      if (err instanceof EncodeError) return { ok: false, error: 'encode', detail: `${m.type}: ${err.message}` };
      throw err;
    }
    const { code, payload } = encoded;
    if (payload.length > this.peerMaxPayload)
      return {
        ok: false,
        error: 'too-large',
        detail: `${m.type} payload of ${payload.length} bytes exceeds the peer's ${this.peerMaxPayload}`,
      };
    if (this.ch.seqExhausted)
      return { ok: false, error: 'seq-exhausted', detail: 'sequence numbers exhausted: reconnect' };
    return { ok: true, seq: this.emit(code, payload, true) };
  }

  /** Ends the session; says BYE first when open. */
  close(reason: ByeReasonName = 'normal', text?: string): void {
    if (this.st === 'open') this.sendBye(reason, text);
    if (this.st !== 'closed') this.move('close');
  }

  /** Handshake and idle timeouts, on the injected clock. */
  tick(): SessionEvent[] {
    const out: SessionEvent[] = [];
    const now = this.opts.nowMs();
    if (
      this.st !== 'open' &&
      this.st !== 'closed' &&
      this.st !== 'idle' &&
      this.deadlineMs !== null &&
      now >= this.deadlineMs
    ) {
      this.fail(out, 'handshake-timeout', `no handshake within ${this.handshakeTimeoutMs} ms`);
    } else if (
      this.st === 'open' &&
      now - this.lastRxMs >= IDLE_HEARTBEATS_MAX * (this.opened as OpenedInfo).heartbeatMs
    ) {
      this.sendBye('idle');
      this.fail(out, 'idle-timeout', `nothing heard for ${now - this.lastRxMs} ms`);
    }
    return out;
  }

  /** Backend: offer the terminal a new key (§3.6). It becomes current only after a handshake under it succeeds. */
  offerKey(corrId: number, keyId: number, key: Uint8Array): SendResult {
    const wrap = this.ch.wrapKey;
    if (this.role !== 'backend') return { ok: false, error: 'not-allowed', detail: 'offerKey is for the backend' };
    if (this.st !== 'open' || !wrap)
      return { ok: false, error: 'not-open', detail: 'offerKey needs an open backend session' };
    if (((this.opened as OpenedInfo).caps & CAP.keyRotation) === 0)
      return { ok: false, error: 'capability', detail: 'key rotation not agreed' };
    const m = this.rotation.offer(wrap, corrId, keyId, key);
    return { ok: true, seq: this.emit(codecOf(m.type).code, encodeMessage(m).payload, true) };
  }

  /** Terminal: after storing the offered key durably, prove it holds it. */
  confirmKey(corrId: number): SendResult {
    const m = this.role === 'terminal' && this.st === 'open' ? this.rotation.confirm(corrId) : null;
    if (!m)
      return {
        ok: false,
        error: 'no-key-offered',
        detail: `no key offered under corrId ${corrId} in an open terminal session`,
      };
    return { ok: true, seq: this.emit(codecOf(m.type).code, encodeMessage(m).payload, true) };
  }

  // ── internals ───────────────────────────────────────────────────────────

  protected nonce(): Uint8Array {
    const n = this.opts.randomBytes(NONCE_BYTES);
    if (n.length !== NONCE_BYTES) throw new RangeError(`randomBytes(${NONCE_BYTES}) returned ${n.length} bytes`);
    return n;
  }

  protected isClosed(): boolean {
    return this.st === 'closed';
  }

  protected move(input: SessionInput): void {
    const to = next(this.st, input);
    if (to === undefined) throw new Error(`bug: no transition from ${this.st} on ${input}`);
    this.st = to;
  }

  protected emit(code: number, payload: Uint8Array, secured: boolean): number {
    return this.ch.emit(code, payload, secured);
  }

  protected sendBye(reason: ByeReasonName, text?: string): void {
    const m: Message = text === undefined ? { type: 'bye', reason } : { type: 'bye', reason, text };
    this.emit(codecOf('bye').code, encodeMessage(m).payload, true);
  }

  protected sendError(code: ErrorCodeName, ref: Frame, text: string): void {
    const m: Message = { type: 'error', code, refType: ref.type, refSeq: ref.seq, text: text.slice(0, 200) };
    this.emit(HANDSHAKE_CODES.error, encodeMessage(m).payload, this.st === 'open');
  }

  protected reject(out: SessionEvent[], reason: RejectReason, detail: string, f: Frame): void {
    this.stats.rejected++;
    out.push({ type: 'rejected', reason, detail, seq: f.seq, msgType: f.type });
  }

  /** Ends the session with a reason; when `error` is given, tells the peer first. */
  protected fail(
    out: SessionEvent[],
    reason: CloseReason,
    detail: string,
    error?: { code: ErrorCodeName; frame: Frame },
  ): void {
    if (error) this.sendError(error.code, error.frame, detail);
    this.move('fail');
    out.push({ type: 'closed', reason, detail });
  }

  protected abstract onHandshake(f: Frame, out: SessionEvent[]): void;

  protected onSecured(f: Frame, out: SessionEvent[]): void {
    if (f.mac === null)
      return this.reject(out, 'unauthenticated', `unsecured frame type 0x${f.type.toString(16)} in an open session`, f);
    if (!this.ch.macOk(f)) {
      this.reject(out, 'mac', `MAC of frame seq ${f.seq} does not verify`, f);
      if (++this.macFailures >= MAC_FAILURES_MAX) {
        this.sendBye('mac-failures');
        this.fail(out, 'mac-failures', `${this.macFailures} frames failed their MAC`);
      }
      return;
    }
    const seq = this.ch.admit(f);
    if (seq.verdict !== 'ok') return this.reject(out, seq.verdict, `seq ${f.seq} (highest accepted ${seq.highest})`, f);
    if (seq.skipped > 0) out.push({ type: 'seqGap', expected: seq.highest + 1, got: f.seq });
    this.lastRxMs = this.opts.nowMs();
    this.dispatch(f, decodeMessage(f.type, f.payload), out);
  }

  protected dispatch(f: Frame, dec: DecodeResult, out: SessionEvent[]): void {
    if (!dec.ok) {
      if (dec.unknownType && f.type >= IGNORABLE_TYPE_MIN) return void out.push({ type: 'ignored', msgType: f.type });
      this.reject(out, dec.unknownType ? 'unknown-type' : 'decode', dec.error, f);
      return this.sendError(dec.unknownType ? 'unknown-type' : 'bad-message', f, dec.error);
    }
    const m = dec.message;
    const codec = codecOf(m.type);
    const keyMsg = m.type === 'keyRotate' || m.type === 'keyRotateAck';
    if (codec.from === this.role || (MANAGED.has(m.type) && !keyMsg)) {
      this.reject(out, 'unexpected', `${m.type} is not for a ${this.role} in an open session`, f);
      return this.sendError('unexpected', f, `${m.type} not expected`);
    }
    if (!capAgreed((this.opened as OpenedInfo).caps, codec, m)) {
      this.reject(out, 'capability', `${m.type} needs a capability not agreed`, f);
      return this.sendError('capability', f, `${m.type} not agreed`);
    }
    if (m.type === 'journalBatch' && m.terminalId !== (this.opened as OpenedInfo).terminalId) {
      // A terminal uploads its own journal only: the batch's id must be the one that proved its key.
      this.reject(
        out,
        'unexpected',
        `journal batch of terminal ${m.terminalId} in the session of ${(this.opened as OpenedInfo).terminalId}`,
        f,
      );
      return this.sendError('unexpected', f, 'journal batch of another terminal');
    }
    if (m.type === 'keyRotate') {
      const key = this.rotation.received(this.ch.wrapKey as Uint8Array, m);
      out.push({ type: 'keyOffered', corrId: m.corrId, keyId: m.keyId, key });
    } else if (m.type === 'keyRotateAck') {
      if (!this.rotation.acknowledged(m))
        return this.reject(out, 'key-check', `key ${m.keyId} check does not match the key offered`, f);
      out.push({ type: 'keyConfirmed', corrId: m.corrId, keyId: m.keyId });
    } else if (m.type === 'bye') {
      this.move('close');
      out.push({
        type: 'closed',
        reason: 'peer-bye',
        detail: `peer said bye: ${m.reason}${m.text ? ` (${m.text})` : ''}`,
      });
    } else out.push({ type: 'message', message: m, seq: f.seq, payload: f.payload });
  }
}
