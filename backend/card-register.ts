import type Database from 'better-sqlite3';
import { KIND, type WireRecord } from '../protocol/index.ts';
import { deskOfCard, deskRange } from '../protocol/desk-range.ts';

/**
 * The cards this backend knows were issued, so an admin typo (`credit 424242
 * 100.00`) is refused instead of owed for ever to a card nobody holds. A card
 * is known when it was registered — by `onecard backend card register`, or by
 * a `card.issued` journal record from a terminal that issues cards (the
 * simulator's terminal journals its world's cards this way; the issuing desk
 * will) — or when a terminal's records show it was written (the counter
 * ledger has it).
 *
 * Added after backend schema 2 without a bump (as configs and grants were):
 * the table is created where missing on every open.
 */
const CARDS_SQL = `
CREATE TABLE IF NOT EXISTS cards (
  card INTEGER PRIMARY KEY NOT NULL, registered_ms INTEGER NOT NULL, source TEXT NOT NULL
) WITHOUT ROWID;
`;

/** The journal record kind a card issue is written as (body: `{ cardNumber }`, card column set). */
export const CARD_ISSUED_KIND = KIND.issued;

const U32_MAX = 0xffff_ffff;

export class CardRegister {
  private readonly q;
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    db.exec(CARDS_SQL);
    this.db = db;
    this.q = {
      add: db.prepare('INSERT OR IGNORE INTO cards (card, registered_ms, source) VALUES (?, ?, ?)'),
      registered: db.prepare<[number], number>('SELECT 1 FROM cards WHERE card = ?').pluck(),
      written: db.prepare<[number], number>('SELECT 1 FROM card_tx WHERE card = ? LIMIT 1').pluck(),
      // Every table a number given out leaves a trace in: registered or issued, written at a terminal, listed.
      highest: db
        .prepare<[number, number, number, number, number, number], number | null>(
          `SELECT MAX(c) FROM (SELECT MAX(card) AS c FROM cards WHERE card BETWEEN ? AND ?
             UNION ALL SELECT MAX(card) FROM card_tx WHERE card BETWEEN ? AND ?
             UNION ALL SELECT MAX(card) FROM blacklist WHERE card BETWEEN ? AND ?)`,
        )
        .pluck(),
    };
  }

  /**
   * Registers cards (once each; again is harmless); returns how many were new. All or none, in one
   * transaction: one commit (one fsync) for a whole issue run, where a commit per card took 2 ms each.
   */
  register(cards: readonly number[], source: string, nowMs: number): number {
    const bad = cards.find((c) => !Number.isInteger(c) || c < 0 || c > U32_MAX);
    if (bad !== undefined) throw new RangeError(`card must be 0..${U32_MAX}, got ${bad}`);
    return this.db.transaction(() => {
      let added = 0;
      for (const c of cards) added += this.q.add.run(c, nowMs, source).changes;
      return added;
    })();
  }

  known(card: number): boolean {
    return this.q.registered.get(card) !== undefined || this.q.written.get(card) !== undefined;
  }

  /** Why an admin change for `card` is refused (null: the card is known): the message says how to register one. */
  refusal(card: number): string | null {
    if (this.known(card)) return null;
    const known = 'never issued or seen at a terminal';
    return `card ${card} is not known here (${known}); nothing changed. A card the desk issued: card register ${card}`;
  }

  /**
   * The highest card number this backend knows in desk `terminal`'s range (null: none), asked by a desk
   * that lost its number file (app/desk/card-numbers.ts): it goes on after it, never over a card in the field.
   */
  highestOfDesk(terminal: number): number | null {
    const r = deskRange(terminal);
    if (!r.ok) return null;
    const { first, last } = r.range;
    return this.q.highest.get(first, last, first, last, first, last) ?? null;
  }

  /** A stored journal record: registers the card of a `card.issued` (called inside the ingest transaction). */
  onRecord(terminal: number, r: WireRecord, nowMs: number): void {
    if (r.kind !== CARD_ISSUED_KIND) return;
    const card = r.card ?? (r.body as { cardNumber?: unknown } | null)?.cardNumber;
    if (typeof card === 'number') this.register([card], `terminal ${terminal}#${r.seq}`, nowMs);
  }
}

/**
 * Why a number registered by hand is refused (null: it may be): it lies in a desk's range, where that desk
 * may number a card of its own. Every range, not only those of terminals known as desks today: a terminal
 * made a desk later would give the number out again. Hand-registered numbers stay below 100,000.
 */
export function handNumberRefusal(card: number): string | null {
  const desk = deskOfCard(card);
  if (desk === null) return null;
  const r = deskRange(desk);
  const range = r.ok ? `${r.range.first}..${r.range.last}` : '';
  return `card ${card} lies in desk ${desk}'s range ${range}: numbers registered by hand stay below 100,000`;
}

/** The first line of `card highest TERMINAL`, read back by the desk (one format, here). */
export function highestLine(terminal: number, highest: number | null): string {
  return `desk ${terminal}: highest known card ${highest ?? 'none'}`;
}

/** The desk's reading of `highestLine`: the number, null for none, undefined when the line is not one. */
export function readHighestLine(terminal: number, line: string | undefined): number | null | undefined {
  const m = new RegExp(`^desk ${terminal}: highest known card (\\d+|none)$`).exec(line ?? '');
  if (!m) return undefined;
  return m[1] === 'none' ? null : Number(m[1]);
}
