import type { Logger } from '../base/log.ts';
import type { Link } from '../base/link.ts';
import { CAPS_ALL, keyRefused } from '../protocol/index.ts';
import {
  LIST_CAP,
  Session,
  type ListAck,
  type ListPull,
  type Message,
  type OpenedInfo,
  type SendResult,
  type SessionEvent,
  type Status,
} from '../protocol/index.ts';
import type { ServedList } from './lists.ts';

/**
 * One terminal's connection, the backend's side: a backend-role Session over
 * a link, and the per-session bookkeeping of what was pushed. What the
 * messages mean to the stores is the Backend's (backend.ts); this moves
 * bytes, keeps the list push state, and retransmits a list version whose
 * LIST_ACK did not come.
 */
export interface SessionHost {
  readonly log: Logger;
  nowMs(): number;
  randomBytes(n: number): Uint8Array;
  keyFor(terminalId: number, keyId: number): Uint8Array | null;
  utcOffsetMinutes: number;
  heartbeatMs: number;
  handshakeTimeoutMs: number;
  opened(s: TerminalSession): void;
  /** `payload`: the message's bytes as received (the journal keeps a batch's verbatim). */
  message(s: TerminalSession, m: Message, payload: Uint8Array): void;
  closed(s: TerminalSession, reason: string): void;
  /** KEY_ROTATE_ACK whose check matched the key offered (PROTOCOL.md §4.6). */
  keyConfirmed(s: TerminalSession, corrId: number, keyId: number): void;
  /** The handshake failed on the proof or an unknown key (PROTOCOL.md §4.3): a wrong key, or a stranger. */
  authFailed(s: TerminalSession, detail: string): void;
  /** KEY_ROTATE_ACK whose check did not match. */
  keyCheckFailed(s: TerminalSession): void;
  /** What brings this terminal's `list` from `held` to current ([] when current). */
  listUpdate(list: ServedList, held: number): Message[];
  listVersion(list: ServedList): number;
  /** Chunks `fromChunk`.. of snapshot `version` (a LIST_PULL resume), or null when that version is gone. */
  listResume(list: ServedList, version: number, fromChunk: number): Message[] | null;
}

/** A list version sent and not acknowledged within this is sent again (a lost chunk or a lost ack). */
export const LIST_RESEND_MS = 10_000;

interface Push {
  /** Version the terminal said it holds (STATUS, LIST_ACK); null until it says. */
  held: number | null;
  /** Version sent and not yet acknowledged. */
  sent: { version: number; atMs: number } | null;
}

export class TerminalSession {
  readonly session: Session;
  terminalId: number | null = null;
  /** When the handshake completed (commands sent before it, in an older session, are sent again). */
  openedMs = Number.POSITIVE_INFINITY;
  private readonly push = new Map<ServedList, Push>([
    ['blacklist', { held: null, sent: null }],
    ['grants', { held: null, sent: null }],
    ['holders', { held: null, sent: null }],
    ['credits', { held: null, sent: null }],
  ]);
  lastStatus: Status | null = null;
  readonly stats = { rejected: 0 };
  /** The terminal id its HELLO claimed (before the handshake proves it): whom a failed authentication names. */
  claimedTerminalId: number | null = null;

  constructor(
    private readonly host: SessionHost,
    readonly link: Link,
    /** The network address it came from; null for an in-process link (not counted by admission.ts). */
    readonly peer: string | null = null,
  ) {
    const keyFor = (t: number, k: number) => {
      this.claimedTerminalId = t;
      return host.keyFor(t, k);
    };
    const { utcOffsetMinutes, heartbeatMs, handshakeTimeoutMs } = host;
    this.session = Session.backend({
      nowMs: () => host.nowMs(),
      randomBytes: (n) => host.randomBytes(n),
      keyFor,
      utcOffsetMinutes,
      heartbeatMs,
      handshakeTimeoutMs,
      // Every list and service this backend serves; a terminal agrees to those it keeps.
      caps: CAPS_ALL,
    });
    link.onData((bytes) => {
      try {
        for (const e of this.session.receiveData(bytes)) this.onEvent(e);
      } catch (err) {
        // A failing store must not take the server (and every other terminal) down: drop this session.
        host.log.error('backend.internal-error', { terminal: this.terminalId, error: err });
        this.close();
      }
      this.flush();
    });
    link.onClose((reason) => this.end(reason));
  }

  get open(): boolean {
    return this.session.state === 'open';
  }

  /** What the handshake settled: terminal, key generation, capabilities (null until open). */
  get info(): OpenedInfo | null {
    return this.session.info;
  }

  /** KEY_ROTATE (PROTOCOL.md §4.6), written out at once; key-rotation.ts stores the key first. */
  offerKey(corrId: number, keyId: number, key: Uint8Array): SendResult {
    const r = this.session.offerKey(corrId, keyId, key);
    this.flush();
    return r;
  }

  send(m: Message): boolean {
    if (!this.open) return false;
    const r = this.session.send(m);
    if (!r.ok)
      this.host.log.warn('backend.not-sent', {
        terminal: this.terminalId,
        type: m.type,
        error: r.error,
        detail: r.detail,
      });
    this.flush();
    return r.ok;
  }

  close(reason: 'normal' | 'shutdown' = 'shutdown'): void {
    this.session.close(reason);
    this.flush();
    this.link.close(`backend ${reason}`);
  }

