import { PAYLOAD_BYTES_DEFAULT, type Frame } from './frame.ts';
import {
  answerChallenge,
  answerHello,
  chooseVersion,
  PROTOCOL_VERSION_MAX,
  PROTOCOL_VERSION_MIN,
} from './handshake.ts';
import { sameBytes } from './keys.ts';
import type { Challenge, Hello, Prove, Welcome } from './messages/control.ts';
import { decodeMessage, encodeMessage, type Message } from './messages/registry.ts';
import { REPLAY_WINDOW_DEFAULT } from './replay.ts';
import { HANDSHAKE_CODES, SessionCore } from './session-core.ts';
import {
  HEARTBEAT_MS_DEFAULT,
  type BackendSessionOptions,
  type OpenedInfo,
  type SendResult,
  type SessionEvent,
  type SessionState,
  type TerminalSessionOptions,
} from './session-table.ts';

/**
 * Layer 3: the session, sans-IO in the manner of h11 (PROTOCOL.md §3). No
 * sockets, no timers, no clock or randomness of its own:
 *   bytes in  → receiveData(chunk) → events out
 *   message in → send(message)      → frames queued, taken by takeOutbound()
 *   time       → tick()             → timeouts, using the injected nowMs()
 * The terminal and the backend drive the same class in their two roles.
 */

export class Session extends SessionCore {
  static terminal(opts: TerminalSessionOptions): Session {
    return new Session('terminal', opts);
  }
  static backend(opts: BackendSessionOptions): Session {
    return new Session('backend', opts);
  }

  /** Terminal: queue HELLO and start the handshake clock. */
  connect(): SendResult {
    const o = this.opts as TerminalSessionOptions;
    if (this.role !== 'terminal' || this.st !== 'idle')
      return { ok: false, error: 'not-open', detail: `connect() is for a fresh terminal session (state ${this.st})` };
    this.key = o.key;
    const hello: Hello = {
      type: 'hello',
      terminalId: o.terminalId,
      keyId: o.keyId,
      versionMin: PROTOCOL_VERSION_MIN,
      versionMax: PROTOCOL_VERSION_MAX,
      caps: this.ourCaps,
      nonce: this.nonce(),
      maxPayloadBytes: this.maxPayloadBytes,
    };
    if (o.firmware !== undefined) hello.firmware = o.firmware;
    this.helloRaw = encodeMessage(hello).payload;
    this.deadlineMs = this.opts.nowMs() + this.handshakeTimeoutMs;
    this.move('connect');
    return { ok: true, seq: this.emit(HANDSHAKE_CODES.hello, this.helloRaw, false) };
  }

  protected override onHandshake(f: Frame, out: SessionEvent[]): void {
    const dec = decodeMessage(f.type, f.payload);
    if (f.mac === null && dec.ok && dec.message.type === 'error') {
      return this.fail(
        out,
        'refused',
        `peer refused: ${dec.message.code}${dec.message.text ? ` (${dec.message.text})` : ''}`,
      );
    }
    const wants: Partial<Record<SessionState, readonly [Message['type'], number, boolean]>> = {
      'await-hello': ['hello', 0, false],
      'hello-sent': ['challenge', 0, false],
      'challenge-sent': ['prove', 1, false],
      'prove-sent': ['welcome', 1, true],
    };
    const want = wants[this.st];
    if (!want) return this.fail(out, 'protocol-error', `frame type 0x${f.type.toString(16)} before connect()`);
    const [type, seq, secured] = want;
    if (secured && f.mac !== null && !this.ch.macOk(f))
      return this.fail(out, 'auth-failed', 'WELCOME MAC does not verify: the backend does not hold our key');
    if (!dec.ok || dec.message.type !== type || f.seq !== seq || (f.mac !== null) !== secured) {
      const what = dec.ok ? `${dec.message.type} seq ${f.seq}` : dec.error;
      return this.fail(out, 'protocol-error', `expected ${type} seq ${seq}, got ${what}`, {
        code: dec.ok ? 'unexpected' : 'bad-message',
        frame: f,
      });
    }
    if (dec.message.type === 'hello') this.onHello(dec.message, f, out);
    else if (dec.message.type === 'challenge') this.onChallenge(dec.message, f, out);
    else if (dec.message.type === 'prove') this.onProve(dec.message, f, out);
    else if (dec.message.type === 'welcome') this.onWelcome(dec.message, out);
  }

