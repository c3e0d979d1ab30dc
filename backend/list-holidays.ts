import type Database from 'better-sqlite3';
import type { ListDigest } from '../protocol/index.ts';

/**
 * The backend's holidays list (PROTOCOL.md §6.4.2 list 4): the days a door's
 * time zones use their holiday intervals, each key `site × 65,536 + card day`
 * (site 0: every site). Versioned through ListStore (lists.ts).
 *
 * Added after backend schema 3 without a bump, as list-holders.ts did: the
 * table, its list_meta row and the terminals' held_holidays column are
 * created where missing, on every open.
 */
const HOLIDAYS_SQL = `
CREATE TABLE IF NOT EXISTS holidays (key INTEGER PRIMARY KEY NOT NULL, set_ms INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO list_meta VALUES ('holidays', 0, 0, 0, 0);
`;

function ensureHolidaysSchema(db: Database.Database): void {
  db.transaction(() => {
    db.exec(HOLIDAYS_SQL);
    const cols = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('terminals')`).all();
    if (!cols.some((c) => c.name === 'held_holidays'))
      db.exec('ALTER TABLE terminals ADD COLUMN held_holidays INTEGER');
  }).immediate();
}

/** The holidays table's statements; the versioning is ListStore's. */
export class HolidayTable {
  private readonly q;

  constructor(db: Database.Database) {
    ensureHolidaysSchema(db);
    this.q = {
      add: db.prepare('INSERT OR IGNORE INTO holidays (key, set_ms) VALUES (?, ?)'),
      remove: db.prepare('DELETE FROM holidays WHERE key = ?'),
      all: db.prepare<[], number>('SELECT key FROM holidays ORDER BY key').pluck(),
    };
  }

  /** 1 when the key was not on the list (added and digested), else 0. */
  add(key: number, atMs: number, d: ListDigest): number {
    if (this.q.add.run(key, atMs).changes === 0) return 0;
    d.add('holidays', key);
    return 1;
  }

  /** 1 when the key was on the list (removed and digested), else 0. */
  remove(key: number, d: ListDigest): number {
    if (this.q.remove.run(key).changes === 0) return 0;
    d.remove('holidays', key);
    return 1;
  }

  all(): number[] {
    return this.q.all.all();
  }
}
