import type Database from 'better-sqlite3';
import type { Command, CommandArgs, CommandResult } from '../protocol/index.ts';
import type { TerminalSession } from './terminal-session.ts';

/**
 * Remote commands (PROTOCOL.md §6.9), queued durably per terminal and sent
 * when it is connected; a command sent but not answered is sent again with
 * the same corrId after a reconnect — the terminal answers a repeat from
 * memory, so it is never executed twice. corrIds are never reused.
 */
export class Commands {
  private readonly q;

  constructor(
    db: Database.Database,
    private readonly nowMs: () => number,
  ) {
    this.q = {
      add: db.prepare('INSERT INTO commands (terminal, command, created_ms) VALUES (?, ?, ?)'),
      due: db.prepare<[number, number], { corr_id: number; command: string }>(
        "SELECT corr_id, command FROM commands WHERE terminal = ? AND (status = 'queued' OR (status = 'sent' AND sent_ms < ?)) ORDER BY corr_id",
      ),
      resent: db.prepare('UPDATE commands SET sent_ms = ? WHERE corr_id = ?'),
      sent: db.prepare("UPDATE commands SET status = 'sent', sent_ms = ? WHERE corr_id = ? AND status = 'queued'"),
      result: db.prepare('UPDATE commands SET status = ?, detail = ? WHERE corr_id = ? AND terminal = ?'),
      get: db.prepare<[number], { terminal: number; status: string; detail: string | null }>(
        'SELECT terminal, status, detail FROM commands WHERE corr_id = ?',
      ),
      row: db.prepare<[number], CommandRow>(
        'SELECT corr_id, terminal, command, created_ms, status, detail FROM commands WHERE corr_id = ?',
      ),
      recent: db.prepare<[number, number, number], CommandRow>(
        'SELECT corr_id, terminal, command, created_ms, status, detail FROM commands WHERE (? < 0 OR terminal = ?) ORDER BY corr_id DESC LIMIT ?',
      ),
    };
  }

  queue(terminal: number, args: CommandArgs, notAfterMs: number): number {
    return Number(
      this.q.add.run(
        terminal,
        JSON.stringify({ ...args, notAfterMs, ...(args.command === 'unknown' ? { args: [...args.args] } : {}) }),
        this.nowMs(),
      ).lastInsertRowid,
    );
  }

  /** Sends what is queued, and what an earlier session sent without bringing a result back. */
  sendQueued(s: TerminalSession): void {
    if (s.terminalId === null) return;
    for (const row of this.q.due.all(s.terminalId, s.openedMs)) {
      const c = JSON.parse(row.command) as CommandArgs & { notAfterMs: number; args?: number[] };
      const m = {
        type: 'command',
        corrId: row.corr_id,
        ...c,
        ...(c.command === 'unknown' ? { args: Uint8Array.from(c.args ?? []) } : {}),
      } as Command;
      if (!s.send(m)) continue;
      this.q.sent.run(this.nowMs(), row.corr_id);
      this.q.resent.run(this.nowMs(), row.corr_id);
    }
  }

  result(terminal: number, m: CommandResult): void {
    this.q.result.run(m.status, m.detail ?? null, m.corrId, terminal);
  }

  status(corrId: number): { terminal: number; status: string; detail: string | null } | null {
    return this.q.get.get(corrId) ?? null;
  }

  /** The whole row (what was asked, when, the answer), for `command show`. */
  get(corrId: number): CommandRow | null {
    return this.q.row.get(corrId) ?? null;
  }

  /** The latest commands, newest first; of one terminal, or of all (null). */
  recent(terminal: number | null, limit: number): CommandRow[] {
    const t = terminal ?? -1;
    return this.q.recent.all(t, t, limit);
  }
}

/** Statuses that mean the terminal has not answered yet. */
export const COMMAND_UNANSWERED: readonly string[] = ['queued', 'sent'];

export interface CommandRow {
  corr_id: number;
  terminal: number;
  /** The command as queued (JSON of CommandArgs and notAfterMs). */
  command: string;
  created_ms: number;
  /** queued, sent, or the terminal's answer (done, failed, bad-args …). */
  status: string;
  detail: string | null;
}
