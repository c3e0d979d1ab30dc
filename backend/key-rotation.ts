import type Database from 'better-sqlite3';
import type { Logger } from '../base/log.ts';
import { CAP, deriveTerminalKey, TERMINAL_KEY_BYTES, type OpenedInfo, type SendResult } from '../protocol/index.ts';
import { recordAlert } from './schema.ts';

/**
 * The backend's terminal keys and their rotation (PROTOCOL.md §4.1, §4.6),
 * durable in the backend's SQLite file:
 *
 *   terminal_keys       (schema.ts) enrolled or rotated random keys; a generation
 *                       without a row is derived K_t(MK, id, keyId)
 *   terminal_key_state  per terminal that was ever rotated: the generation in
 *                       use, the one offered, whether the terminal proved it
 *                       holds it, and whether an admin asked for a rotation
 *
 * A terminal never rotated accepts any generation its key file has (derived
 * or enrolled), as before. Once rotated, only the current generation — and the
 * offered one after its KEY_ROTATE_ACK checked — open a session. The new key
 * is written before it is offered, and the old one is dropped only when a
 * handshake under the new one succeeds: a cut or a restart at any step leaves
 * a key both sides hold.
 */

const STATE_SQL = `
CREATE TABLE IF NOT EXISTS terminal_key_state (
  terminal INTEGER PRIMARY KEY NOT NULL,
  current_id INTEGER,
  pending_id INTEGER,
  confirmed INTEGER NOT NULL DEFAULT 0,
  requested INTEGER NOT NULL DEFAULT 0,
  corr_id INTEGER NOT NULL DEFAULT 0
);
`;

interface StateRow {
  terminal: number;
  /** Generation in use; null until the first rotation pins it (at the terminal's next session). */
  current_id: number | null;
  /** Generation offered and not yet current. */
  pending_id: number | null;
  /** 1 when the terminal's KEY_ROTATE_ACK checked: the pending generation may open a session. */
  confirmed: number;
  /** 1 from `key rotate` until a handshake under the new key succeeds (or its check fails). */
  requested: number;
  /** corrId of the last KEY_ROTATE. */
  corr_id: number;
}

/** What a rotation needs of an open session (terminal-session.ts). */
export interface RekeySession {
  readonly info: OpenedInfo | null;
  offerKey(corrId: number, keyId: number, key: Uint8Array): SendResult;
}

const KEY_ID_MAX = 0xffff_ffff;

/**
 * A KEY_ROTATE not acknowledged within this, in the same session, is sent
 * again: over a link that loses frames without closing, it may be lost, and
 * §4.6 has no retransmission of its own. (Over TCP a lost frame is a lost
 * link, and the next session offers it again anyway.)
 */
export const KEY_OFFER_RETRY_MS = 30_000;

export class KeyRotations {
  private readonly q;
  /** The session each terminal's last offer went to, and when (memory only: a new session offers again). */
  private readonly sent = new Map<number, { session: RekeySession; atMs: number }>();

  constructor(
    private readonly db: Database.Database,
    private readonly masterKey: Uint8Array,
    private readonly randomBytes: (n: number) => Uint8Array,
    private readonly log: Logger,
    private readonly nowMs: () => number,
  ) {
    // Added after schema version 1: created here on older files too, so no migration is needed.
    db.exec(STATE_SQL);
    this.q = {
      state: db.prepare<[number], StateRow>('SELECT * FROM terminal_key_state WHERE terminal = ?'),
      enrolled: db
        .prepare<[number, number], Uint8Array>('SELECT key FROM terminal_keys WHERE terminal = ? AND key_id = ?')
        .pluck(),
      putKey: db.prepare('INSERT OR REPLACE INTO terminal_keys (terminal, key_id, key) VALUES (?, ?, ?)'),
      dropKey: db.prepare('DELETE FROM terminal_keys WHERE terminal = ? AND key_id = ?'),
      dropOthers: db.prepare('DELETE FROM terminal_keys WHERE terminal = ? AND key_id <> ?'),
      request: db.prepare(
        'INSERT INTO terminal_key_state (terminal, requested) VALUES (?, 1) ON CONFLICT (terminal) DO UPDATE SET requested = 1',
      ),
      pin: db.prepare('UPDATE terminal_key_state SET current_id = ? WHERE terminal = ? AND current_id IS NULL'),
      offer: db.prepare('UPDATE terminal_key_state SET pending_id = ?, confirmed = 0, corr_id = ? WHERE terminal = ?'),
      confirm: db.prepare(
        'UPDATE terminal_key_state SET confirmed = 1 WHERE terminal = ? AND pending_id = ? AND corr_id = ?',
      ),
      promote: db.prepare(
        'UPDATE terminal_key_state SET current_id = pending_id, pending_id = NULL, confirmed = 0, requested = 0 WHERE terminal = ?',
      ),
      abandon: db.prepare(
        'UPDATE terminal_key_state SET pending_id = NULL, confirmed = 0, requested = 0 WHERE terminal = ?',
      ),
    };
  }

  /** The key a HELLO of (terminal, keyId) must prove, or null when that generation may not open a session. */
  keyFor(terminal: number, keyId: number): Uint8Array | null {
    const st = this.q.state.get(terminal);
    if (st && st.current_id !== null && keyId !== st.current_id && !(keyId === st.pending_id && st.confirmed === 1))
      return null;
    return this.material(terminal, keyId);
  }

  /** The generation a terminal uses now: for its key file (`onecard backend key`). */
  current(terminal: number): number {
    return this.q.state.get(terminal)?.current_id ?? 1;
  }

