import type Database from 'better-sqlite3';
import type { Logger } from '../base/log.ts';
import { CLOCK_FAR_MS } from '../protocol/index.ts';
import type { JournalAck, Status } from '../protocol/index.ts';

/**
 * What stops a terminal's sync, seen from the backend: the terminal's uploads
 * stop for good (conflict, backend-ahead), it cannot authenticate (wrong-key),
 * or its clock is far from ours (clock-off: card days, undo windows and
 * command deadlines go wrong). Each is a standing alarm per terminal and
 * kind — raised once, counted while it recurs, cleared when the condition is
 * gone — shown by `backend status` and `backend terminals`, so a stopped
 * terminal does not look healthy at the desk.
 *
 * Added after backend schema 2 without a bump: the table is created where
 * missing on every open.
 */
const SYNC_ALARMS_SQL = `
CREATE TABLE IF NOT EXISTS sync_alarms (
  terminal INTEGER NOT NULL, kind TEXT NOT NULL, since_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL,
  count INTEGER NOT NULL, detail TEXT NOT NULL, PRIMARY KEY (terminal, kind)
) WITHOUT ROWID;
`;

export type SyncAlarmKind = 'conflict' | 'backend-ahead' | 'wrong-key' | 'clock-off' | 'upload-stopped';

/**
 * STATUS tlv 6 (§6.3) as the terminal writes it: "upload stopped (reason): detail". Conflict and
 * backend-ahead the backend sees for itself (their own kinds); any other reason (malformed,
 * unencodable, bad-message) only the terminal knows, and it is the `upload-stopped` alarm.
 */
const SEEN_HERE = /^upload stopped \((conflict|backend-ahead)\)/;

export interface SyncAlarm {
  terminal: number;
  kind: SyncAlarmKind;
  sinceMs: number;
  lastMs: number;
  /** Times seen since it was raised (a terminal reconnecting meets it again each session). */
  count: number;
  detail: string;
}

/** What one STATUS says: the alarms it shows, and the kinds it shows are over. */
export interface StatusVerdict {
  raise: { kind: SyncAlarmKind; detail: string }[];
  clear: SyncAlarmKind[];
}

/**
 * Pure: a STATUS against what the backend holds. `highWater`: the last record
 * the backend holds of this terminal; a journal that ends below it is not the
 * journal those records came from (wiped, or another box under the same id),
 * and the terminal's uploader stops (backend-ahead). The clock is judged on
 * the STATUS's own time against ours on arrival (transit is far below the bound).
 */
export function judgeStatus(m: Status, highWater: number, backendNowMs: number): StatusVerdict {
  const v: StatusVerdict = { raise: [], clear: [] };
  if (m.journalLastSeq < highWater) {
    v.raise.push({
      kind: 'backend-ahead',
      detail:
        `the backend holds records up to ${highWater}, the terminal's journal ends at ${m.journalLastSeq}: ` +
        'its uploads stop (a wiped journal, or another terminal under this id)',
    });
  } else v.clear.push('backend-ahead');
  const offMs = backendNowMs - m.terminalTimeMs;
  if (Math.abs(offMs) > CLOCK_FAR_MS) {
    v.raise.push({
      kind: 'clock-off',
      detail: `terminal clock ${Math.round(Math.abs(offMs) / 1000)} s ${offMs > 0 ? 'behind' : 'ahead of'} the backend's`,
    });
  } else v.clear.push('clock-off');
  if (m.alarm !== undefined && !SEEN_HERE.test(m.alarm)) v.raise.push({ kind: 'upload-stopped', detail: m.alarm });
  else v.clear.push('upload-stopped');
  return v;
}

interface Row {
  terminal: number;
  kind: SyncAlarmKind;
  since_ms: number;
  last_ms: number;
  count: number;
  detail: string;
}

export class SyncAlarms {
  private readonly q;

  constructor(
    db: Database.Database,
    private readonly log: Logger,
    private readonly nowMs: () => number,
  ) {
    db.exec(SYNC_ALARMS_SQL);
    this.q = {
      get: db.prepare<[number, string], Row>('SELECT * FROM sync_alarms WHERE terminal = ? AND kind = ?'),
      add: db.prepare(
        'INSERT INTO sync_alarms (terminal, kind, since_ms, last_ms, count, detail) VALUES (?, ?, ?, ?, 1, ?)',
      ),
      again: db.prepare(
        'UPDATE sync_alarms SET last_ms = ?, count = count + 1, detail = ? WHERE terminal = ? AND kind = ?',
      ),
      clear: db.prepare('DELETE FROM sync_alarms WHERE terminal = ? AND kind = ?'),
      all: db.prepare<[], Row>('SELECT * FROM sync_alarms ORDER BY terminal, kind'),
      known: db.prepare<[number], number>('SELECT 1 FROM terminals WHERE id = ?').pluck(),
    };
  }

  /** Raises (logged once) or counts again. */
  raise(terminal: number, kind: SyncAlarmKind, detail: string): void {
    if (this.q.get.get(terminal, kind)) {
      this.q.again.run(this.nowMs(), detail, terminal, kind);
      return;
    }
    this.q.add.run(terminal, kind, this.nowMs(), this.nowMs(), detail);
    this.log.warn('backend.sync-alarm', { terminal, kind, detail });
  }

  clear(terminal: number, kind: SyncAlarmKind): void {
    if (this.q.clear.run(terminal, kind).changes > 0) this.log.info('backend.sync-alarm-cleared', { terminal, kind });
  }

  /** A JOURNAL_ACK sent: a conflict stops the terminal's uploads for good (§6.6.5); records stored again end it. */
  upload(terminal: number, ack: JournalAck, stored: number): void {
    const conflict = `record ${ack.conflictSeq ?? '?'} differs from the one the backend holds: its uploads stop`;
    if (ack.status === 'conflict') this.raise(terminal, 'conflict', conflict);
    else if (stored > 0) this.clear(terminal, 'conflict');
  }

  /** A terminal's STATUS, against the backend's mark of it (judgeStatus). */
  status(terminal: number, m: Status, highWater: number): void {
    const v = judgeStatus(m, highWater, this.nowMs());
    for (const a of v.raise) this.raise(terminal, a.kind, a.detail);
    for (const kind of v.clear) this.clear(terminal, kind);
  }

  /**
   * A handshake failed on the key: always a warning (with the terminal HELLO claimed and the
   * address); an alarm for a terminal the backend has seen only, so a stranger cannot fill the table.
   */
  authFailed(claimed: number | null, peer: string | null, detail: string): void {
    this.log.warn('backend.auth-failed', { terminal: claimed, peer, detail });
    if (claimed !== null && this.q.known.get(claimed) !== undefined)
      this.raise(claimed, 'wrong-key', `handshake refused: ${detail}`);
  }

  list(): SyncAlarm[] {
    return this.q.all.all().map((r) => ({
      terminal: r.terminal,
      kind: r.kind,
      sinceMs: r.since_ms,
      lastMs: r.last_ms,
      count: r.count,
      detail: r.detail,
    }));
  }
}
