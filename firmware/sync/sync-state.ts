import type Database from 'better-sqlite3';
import { chmodSync, existsSync } from 'node:fs';
import type { Logger } from '../core/log.ts';
import { durabilityOf, openSqlite, type Durability } from '../../base/sqlite-open.ts';
import type { Advice } from '../../protocol/index.ts';

/**
 * The little the sync client must remember across a power cut, in its own
 * SQLite file (WAL + synchronous=FULL, like every terminal store):
 * - the version of list 2 (pending credits): PendingCredits keeps the
 *   credits, not the list version the backend numbered them under;
 * - the lock flag a remote command set (a locked terminal stays locked);
 * - the results of the last commands (PROTOCOL.md §6.9: a repeated corrId is
 *   answered from memory, never executed twice);
 * - advices and reversals owed to the backend until it acknowledges them
 *   (§6.7: "repeats … even across sessions");
 * - the config version in force and the answers to the last config pushes
 *   (§6.8: a repeated corrId gets the same answer);
 * - the terminal key generations (firmware/store/keys/sync-key.ts): the file is 0600.
 * Its own file so none of this holds the journal's write lock.
 */

/** PROTOCOL.md §6.9: the terminal remembers its last 64 command results. */
export const COMMAND_RESULTS_KEPT = 64;

export interface StoredCommandResult {
  corrId: number;
  status: string;
  detail?: string;
}

export interface StoredConfigAck {
  corrId: number;
  /** The version in force when it was answered. */
  version: number;
  status: 'applied' | 'rejected' | 'stale';
  problem?: string;
}

export interface Owed {
  stan: number;
  kind: 'advice' | 'reversal';
  cardNumber: number;
  amountCents: number;
  atMs: number;
  journalSeq: number;
  /** An advice's reason (§6.7), from the sale's online.result; absent for reversals and advices owed before version 3 kept it. */
  adviceReason?: Advice['reason'];
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

/** Version 2: config pushes (PROTOCOL.md §6.8); the version in force is kv `config.version`. */
const MIGRATE_2_SQL = `
CREATE TABLE config_acks (corr_id INTEGER PRIMARY KEY NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL, problem TEXT);
PRAGMA user_version = 2;
`;

/** Version 3: an owed advice keeps its reason (NULL for reversals and for what version 2 owed). */
const MIGRATE_3_SQL = `
ALTER TABLE owed ADD COLUMN advice_reason TEXT;
PRAGMA user_version = 3;
`;
const SCHEMA_VERSION = 3;

interface OwedRow {
  stan: number;
  kind: Owed['kind'];
  card: number;
  amount_cents: number;
  at_ms: number;
  journal_seq: number;
  advice_reason: Advice['reason'] | null;
}

export class SyncState {
  private readonly q;