  /** Periodic: session timeouts, list retransmissions. */
  tick(): void {
    try {
      this.tickOnce();
    } catch (err) {
      this.host.log.error('backend.internal-error', { terminal: this.terminalId, error: err });
      this.close();
    }
  }

  private tickOnce(): void {
    for (const e of this.session.tick()) this.onEvent(e);
    if (this.open) {
      for (const [list, p] of this.push)
        if (p.sent && this.host.nowMs() - p.sent.atMs >= LIST_RESEND_MS) this.sendList(list, true);
    }
    this.flush();
  }

  /** The terminal's STATUS: the list versions it holds decide what to push (§6.4). */
  noteStatus(m: Status): void {
    // STATUS tlv 6 (§6.3): the terminal stopped something and needs a person; said once per new alarm.
    if (m.alarm !== undefined && m.alarm !== this.lastStatus?.alarm) {
      this.host.log.error('backend.terminal-alarm', { terminal: this.terminalId, alarm: m.alarm });
    }
    this.lastStatus = m;
    for (const l of m.lists) {
      const p = this.push.get(l.list as ServedList);
      if (p) p.held = l.version;
    }
    this.pushLists();
  }

  noteListAck(m: ListAck): void {
    const p = this.push.get(m.list as ServedList);
    if (!p) return;
    p.held = m.version;
    p.sent = null;
    if (m.status === 'version-mismatch' || m.status === 'digest-mismatch' || m.status === 'chunk-error') {
      this.host.log.warn('backend.list-refused', {
        terminal: this.terminalId,
        list: m.list,
        status: m.status,
        problem: m.problem,
      });
      return void this.sendList(m.list as ServedList, true, true);
    }
    if (m.status !== 'applied')
      this.host.log.error('backend.list-failed', {
        terminal: this.terminalId,
        list: m.list,
        status: m.status,
        problem: m.problem,
      });
    else this.pushLists();
  }

  /** Sends whatever list is behind and has nothing outstanding: called on every change, at once (§6.4). */
  pushLists(): void {
    for (const list of this.push.keys()) this.sendList(list, false);
  }

  /**
   * A LIST_PULL: what brings `haveVersion` up to date, now. With a resume
   * (§6.4: the terminal staged chunks 0..resumeChunk−1 of snapshot
   * resumeVersion) and that version still current, only the chunks it lacks.
   */
  pull(m: ListPull): void {
    const list = m.list as ServedList;
    const p = this.push.get(list);
    if (!p || !this.agreed(list)) return;
    p.held = m.haveVersion;
    p.sent = null;
    const rest = m.resumeVersion === undefined ? null : this.host.listResume(list, m.resumeVersion, m.resumeChunk ?? 0);
    if (rest === null) return this.sendList(list, true, m.haveVersion === 0);
    this.host.log.info('backend.list-resume', {
      terminal: this.terminalId,
      list,
      version: m.resumeVersion,
      fromChunk: m.resumeChunk ?? 0,
      chunks: rest.length,
    });
    for (const c of rest) this.send(c);
    p.sent = { version: m.resumeVersion as number, atMs: this.host.nowMs() };
  }

  /** §4.7: a list is pushed only under its own capability (a POS that keeps no grants gets none). */
  private agreed(list: ServedList): boolean {
    return ((this.session.info?.caps ?? 0) & LIST_CAP[list]) !== 0;
  }

  private sendList(list: ServedList, again: boolean, snapshot = false): void {
    const p = this.push.get(list) as Push;
    if (p.held === null || (p.sent && !again) || !this.agreed(list)) return;
    const current = this.host.listVersion(list);
    if (!snapshot && p.held === current) {
      p.sent = null;
      return;
    }
    const msgs = this.host.listUpdate(list, snapshot ? -1 : p.held);
    if (msgs.length === 0) return;
    for (const m of msgs) this.send(m);
    p.sent = { version: current, atMs: this.host.nowMs() };
  }

  private flush(): void {
    for (const f of this.session.takeOutbound()) this.link.send(f);
  }

  private onEvent(e: SessionEvent): void {
    if (e.type === 'opened') {
      this.terminalId = e.terminalId;
      this.openedMs = this.host.nowMs();
      this.host.opened(this);
    } else if (e.type === 'message') this.host.message(this, e.message, e.payload);
    else if (e.type === 'rejected') {
      // PROTOCOL.md §4.4: a MAC failure or replay is a security event; logged, never answered.
      this.stats.rejected++;
      this.host.log.warn('backend.rejected', {
        terminal: this.terminalId,
        reason: e.reason,
        detail: e.detail,
        seq: e.seq,
        msgType: e.msgType,
      });
      if (e.reason === 'key-check') this.host.keyCheckFailed(this);
    } else if (e.type === 'keyConfirmed') this.host.keyConfirmed(this, e.corrId, e.keyId);
    else if (e.type === 'closed') {
      if (this.terminalId === null && keyRefused(e)) this.host.authFailed(this, e.detail);
      this.flush();
      this.link.close(`session ${e.reason}`);
      this.end(`session ${e.reason}: ${e.detail}`);
    }
  }

  private ended = false;
  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.session.state !== 'closed') this.session.close('normal');
    this.host.closed(this, reason);
  }
}
