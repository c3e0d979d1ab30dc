import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import type { Random } from '../core/random.ts';
import { Session, type Message, type OpenedInfo, type SendResult, type SessionEvent } from '../../protocol/index.ts';
import { Backoff, type BackoffPolicy } from './backoff.ts';
import { nextPhase, type ConnectionEvent, type ConnectionPhase } from './connection-table.ts';
import type { Dial, Link } from './link.ts';
import { keyRefused } from './sync-alarm.ts';
import type { DialKeys } from './rekey.ts';
import { TimerSlot, type Scheduler } from './scheduler.ts';

/**
 * One terminal session at a time over a link, kept alive: dial → handshake
 * → open → (link or session closes) → jittered backoff → dial again. The
 * sans-IO Session does the protocol; this moves its bytes and its clock.
 * The key is read at each dial (a rotation may have changed it: rekey.ts).
 * Its phases are connection-table.ts; `move()` is the one place that changes
 * the phase (and logs it), so an event the phase does not take is dropped.
 */
export interface ConnectionDeps {
  terminalId: number;
  keys: DialKeys;
  firmware?: string;
  caps: number;
  dial: Dial;
  clock: Clock;
  scheduler: Scheduler;
  random: Random;
  log: Logger;
  backoff: BackoffPolicy;
  tickMs: number;
}

export interface ConnectionHandlers {
  opened(info: OpenedInfo): void;
  message(m: Message): void;
  /** Each tick while the session is open (after the session's own timeouts). */
  tick(): void;
  closed(reason: string, wasOpen: boolean): void;
  /** A handshake ended on our key: the backend does not hold it (or is not ours). */
  keyRefused?(detail: string): void;
  rejected(e: Extract<SessionEvent, { type: 'rejected' }>): void;
}

export type { ConnectionPhase } from './connection-table.ts';

/** After BYE rekey the backend hangs up; if it has not within this, the terminal does. */
export const REKEY_LINGER_MS = 5_000;

export class Connection {
  private phase: ConnectionPhase = 'idle';
  private link: Link | null = null;
  private session: Session | null = null;
  /** The link of a session that ended with BYE rekey, left for the backend to close. */
  private lingering: Link | null = null;
  private readonly backoff: Backoff;
  private readonly tickSlot: TimerSlot;
  private readonly retrySlot: TimerSlot;
  readonly stats = { sessions: 0, dials: 0, frameErrors: 0 };

  constructor(
    private readonly d: ConnectionDeps,
    private readonly h: ConnectionHandlers,
  ) {
    this.backoff = new Backoff(d.random, d.backoff);
    this.tickSlot = new TimerSlot(d.scheduler);
    this.retrySlot = new TimerSlot(d.scheduler);
  }

  get state(): ConnectionPhase {
    return this.phase;
  }

  start(): void {
    if (this.move('start')) this.dial();
  }

  stop(): void {
    if (this.phase === 'stopped' || !this.move('stop')) return;
    this.retrySlot.disarm();
    this.session?.close('shutdown');
    this.flush();
    this.teardown('stopped');
  }

  /** Sends an application message now; false (logged) when the session cannot take it. */
  send(m: Message): boolean {
    return this.trySend(m).ok;
  }

  /** As send, with the session's reason when it fails (too large for the peer, not open …). */
  trySend(m: Message): SendResult {
    const s = this.session;
    let r: SendResult;
    try {
      r = s && s.state === 'open' ? s.send(m) : { ok: false, error: 'not-open', detail: 'session not open' };
    } catch (err) {
      // The session reports an EncodeError as a value; anything else thrown while encoding is a bug, still kept off the tap path.
      r = { ok: false, error: 'encode', detail: `${m.type}: ${(err as Error).message}` };
    }
    if (!r.ok) this.d.log.debug('sync.not-sent', { type: m.type, error: r.error, detail: r.detail });
    else this.flush();
    return r;
  }

  /** Assigns the phase the table gives for `event`; false (nothing changes) when the phase does not take it. */
  private move(event: ConnectionEvent): boolean {
    const from = this.phase;
    const to = nextPhase(from, event);
    if (to === undefined) return false;
    this.phase = to;
    this.d.log.debug('sync.phase', { from, to, event });
    return true;
  }

  /** In phase dialing (moved there by start, retry or relinked). */
  private dial(): void {
    this.stats.dials++;
    this.d.dial().then(
      (link) => (this.phase === 'dialing' ? this.attach(link) : link.close('client stopped')),
      (err: Error) => {
        if (!this.move('dial-failed')) return;
        this.d.log.info('sync.dial-failed', { error: err.message });
        this.scheduleRetry();
      },
    );
  }

  private attach(link: Link): void {
    const d = this.d;
    this.link = link;
    this.move('dialed');
    let g: { keyId: number; key: Uint8Array };
    try {
      g = d.keys.forDial();
    } catch (err) {
      // A damaged key store must not crash the terminal: it keeps taking taps offline, and says why.
      d.log.error('sync.key-store-error', { error: err });
      this.link = null;
      link.close('no terminal key');
      this.move('no-key');
      return this.scheduleRetry();
    }
    this.session = Session.terminal({
      nowMs: () => d.clock.nowMs(),
      randomBytes: (n) => d.random.bytes(n),
      terminalId: d.terminalId,
      keyId: g.keyId,
      key: g.key,
      caps: d.caps,
      ...(d.firmware ? { firmware: d.firmware } : {}),
    });
    link.onData((bytes) => this.onBytes(link, bytes));
    link.onClose((reason) => {
      if (link !== this.link) return;
      if (link === this.lingering) return this.redial();
      this.closed(reason);
    });
    this.session.connect();
    this.flush();
    this.tickSlot.arm(d.tickMs, () => this.tick());
  }

