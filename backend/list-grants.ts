import type Database from 'better-sqlite3';
import type { Grant, ListDigest } from '../protocol/index.ts';

/**
 * The backend's door grants (PROTOCOL.md §6.4 list 1): one grant per card —
 * a door bit mask and a validity window in minutes since 2000-01-01T00:00Z,
 * until exclusive. Versioned like the blacklist through ListStore
 * (lists.ts): every set or revoke is one new version, logged so a terminal
 * gets a delta, with the digest moved in O(1).
 *
 * Added after backend schema 1 without a bump (as configs.ts did): the table,
 * its list_meta row and the terminals' held_grants column are created where
 * missing, on every open.
 */
const GRANTS_SQL = `
CREATE TABLE IF NOT EXISTS grants (
  card INTEGER PRIMARY KEY NOT NULL, doors INTEGER NOT NULL, valid_from INTEGER NOT NULL, valid_until INTEGER NOT NULL, set_ms INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO list_meta VALUES ('grants', 0, 0, 0, 0);
`;

const U32_MAX = 0xffff_ffff;

export function ensureGrantsSchema(db: Database.Database): void {
  db.transaction(() => {
    db.exec(GRANTS_SQL);
    const cols = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('terminals')`).all();
    if (!cols.some((c) => c.name === 'held_grants')) db.exec('ALTER TABLE terminals ADD COLUMN held_grants INTEGER');
  }).immediate();
}

export function checkGrant(g: Grant): void {
  const u32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= U32_MAX;
  if (!u32(g.cardNumber)) throw new RangeError(`card must be 0..${U32_MAX}, got ${g.cardNumber}`);
  if (!u32(g.doors) || g.doors === 0)
    throw new RangeError(`doors must be a non-empty bit mask (1..${U32_MAX}), got ${g.doors}`);
  if (!u32(g.validFromMinute) || !u32(g.validUntilMinute) || g.validUntilMinute <= g.validFromMinute) {
    throw new RangeError(
      `a grant must be valid for at least a minute: from ${g.validFromMinute} until ${g.validUntilMinute}`,
    );
  }
}

interface GrantRow {
  card: number;
  doors: number;
  valid_from: number;
  valid_until: number;
}
const toGrant = (r: GrantRow): Grant => ({
  cardNumber: r.card,
  doors: r.doors,
  validFromMinute: r.valid_from,
  validUntilMinute: r.valid_until,
});

/** The grants table's statements; the versioning is ListStore's. */
export class GrantTable {
  private readonly q;

  constructor(db: Database.Database) {
    ensureGrantsSchema(db);
    this.q = {
      get: db.prepare<[number], GrantRow>('SELECT card, doors, valid_from, valid_until FROM grants WHERE card = ?'),
      put: db.prepare(
        'INSERT OR REPLACE INTO grants (card, doors, valid_from, valid_until, set_ms) VALUES (?, ?, ?, ?, ?)',
      ),
      remove: db.prepare('DELETE FROM grants WHERE card = ?'),
      all: db.prepare<[], GrantRow>('SELECT card, doors, valid_from, valid_until FROM grants ORDER BY card'),
      count: db.prepare<[], number>('SELECT count(*) FROM grants').pluck(),
    };
  }

  get(card: number): Grant | null {
    const r = this.q.get.get(card);
    return r ? toGrant(r) : null;
  }

  all(): Grant[] {
    return this.q.all.all().map(toGrant);
  }

  size(): number {
    return this.q.count.get()!;
  }

  /** Sets the card's grant inside a ListStore change; returns 0 when it already holds exactly this one. */
  set(g: Grant, atMs: number, d: ListDigest): number {
    const old = this.get(g.cardNumber);
    if (
      old &&
      old.doors === g.doors &&
      old.validFromMinute === g.validFromMinute &&
      old.validUntilMinute === g.validUntilMinute
    )
      return 0;
    if (old) d.remove('grants', old);
    this.q.put.run(g.cardNumber, g.doors, g.validFromMinute, g.validUntilMinute, atMs);
    d.add('grants', g);
    return 1;
  }

  /** Revokes the card's grant inside a ListStore change; returns 0 when it had none. */
  revoke(card: number, d: ListDigest): number {
    const old = this.get(card);
    if (!old) return 0;
    this.q.remove.run(card);
    d.remove('grants', old);
    return 1;
  }
}
