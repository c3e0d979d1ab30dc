import type Database from 'better-sqlite3';
import type { Logger } from '../core/log.ts';
import { openSqlite } from '../store/sqlite-open.ts';

/**
 * The little the sync client must remember across a power cut, in its own
 * SQLite file (WAL + synchronous=FULL, like every terminal store):
 * - the version of list 2 (pending credits): PendingCredits keeps the
 *   credits, not the list version the backend numbered them under;
 * - the lock flag a remote command set (a locked terminal stays locked);
 * - the results of the last commands (PROTOCOL.md §6.9: a repeated corrId is
 *   answered from memory, never executed twice);
 * - advices and reversals owed to the backend until it acknowledges them
 *   (§6.7: "repeats … even across sessions").
 * Its own file so none of this holds the journal's write lock.
 */

/** PROTOCOL.md §6.9: the terminal remembers its last 64 command results. */
export const COMMAND_RESULTS_KEPT = 64;

export interface StoredCommandResult {
  corrId: number;
  status: string;
  detail?: string;
}

export interface Owed {
  stan: number;
  kind: 'advice' | 'reversal';
  cardNumber: number;
  amountCents: number;
  atMs: number;
  journalSeq: number;
}

const SCHEMA_SQL = `
CREATE TABLE kv (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE command_results (corr_id INTEGER PRIMARY KEY NOT NULL, status TEXT NOT NULL, detail TEXT);
CREATE TABLE owed (
  stan INTEGER NOT NULL, kind TEXT NOT NULL, card INTEGER NOT NULL, amount_cents INTEGER NOT NULL,
  at_ms INTEGER NOT NULL, journal_seq INTEGER NOT NULL, PRIMARY KEY (stan, kind)
) WITHOUT ROWID;
PRAGMA user_version = 1;
`;

export class SyncState {
  private readonly q;

  private constructor(
    private readonly db: Database.Database,
    private readonly log: Logger,
  ) {
    this.q = {
      get: db.prepare<[string], string>('SELECT value FROM kv WHERE key = ?').pluck(),
      put: db.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      result: db.prepare<[number], { status: string; detail: string | null }>('SELECT status, detail FROM command_results WHERE corr_id = ?'),
      putResult: db.prepare('INSERT OR REPLACE INTO command_results (corr_id, status, detail) VALUES (?, ?, ?)'),
      trimResults: db.prepare(`DELETE FROM command_results WHERE corr_id NOT IN (SELECT corr_id FROM command_results ORDER BY corr_id DESC LIMIT ${COMMAND_RESULTS_KEPT})`),
      addOwed: db.prepare('INSERT OR IGNORE INTO owed (stan, kind, card, amount_cents, at_ms, journal_seq) VALUES (?, ?, ?, ?, ?, ?)'),
      owed: db.prepare<[number], { stan: number; kind: Owed['kind']; card: number; amount_cents: number; at_ms: number; journal_seq: number }>('SELECT * FROM owed ORDER BY journal_seq LIMIT ?'),
      clearOwed: db.prepare('DELETE FROM owed WHERE stan = ? AND kind = ?'),
    };
  }

  /** Opens or creates the file (`:memory:` for tests). */
  static open(opts: { path: string; log: Logger }): SyncState {
    const { db } = openSqlite({ path: opts.path });
    try {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version === 0) db.transaction(() => db.exec(SCHEMA_SQL)).immediate();
      else if (version !== 1) throw new Error(`${opts.path}: sync state schema version ${version}, this build reads 1`);
      return new SyncState(db, opts.log);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  listVersion(list: 'credits' | 'grants'): number {
    return Number(this.q.get.get(`list.${list}`) ?? 0);
  }

  setListVersion(list: 'credits' | 'grants', version: number): void {
    if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`list version must be a non-negative integer, got ${version}`);
    this.q.put.run(`list.${list}`, String(version));
  }

  lock(): { locked: boolean; text: string } {
    const raw = this.q.get.get('lock');
    return raw === undefined ? { locked: false, text: '' } : (JSON.parse(raw) as { locked: boolean; text: string });
  }

  setLock(locked: boolean, text: string): void {
    this.q.put.run('lock', JSON.stringify({ locked, text }));
    this.log.warn(locked ? 'sync.locked' : 'sync.unlocked', { text });
  }

  commandResult(corrId: number): StoredCommandResult | null {
    const row = this.q.result.get(corrId);
    if (!row) return null;
    return row.detail === null ? { corrId, status: row.status } : { corrId, status: row.status, detail: row.detail };
  }

  saveCommandResult(r: StoredCommandResult): void {
    this.db
      .transaction(() => {
        this.q.putResult.run(r.corrId, r.status, r.detail ?? null);
        this.q.trimResults.run();
      })
      .immediate();
  }

  /** Remembers an advice or reversal to send; false when it was already owed. */
  addOwed(o: Owed): boolean {
    return this.q.addOwed.run(o.stan, o.kind, o.cardNumber, o.amountCents, o.atMs, o.journalSeq).changes > 0;
  }

  owed(limit: number): Owed[] {
    return this.q.owed.all(limit).map((r) => ({ stan: r.stan, kind: r.kind, cardNumber: r.card, amountCents: r.amount_cents, atMs: r.at_ms, journalSeq: r.journal_seq }));
  }

  clearOwed(stan: number, kind: Owed['kind']): boolean {
    return this.q.clearOwed.run(stan, kind).changes > 0;
  }

  close(): void {
    this.db.close();
  }
}