  /** The link or the session ended: drop both, then back off and dial again. */
  private closed(reason: string): void {
    if (!this.move('closed')) return;
    this.teardown(reason);
    this.scheduleRetry();
  }

  /** In phase backoff: dials again after the jittered delay. */
  private scheduleRetry(): void {
    const delayMs = this.backoff.nextDelayMs();
    this.d.log.info('sync.reconnect-in', { delayMs, attempt: this.backoff.attempts });
    this.retrySlot.arm(delayMs, () => {
      if (this.move('retry')) this.dial();
    });
  }

  /**
   * §4.6 step 4: BYE rekey, then a handshake under the new key. The backend
   * closes the link on the BYE; until then the link stays up, so the
   * acknowledgement and the BYE are not cut off in flight behind them.
   */
  private rekey(): void {
    const link = this.link as Link;
    this.session?.close('rekey');
    this.flush();
    this.tickSlot.disarm();
    this.session = null;
    this.lingering = link;
    this.move('rekey');
    this.d.log.info('sync.closed', { reason: 'rekey' });
    this.h.closed('rekey', true);
    this.retrySlot.arm(REKEY_LINGER_MS, () => link.close('rekey: backend did not hang up'));
  }

  /** The rekeyed session's link is gone: dial at once, under the new key. */
  private redial(): void {
    this.link = null;
    this.lingering = null;
    this.retrySlot.disarm();
    if (this.move('relinked')) this.dial();
  }

  private teardown(reason: string): void {
    const wasOpen = this.session?.state === 'open';
    this.lingering = null;
    this.tickSlot.disarm();
    this.session = null;
    const link = this.link;
    this.link = null;
    link?.close(reason);
    if (wasOpen) this.d.log.info('sync.closed', { reason });
    this.h.closed(reason, wasOpen);
  }

  private onBytes(link: Link, bytes: Uint8Array): void {
    const s = this.session;
    if (link !== this.link || !s) return;
    this.guard(() => {
      for (const e of s.receiveData(bytes)) {
        if (this.session !== s) break; // ended by an earlier event of this chunk (BYE rekey)
        this.onEvent(e);
      }
    });
    this.flush();
  }

  /**
   * A bug or a store failure while handling the backend must not take the
   * terminal down with it (it keeps taking taps offline): log it, drop the
   * session, and come back through the backoff like after any lost link.
   */
  private guard(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.d.log.error('sync.internal-error', { error: err });
      this.closed('internal error');
    }
  }

  private flush(): void {
    const frames = this.session?.takeOutbound() ?? [];
    for (const f of frames) this.link?.send(f);
  }

  private tick(): void {
    const s = this.session;
    if (!s) return;
    this.guard(() => {
      for (const e of s.tick()) this.onEvent(e);
      if (this.session?.state === 'open') this.h.tick();
    });
    this.flush();
    if (this.session) this.tickSlot.arm(this.d.tickMs, () => this.tick());
  }

  private onEvent(e: SessionEvent): void {
    switch (e.type) {
      case 'opened':
        this.move('opened');
        this.stats.sessions++;
        this.backoff.reset();
        this.d.log.info('sync.opened', { heartbeatMs: e.heartbeatMs, version: e.version, generation: e.keyId });
        this.d.keys.opened(e.keyId);
        return this.h.opened(e);
      case 'keyOffered': {
        const s = this.session as Session;
        if (this.d.keys.offered(e, (corrId) => s.confirmKey(corrId))) this.rekey();
        return;
      }
      case 'message':
        return this.h.message(e.message);
      case 'rejected':
        // A MAC failure or a replay is a security event (PROTOCOL.md §4.4), never line noise.
        this.d.log.warn('sync.rejected', { reason: e.reason, detail: e.detail, seq: e.seq, msgType: e.msgType });
        return this.h.rejected(e);
      case 'frameError':
        this.stats.frameErrors++;
        this.d.log.debug('sync.frame-error', { error: e.error, skippedBytes: e.skippedBytes });
        return;
      case 'closed':
        // Our key refused in the handshake (its proof failed here, or the backend answered ERROR auth-failed)
        // stops sync until someone fixes the key: a warning and a mark, not line noise.
        if (this.phase === 'handshake' && keyRefused(e)) {
          this.d.log.warn('sync.auth-failed', { reason: e.reason, detail: e.detail });
          this.h.keyRefused?.(e.detail);
        } else this.d.log.info('sync.session-closed', { reason: e.reason, detail: e.detail });
        if (this.phase === 'handshake') this.d.keys.handshakeFailed(e.reason);
        this.flush(); // the BYE or ERROR the session queued on its way out
        return this.closed(`session ${e.reason}`);
      default:
        return; // seqGap, ignored, keyConfirmed: message-level timeouts recover the first; the rest are not for a terminal
    }
  }
}
