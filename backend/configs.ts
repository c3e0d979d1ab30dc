import type Database from 'better-sqlite3';
import type { Logger } from '../base/log.ts';
import { CAP, CONFIG_BYTES_MAX, type ConfigAck } from '../protocol/index.ts';
import type { TerminalSession } from './terminal-session.ts';

/**
 * Config push (PROTOCOL.md §6.8), the backend's side. Each push is a whole
 * config document, numbered per terminal above anything the terminal has
 * reported or been sent, and stored durably with its answer. The backend
 * checks nothing but the size: the terminal validates with its own schema
 * and says why it refused.
 *
 * Only the newest version of a terminal is ever sent: it goes at once to an
 * open session, else when the terminal's STATUS shows an older configVersion
 * — at most once per session, and never again after `rejected` (a refused
 * document stays refused; the admin pushes a fixed one). A terminal answers
 * a re-sent corrId from memory, so sending again is harmless.
 */
export type ConfigPushStatus = 'queued' | 'sent' | 'superseded' | ConfigAck['status'];

export interface ConfigRow {
  corrId: number;
  version: number;
  createdMs: number;
  sentMs: number | null;
  status: ConfigPushStatus;
  /** The version the terminal said was in force when it answered. */
  inForce: number | null;
  problem: string | null;
}

type Row = {
  corr_id: number;
  version: number;
  created_ms: number;
  sent_ms: number | null;
  status: ConfigPushStatus;
  in_force: number | null;
  problem: string | null;
};
const COLUMNS = 'corr_id, version, created_ms, sent_ms, status, in_force, problem';

/** Null when `body` fits one CONFIG_PUSH; else why not. */
export function configTooBig(body: string): string | null {
  const bytes = Buffer.byteLength(body, 'utf8');
  return bytes > CONFIG_BYTES_MAX
    ? `the config is ${bytes} bytes; a push carries at most ${CONFIG_BYTES_MAX} (PROTOCOL.md §7)`
    : null;
}

export class Configs {
  private readonly q;

  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number,
    private readonly log: Logger,
  ) {
    this.q = {
      maxVersion: db.prepare<[number], number | null>('SELECT MAX(version) FROM configs WHERE terminal = ?').pluck(),
      reported: db.prepare<[number], string | null>('SELECT status FROM terminals WHERE id = ?').pluck(),
      supersede: db.prepare(
        "UPDATE configs SET status = 'superseded' WHERE terminal = ? AND status IN ('queued', 'sent')",
      ),
      add: db.prepare('INSERT INTO configs (terminal, version, body, created_ms) VALUES (?, ?, ?, ?)'),
      latest: db.prepare<[number], Row & { body: string }>(
        `SELECT ${COLUMNS}, body FROM configs WHERE terminal = ? ORDER BY version DESC LIMIT 1`,
      ),
      sent: db.prepare(
        "UPDATE configs SET status = 'sent', sent_ms = ?, in_force = NULL, problem = NULL WHERE corr_id = ?",
      ),
      ack: db.prepare(
        'UPDATE configs SET status = ?, in_force = ?, problem = ?, acked_ms = ? WHERE corr_id = ? AND terminal = ?',
      ),
      history: db.prepare<[number, number], Row>(
        `SELECT ${COLUMNS} FROM configs WHERE terminal = ? ORDER BY version DESC LIMIT ?`,
      ),
    };
  }

  /** Numbers and stores a new config for a terminal; older versions not yet answered are superseded. */
  add(terminal: number, body: string): { corrId: number; version: number } {
    const tooBig = configTooBig(body);
    if (tooBig !== null) throw new Error(tooBig);
    return this.db
      .transaction(() => {
        // Above what the terminal reports too: after a restored backend, or a terminal moved from
        // another one, a lower number would only ever be answered `stale`.
        const version = Math.max(this.q.maxVersion.get(terminal) ?? 0, this.reportedVersion(terminal) ?? 0) + 1;
        this.q.supersede.run(terminal);
        const corrId = Number(this.q.add.run(terminal, version, body, this.nowMs()).lastInsertRowid);
        return { corrId, version };
      })
      .immediate();
  }

  /** The configVersion of the terminal's last STATUS, or null if it never sent one. */
  reportedVersion(terminal: number): number | null {
    const status = this.q.reported.get(terminal);
    return status ? ((JSON.parse(status) as { configVersion?: number }).configVersion ?? null) : null;
  }

  /** Sends the terminal's newest config if its STATUS shows it behind; true when sent. */
  sendDue(s: TerminalSession): boolean {
    const terminal = s.terminalId;
    const held = s.lastStatus?.configVersion;
    if (terminal === null || held === undefined) return false;
    // A terminal that does not offer config push keeps it queued (`config show` says so).
    if (((s.session.info?.caps ?? 0) & CAP.config) === 0) return false;
    const row = this.q.latest.get(terminal);
    if (!row || row.version <= held || row.status === 'rejected') return false;
    if (row.sent_ms !== null && row.sent_ms >= s.openedMs) return false;
    if (!s.send({ type: 'configPush', corrId: row.corr_id, version: row.version, format: 'json', body: row.body }))
      return false;
    this.q.sent.run(this.nowMs(), row.corr_id);
    this.log.info('backend.config-sent', { terminal, corrId: row.corr_id, version: row.version, held });
    return true;
  }

  ack(terminal: number, m: ConfigAck): void {
    const known = this.q.ack.run(m.status, m.version, m.problem ?? null, this.nowMs(), m.corrId, terminal).changes > 0;
    const fields = { terminal, corrId: m.corrId, status: m.status, inForce: m.version, problem: m.problem, known };
    if (m.status === 'rejected' || !known) this.log.warn('backend.config-ack', fields);
    else this.log.info('backend.config-ack', fields);
  }

  /** Newest first. */
  history(terminal: number, limit = 10): ConfigRow[] {
    return this.q.history.all(terminal, limit).map((r) => ({
      corrId: r.corr_id,
      version: r.version,
      createdMs: r.created_ms,
      sentMs: r.sent_ms,
      status: r.status,
      inForce: r.in_force,
      problem: r.problem,
    }));
  }
}