  private onHello(m: Hello, f: Frame, out: SessionEvent[]): void {
    const o = this.opts as BackendSessionOptions;
    this.helloRaw = f.payload.slice();
    const version = chooseVersion(m);
    if (version === null)
      return this.fail(out, 'version', `terminal speaks ${m.versionMin}..${m.versionMax}`, {
        code: 'version-unsupported',
        frame: f,
      });
    const key = o.keyFor(m.terminalId, m.keyId);
    if (!key)
      return this.fail(out, 'auth-failed', `no key for terminal ${m.terminalId} generation ${m.keyId}`, {
        code: 'auth-failed',
        frame: f,
      });
    this.key = key;
    this.peerMaxPayload = m.maxPayloadBytes ?? PAYLOAD_BYTES_DEFAULT;
    const caps = m.caps & this.ourCaps;
    const { challengePayload, secrets } = answerHello(
      key,
      this.helloRaw,
      version,
      caps,
      this.nonce(),
      this.maxPayloadBytes,
    );
    this.ch.setKeys(secrets.keys);
    this.expectedProof = secrets.terminalProof;
    this.opened = {
      terminalId: m.terminalId,
      keyId: m.keyId,
      version,
      caps,
      heartbeatMs: o.heartbeatMs ?? HEARTBEAT_MS_DEFAULT,
    };
    if (m.firmware !== undefined) this.opened.firmware = m.firmware;
    this.emit(HANDSHAKE_CODES.challenge, challengePayload, false);
    this.move('hello');
  }

  private onChallenge(m: Challenge, f: Frame, out: SessionEvent[]): void {
    const o = this.opts as TerminalSessionOptions;
    const key = this.key as Uint8Array;
    const helloRaw = this.helloRaw as Uint8Array;
    if (m.version < PROTOCOL_VERSION_MIN || m.version > PROTOCOL_VERSION_MAX)
      return this.fail(out, 'version', `backend chose version ${m.version}`, { code: 'version-unsupported', frame: f });
    if ((m.caps & ~this.ourCaps) !== 0)
      return this.fail(out, 'protocol-error', 'backend agreed capabilities we did not offer', {
        code: 'unexpected',
        frame: f,
      });
    const answer = answerChallenge(key, helloRaw, f.payload, m);
    if (!answer)
      return this.fail(out, 'auth-failed', 'backend proof does not verify: wrong key, or not our backend', {
        code: 'auth-failed',
        frame: f,
      });
    this.ch.setKeys(answer.secrets.keys);
    this.peerMaxPayload = m.maxPayloadBytes ?? PAYLOAD_BYTES_DEFAULT;
    this.opened = {
      terminalId: o.terminalId,
      keyId: o.keyId,
      version: m.version,
      caps: m.caps,
      heartbeatMs: HEARTBEAT_MS_DEFAULT,
    };
    this.emit(HANDSHAKE_CODES.prove, answer.provePayload, false);
    this.move('challenge');
  }

  private onProve(m: Prove, f: Frame, out: SessionEvent[]): void {
    const o = this.opts as BackendSessionOptions;
    if (!sameBytes(m.proof, this.expectedProof as Uint8Array))
      return this.fail(out, 'auth-failed', 'terminal proof does not verify: wrong key', {
        code: 'auth-failed',
        frame: f,
      });
    this.move('prove');
    this.startOpen(f.seq);
    const w: Welcome = {
      type: 'welcome',
      timeMs: this.opts.nowMs(),
      heartbeatMs: (this.opened as OpenedInfo).heartbeatMs,
    };
    if (o.utcOffsetMinutes !== undefined) w.utcOffsetMinutes = o.utcOffsetMinutes;
    this.emit(HANDSHAKE_CODES.welcome, encodeMessage(w).payload, true);
    out.push({ type: 'opened', ...(this.opened as OpenedInfo) });
  }

  private onWelcome(m: Welcome, out: SessionEvent[]): void {
    const info = this.opened as OpenedInfo;
    info.heartbeatMs = m.heartbeatMs;
    info.backendTimeMs = m.timeMs;
    if (m.utcOffsetMinutes !== undefined) info.utcOffsetMinutes = m.utcOffsetMinutes;
    this.move('welcome');
    this.startOpen(1);
    out.push({ type: 'opened', ...info });
  }

  private startOpen(peerSeq: number): void {
    this.ch.open(peerSeq, this.opts.replayWindow ?? REPLAY_WINDOW_DEFAULT);
    this.deadlineMs = null;
    this.lastRxMs = this.opts.nowMs();
  }
}

/**
 * Whether a handshake ended on the key: this side's proof check failed
 * (auth-failed), or the peer said so in its ERROR. Either side may notice
 * first — a terminal checks the backend's proof before sending its own — so
 * both ends read both forms.
 */
export function keyRefused(e: { reason: string; detail: string }): boolean {
  return e.reason === 'auth-failed' || (e.reason === 'refused' && e.detail.startsWith('peer refused: auth-failed'));
}