  private constructor(
    private readonly db: Database.Database,
    private readonly log: Logger,
  ) {
    this.q = {
      get: db.prepare<[string], string>('SELECT value FROM kv WHERE key = ?').pluck(),
      put: db.prepare(
        'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      del: db.prepare('DELETE FROM kv WHERE key = ?'),
      result: db.prepare<[number], { status: string; detail: string | null }>(
        'SELECT status, detail FROM command_results WHERE corr_id = ?',
      ),
      putResult: db.prepare('INSERT OR REPLACE INTO command_results (corr_id, status, detail) VALUES (?, ?, ?)'),
      trimResults: db.prepare(
        `DELETE FROM command_results WHERE corr_id NOT IN (SELECT corr_id FROM command_results ORDER BY corr_id DESC LIMIT ${COMMAND_RESULTS_KEPT})`,
      ),
      addOwed: db.prepare(
        'INSERT OR IGNORE INTO owed (stan, kind, card, amount_cents, at_ms, journal_seq, advice_reason) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      owed: db.prepare<[number], OwedRow>('SELECT * FROM owed ORDER BY journal_seq LIMIT ?'),
      clearOwed: db.prepare('DELETE FROM owed WHERE stan = ? AND kind = ?'),
      configAck: db.prepare<[number], { version: number; status: StoredConfigAck['status']; problem: string | null }>(
        'SELECT version, status, problem FROM config_acks WHERE corr_id = ?',
      ),
      putConfigAck: db.prepare(
        'INSERT OR REPLACE INTO config_acks (corr_id, version, status, problem) VALUES (?, ?, ?, ?)',
      ),
      trimConfigAcks: db.prepare(
        `DELETE FROM config_acks WHERE corr_id NOT IN (SELECT corr_id FROM config_acks ORDER BY corr_id DESC LIMIT ${COMMAND_RESULTS_KEPT})`,
      ),
    };
  }

  /** Opens or creates the file (`:memory:` for tests). */
  static open(opts: { path: string; log: Logger }): SyncState {
    const { db } = openSqlite({ path: opts.path });
    try {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION)
        throw new Error(`${opts.path}: sync state schema version ${version}, this build reads 1..${SCHEMA_VERSION}`);
      db.transaction(() => {
        if (version === 0) db.exec(SCHEMA_SQL);
        if (version < 2) db.exec(MIGRATE_2_SQL);
        if (version < 3) db.exec(MIGRATE_3_SQL);
      }).immediate();
      // It holds the terminal key (firmware/store/keys/sync-key.ts): its owner only.
      if (opts.path !== ':memory:')
        for (const f of [opts.path, `${opts.path}-wal`]) if (existsSync(f)) chmodSync(f, 0o600);
      return new SyncState(db, opts.log);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** A raw kv value (firmware/store/keys/sync-key.ts keeps the terminal key generations here). */
  value(name: string): string | undefined {
    return this.q.get.get(name);
  }

  /** Sets (or, for null, deletes) several kv values in one durable transaction. */
  setValues(values: Record<string, string | null>): void {
    this.db
      .transaction(() => {
        for (const [name, v] of Object.entries(values)) {
          if (v === null) this.q.del.run(name);
          else this.q.put.run(name, v);
        }
      })
      .immediate();
  }

  listVersion(list: 'credits' | 'grants'): number {
    return Number(this.q.get.get(`list.${list}`) ?? 0);
  }

  setListVersion(list: 'credits' | 'grants', version: number): void {
    if (!Number.isSafeInteger(version) || version < 0)
      throw new RangeError(`list version must be a non-negative integer, got ${version}`);
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

  /** The config version in force (0: the file the terminal was installed with). */
  configVersion(): number {
    return Number(this.q.get.get('config.version') ?? 0);
  }

  configAck(corrId: number): StoredConfigAck | null {
    const row = this.q.configAck.get(corrId);
    if (!row) return null;
    return row.problem === null
      ? { corrId, version: row.version, status: row.status }
      : { corrId, version: row.version, status: row.status, problem: row.problem };
  }

  /** Remembers an answer; an `applied` one makes its version the one in force, in the same transaction. */
  saveConfigAck(a: StoredConfigAck): void {
    if (!Number.isSafeInteger(a.version) || a.version < 0)
      throw new RangeError(`config version must be a non-negative integer, got ${a.version}`);
    this.db
      .transaction(() => {
        // The version in force only moves forward (§6.8: an older or equal one is `stale`).
        if (a.status === 'applied' && a.version <= this.configVersion())
          throw new RangeError(`config version ${a.version} is not above ${this.configVersion()} in force`);
        if (a.status === 'applied') this.q.put.run('config.version', String(a.version));
        this.q.putConfigAck.run(a.corrId, a.version, a.status, a.problem ?? null);
        this.q.trimConfigAcks.run();
      })
      .immediate();
  }

  /** Remembers an advice or reversal to send; false when it was already owed. */
  addOwed(o: Owed): boolean {
    return (
      this.q.addOwed.run(o.stan, o.kind, o.cardNumber, o.amountCents, o.atMs, o.journalSeq, o.adviceReason ?? null)
        .changes > 0
    );
  }

  owed(limit: number): Owed[] {
    return this.q.owed.all(limit).map((r) => ({
      stan: r.stan,
      kind: r.kind,
      cardNumber: r.card,
      amountCents: r.amount_cents,
      atMs: r.at_ms,
      journalSeq: r.journal_seq,
      ...(r.advice_reason === null ? {} : { adviceReason: r.advice_reason }),
    }));
  }

  clearOwed(stan: number, kind: Owed['kind']): boolean {
    return this.q.clearOwed.run(stan, kind).changes > 0;
  }

  /** The connection's journal mode and synchronous level (what makes a commit durable). */
  durability(): Durability {
    return durabilityOf(this.db);
  }

  close(): void {
    this.db.close();
  }
}