  /** Where a rotation stands, for the admin (never the key). */
  describe(terminal: number): { current: number; pending: number | null; confirmed: boolean; requested: boolean } {
    const st = this.q.state.get(terminal);
    return {
      current: st?.current_id ?? 1,
      pending: st?.pending_id ?? null,
      confirmed: st?.confirmed === 1,
      requested: st?.requested === 1,
    };
  }

  /** `key rotate`: remembered durably; offered at once on `online`, else at the terminal's next session. True when offered now. */
  request(terminal: number, online: RekeySession | undefined): boolean {
    this.q.request.run(terminal);
    this.log.info('backend.key-rotate-requested', { terminal, online: online !== undefined });
    return online ? this.offer(terminal, online) : false;
  }

  /** A session opened: finishes a rotation under the new key, or offers one that is asked for. */
  opened(s: RekeySession): void {
    const info = s.info as OpenedInfo;
    const t = info.terminalId;
    const st = this.q.state.get(t);
    if (!st) return;
    if (st.pending_id === info.keyId && st.confirmed === 1) {
      // §4.6 step 4: the handshake under the new key succeeded; the old one is forgotten.
      this.db
        .transaction(() => {
          this.q.promote.run(t);
          this.q.dropOthers.run(t, info.keyId);
        })
        .immediate();
      this.log.info('backend.key-rotated', { terminal: t, generation: info.keyId, previous: st.current_id });
      return;
    }
    if (st.requested === 1) this.offer(t, s);
  }

  /** Periodic (Backend.tick): offers not acknowledged in time are sent again on the same session. */
  retry(online: ReadonlyMap<number, RekeySession>): void {
    for (const [t, o] of this.sent) {
      const st = this.q.state.get(t);
      if (online.get(t) !== o.session || !st || st.requested !== 1 || st.pending_id === null || st.confirmed === 1)
        this.sent.delete(t);
      else if (this.nowMs() - o.atMs >= KEY_OFFER_RETRY_MS) this.offer(t, o.session);
    }
  }

  /** KEY_ROTATE_ACK whose check matched the key offered in this session. */
  confirmed(terminal: number, corrId: number, keyId: number): void {
    this.sent.delete(terminal);
    const done = this.q.confirm.run(terminal, keyId, corrId).changes > 0;
    this.log.info(done ? 'backend.key-confirmed' : 'backend.key-confirm-stale', {
      terminal,
      generation: keyId,
      corrId,
    });
  }

  /** KEY_ROTATE_ACK whose check did not match: the new key is not accepted, and a person should look. */
  checkFailed(terminal: number): void {
    const st = this.q.state.get(terminal);
    if (!st || st.pending_id === null) return;
    const pending = st.pending_id;
    this.db
      .transaction(() => {
        if (pending !== st.current_id) this.q.dropKey.run(terminal, pending);
        this.q.abandon.run(terminal);
        recordAlert(this.db, {
          atMs: this.nowMs(),
          kind: 'key-check',
          terminal,
          detail: `terminal ${terminal} acknowledged key generation ${pending} with a wrong check; rotation abandoned, generation ${st.current_id} stays`,
        });
      })
      .immediate();
    this.log.error('backend.key-check-failed', { terminal, generation: pending });
  }

  /** Durably records the new generation, then sends KEY_ROTATE (an earlier offer not yet current is offered again). */
  private offer(t: number, s: RekeySession): boolean {
    const info = s.info;
    if (!info || info.terminalId !== t) return false;
    let st = this.q.state.get(t) as StateRow;
    if (st.current_id === null) {
      // From the first request on, only this generation (and later the confirmed new one) opens a session.
      this.q.pin.run(info.keyId, t);
      st = this.q.state.get(t) as StateRow;
    }
    if ((info.caps & CAP.keyRotation) === 0) {
      this.log.warn('backend.key-rotate-unsupported', { terminal: t });
      return false;
    }
    const current = st.current_id as number;
    if (info.keyId !== current) return false;
    const next = st.pending_id ?? current + 1;
    if (next > KEY_ID_MAX) throw new RangeError(`terminal ${t}: key generations exhausted`);
    const corrId = (st.corr_id % KEY_ID_MAX) + 1;
    this.db
      .transaction(() => {
        if (st.pending_id === null) this.makeKey(t, current, next);
        this.q.offer.run(next, corrId, t);
      })
      .immediate();
    const r = s.offerKey(corrId, next, this.material(t, next) as Uint8Array);
    this.sent.set(t, { session: s, atMs: this.nowMs() });
    if (!r.ok) this.log.warn('backend.key-offer-failed', { terminal: t, generation: next, error: r.error });
    else this.log.info('backend.key-offered', { terminal: t, generation: next, corrId });
    return r.ok;
  }

  /** A random key for generation `keyId` of terminal `t` instead of the derived one; returned for the terminal's key file. */
  enrol(t: number, keyId: number): Uint8Array {
    const key = this.randomBytes(TERMINAL_KEY_BYTES);
    if (key.length !== TERMINAL_KEY_BYTES)
      throw new RangeError(`randomBytes(${TERMINAL_KEY_BYTES}) returned ${key.length} bytes`);
    this.q.putKey.run(t, keyId, key);
    return key;
  }

  /** A random key when the current one was enrolled (random), else the derived one (PROTOCOL.md §4.6: either). */
  private makeKey(t: number, current: number, next: number): void {
    if (this.q.enrolled.get(t, current)) this.enrol(t, next);
    else this.q.dropKey.run(t, next);
  }

  private material(t: number, keyId: number): Uint8Array | null {
    const row = this.q.enrolled.get(t, keyId);
    if (row) return new Uint8Array(row);
    return keyId >= 1 ? deriveTerminalKey(this.masterKey, t, keyId) : null;
  }
}
