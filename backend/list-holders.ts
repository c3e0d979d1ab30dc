import type Database from 'better-sqlite3';
import { HOLDER_NAME_BYTES_MAX, type Holder, type ListDigest } from '../protocol/index.ts';

/**
 * The backend's holders list (PROTOCOL.md §6.4 list 3): per card what the
 * site knows of its holder beyond the card — the name a punch clock shows,
 * the access groups door rules name (bit mask), a car-park pass valid
 * through a card day. One entry per card; an admin change to any field is a
 * new version whose delta carries the card's whole entry (remove the old,
 * add the new in the digest). Versioned through ListStore (lists.ts).
 *
 * Added after backend schema 3 without a bump, as list-grants.ts did: the
 * table, its list_meta row and the terminals' held_holders column are
 * created where missing, on every open.
 */
const HOLDERS_SQL = `
CREATE TABLE IF NOT EXISTS holders (
  card INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, groups INTEGER NOT NULL, pass_until INTEGER NOT NULL,
  set_ms INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO list_meta VALUES ('holders', 0, 0, 0, 0);
`;

const U32_MAX = 0xffff_ffff;

export function ensureHoldersSchema(db: Database.Database): void {
  db.transaction(() => {
    db.exec(HOLDERS_SQL);
    const cols = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('terminals')`).all();
    if (!cols.some((c) => c.name === 'held_holders')) db.exec('ALTER TABLE terminals ADD COLUMN held_holders INTEGER');
  }).immediate();
}

/** Why an entry cannot go on the list, or null. */
export function holderProblem(h: Holder): string | null {
  const u32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= U32_MAX;
  if (!u32(h.cardNumber)) return `card must be 0..${U32_MAX}, got ${h.cardNumber}`;
  if (new TextEncoder().encode(h.name).length > HOLDER_NAME_BYTES_MAX)
    return `a name is at most ${HOLDER_NAME_BYTES_MAX} bytes of UTF-8 (${HOLDER_NAME_BYTES_MAX / 3} CJK characters)`;
  if (!u32(h.groups)) return `groups must be a bit mask 0..${U32_MAX}`;
  if (!Number.isInteger(h.passUntilDay) || h.passUntilDay < 0 || h.passUntilDay > 0xffff)
    return `a pass day must be a card day 0..65535, got ${h.passUntilDay}`;
  return null;
}

interface HolderRow {
  card: number;
  name: string;
  groups: number;
  pass_until: number;
}
const toHolder = (r: HolderRow): Holder => ({
  cardNumber: r.card,
  name: r.name,
  groups: r.groups,
  passUntilDay: r.pass_until,
});
/** A card with no name, no group and no pass has nothing to say: it leaves the list. */
const isEmpty = (h: Holder) => h.name === '' && h.groups === 0 && h.passUntilDay === 0;

/** The holders table's statements; the versioning is ListStore's. */
export class HolderTable {
  private readonly q;

  constructor(db: Database.Database) {
    ensureHoldersSchema(db);
    this.q = {
      get: db.prepare<[number], HolderRow>('SELECT card, name, groups, pass_until FROM holders WHERE card = ?'),
      put: db.prepare('INSERT OR REPLACE INTO holders (card, name, groups, pass_until, set_ms) VALUES (?, ?, ?, ?, ?)'),
      remove: db.prepare('DELETE FROM holders WHERE card = ?'),
      all: db.prepare<[], HolderRow>('SELECT card, name, groups, pass_until FROM holders ORDER BY card'),
      count: db.prepare<[], number>('SELECT count(*) FROM holders').pluck(),
    };
  }

  get(card: number): Holder | null {
    const r = this.q.get.get(card);
    return r ? toHolder(r) : null;
  }

  /** The card's entry as it stands, or an empty one. */
  of(card: number): Holder {
    return this.get(card) ?? { cardNumber: card, name: '', groups: 0, passUntilDay: 0 };
  }

  all(): Holder[] {
    return this.q.all.all().map(toHolder);
  }

  size(): number {
    return this.q.count.get()!;
  }

  /**
   * Makes the card's entry `h` inside a ListStore change; an empty entry
   * removes the card. Returns 'set', 'removed', or null when nothing changed.
   */
  set(h: Holder, atMs: number, d: ListDigest): 'set' | 'removed' | null {
    const old = this.get(h.cardNumber);
    if (old === null && isEmpty(h)) return null;
    if (old && old.name === h.name && old.groups === h.groups && old.passUntilDay === h.passUntilDay) return null;
    if (old) d.remove('holders', old);
    if (isEmpty(h)) {
      this.q.remove.run(h.cardNumber);
      return 'removed';
    }
    this.q.put.run(h.cardNumber, h.name, h.groups, h.passUntilDay, atMs);
    d.add('holders', h);
    return 'set';
  }
}
