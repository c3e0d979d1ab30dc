import type Database from 'better-sqlite3';
import { isCardClass, KIND, type WireRecord } from '../protocol/index.ts';
import type { ListStore } from './lists.ts';
import type { Meta } from './schema.ts';

/**
 * Member points (积分), the authoritative side. A terminal computes the points
 * of each write (firmware/policy/points.ts) and journals them on the intent;
 * here they count once the write is known to have landed (its commit or
 * settle, ledger.ts), once per (terminal, seq) however often the batch
 * arrives. The balance is spent by redemptions; the lifetime `earned` total
 * sets the member level, which reaches the card as a level credit (§6.5).
 *
 *   points_earned       each intent's points, landed or not yet
 *   points_cards        per card: balance, earned, the level last issued and its credit seq
 *   points_redemptions  every redemption; `ref` (the desk's slip) makes a repeated one count once
 */
export const POINTS_SQL = `
CREATE TABLE IF NOT EXISTS points_earned (
  terminal INTEGER NOT NULL, seq INTEGER NOT NULL, card INTEGER NOT NULL, points INTEGER NOT NULL,
  landed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (terminal, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS points_cards (
  card INTEGER PRIMARY KEY NOT NULL, balance INTEGER NOT NULL DEFAULT 0, earned INTEGER NOT NULL DEFAULT 0,
  level_class INTEGER, level_credit_seq INTEGER
);
CREATE TABLE IF NOT EXISTS points_redemptions (
  id INTEGER PRIMARY KEY, card INTEGER NOT NULL, points INTEGER NOT NULL, kind TEXT NOT NULL, ref TEXT UNIQUE,
  cents INTEGER NOT NULL, credit_seq INTEGER, at_ms INTEGER NOT NULL
);
`;

/** A level: members with at least `minPoints` earned hold `cardClass` (its discount is the config's). */
export interface PointsLevel {
  minPoints: number;
  cardClass: number;
}
export interface PointsSettings {
  /** Ascending by minPoints; a member only moves up (a redemption spends the balance, not the level). */
  levels: PointsLevel[];
  /** What one point is worth when redeemed for a credit. */
  redeemCentsPerPoint: number;
}
export const POINTS_SETTINGS_DEFAULT: PointsSettings = { levels: [], redeemCentsPerPoint: 1 };
const SETTINGS_KEY = 'points.settings';
/** A points figure is journaled as a u32 at most (record-bodies.schema.json). */
const POINTS_MAX = 0xffff_ffff;

export interface CardPoints {
  card: number;
  balance: number;
  earned: number;
  /** Points journaled but not yet known to have landed. */
  pending: number;
  levelClass: number | null;
}

export type Redemption =
  | { kind: 'redeemed'; id: number; points: number; cents: number; creditSeq: number | null; balance: number }
  | { kind: 'already'; id: number; points: number; cents: number; creditSeq: number | null; balance: number }
  | { kind: 'refused'; reason: string };

interface CardRow {
  balance: number;
  earned: number;
  level_class: number | null;
}

export class Points {
  private readonly q;

  constructor(
    private readonly db: Database.Database,
    private readonly lists: ListStore,
    private readonly meta: Meta,
  ) {
    this.q = {
      earn: db.prepare('INSERT OR IGNORE INTO points_earned (terminal, seq, card, points) VALUES (?, ?, ?, ?)'),
      // A 'duplicate' landing (the same purse landed by a second intent, ledger.ts) moved no money again: no points.
      land: db.prepare<[number, number], { card: number; points: number }>(
        `UPDATE points_earned SET landed = 1 WHERE terminal = ? AND seq = ? AND landed = 0
           AND (SELECT outcome FROM card_tx t WHERE t.terminal = points_earned.terminal AND t.seq = points_earned.seq)
               IN ('landed', 'clone')
         RETURNING card, points`,
      ),
      add: db.prepare(
        `INSERT INTO points_cards (card, balance, earned) VALUES (?, ?, ?)
         ON CONFLICT (card) DO UPDATE SET balance = balance + excluded.balance, earned = earned + excluded.earned`,
      ),
      card: db.prepare<[number], CardRow>('SELECT balance, earned, level_class FROM points_cards WHERE card = ?'),
      // Still open in the ledger: a write known not to have landed (aborted, settled not-landed) earns nothing.
      pending: db
        .prepare<[number], number>(
          `SELECT coalesce(sum(p.points), 0) FROM points_earned p JOIN card_tx t USING (terminal, seq)
           WHERE p.card = ? AND p.landed = 0 AND t.outcome = 'open'`,
        )
        .pluck(),
      setLevel: db.prepare('UPDATE points_cards SET level_class = ?, level_credit_seq = ? WHERE card = ?'),
      spend: db.prepare('UPDATE points_cards SET balance = balance - ? WHERE card = ? AND balance >= ?'),
      byRef: db.prepare<[string], { id: number; points: number; cents: number; credit_seq: number | null }>(
        'SELECT id, points, cents, credit_seq FROM points_redemptions WHERE ref = ?',
      ),
      redeem: db.prepare(
        `INSERT INTO points_redemptions (card, points, kind, ref, cents, credit_seq, at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  settings(): PointsSettings {
    const raw = this.meta.read(SETTINGS_KEY);
    return raw === undefined ? POINTS_SETTINGS_DEFAULT : (JSON.parse(raw) as PointsSettings);
  }

  /** Checked whole before it is kept: levels ascending, classes a card can hold, a positive redemption rate. */
  setSettings(s: PointsSettings): string | null {
    if (!Number.isSafeInteger(s.redeemCentsPerPoint) || s.redeemCentsPerPoint < 1)
      return `redeem cents per point must be a whole number ≥ 1, got ${s.redeemCentsPerPoint}`;
    for (const [i, l] of s.levels.entries()) {
      if (!Number.isSafeInteger(l.minPoints) || l.minPoints < 1) return `level ${i + 1}: points must be ≥ 1`;
      if (!isCardClass(l.cardClass)) return `level ${i + 1}: class ${l.cardClass} is not 0..255`;
      if (i > 0 && l.minPoints <= s.levels[i - 1].minPoints) return `level ${i + 1}: points must rise level by level`;
    }
    this.meta.write(SETTINGS_KEY, JSON.stringify(s));
    return null;
  }

  /** A journaled intent: its points wait for the write to land. */
  onIntent(terminal: number, r: WireRecord): void {
    if (r.kind !== KIND.intent) return;
    const b = r.body as { cardNumber?: unknown; points?: unknown };
    const p = b.points;
    if (typeof b.cardNumber !== 'number' || typeof p !== 'number') return;
    // A body outside what the schema allows is stored as it came, and earns nothing.
    if (!Number.isSafeInteger(p) || p === 0 || Math.abs(p) > POINTS_MAX) return;
    this.q.earn.run(terminal, r.seq, b.cardNumber, p);
  }

  /**
   * The intent (terminal, seq) landed: its points count, once (the row flips to landed
   * once). Returns true when a level credit went into list 2 (the caller pushes lists).
   */
  onLanded(terminal: number, seq: number, atMs: number): boolean {
    const row = this.q.land.get(terminal, seq);
    if (!row) return false;
    const before = this.q.card.get(row.card);
    this.q.add.run(row.card, row.points, row.points);
    // Pair assertion: the balance moved by exactly this write's points.
    const after = this.q.card.get(row.card);
    if (!after || after.balance - (before?.balance ?? 0) !== row.points)
      throw new Error(`bug: card ${row.card} points moved by ${after?.balance}, not ${row.points}`);
    return this.upgrade(row.card, after, atMs);
  }

  /** The level `earned` reaches; a member only moves up: a lower one (after an undo) keeps the class. */
  private upgrade(card: number, row: CardRow, atMs: number): boolean {
    const { levels } = this.settings();
    const target = levelIndex(levels, row.earned);
    const held = levels.findIndex((l) => l.cardClass === row.level_class);
    if (target < 0 || target <= held) return false;
    const cardClass = levels[target].cardClass;
    const r = this.lists.issueCredit(
      { cardNumber: card, amount: cardClass, purse: 'balance', reason: 'level', expiryDay: 0 },
      atMs,
    );
    this.q.setLevel.run(cardClass, r.credit.creditSeq, card);
    return true;
  }

  show(card: number): CardPoints {
    const row = this.q.card.get(card);
    return {
      card,
      balance: row?.balance ?? 0,
      earned: row?.earned ?? 0,
      pending: this.q.pending.get(card) ?? 0,
      levelClass: row?.level_class ?? null,
    };
  }

  /**
   * Spends `points` of the card's balance for a credit (points × redeemCentsPerPoint, to the
   * balance wallet, landing at the card's next tap like any credit) or a gift (a record here,
   * the desk hands the gift over). One transaction: the points leave and the credit or record
   * appears together. With a `ref`, a repeat answers the first redemption and spends nothing.
   */
  redeem(card: number, points: number, kind: 'credit' | 'gift', ref: string | null, atMs: number): Redemption {
    if (!Number.isSafeInteger(points) || points < 1 || points > POINTS_MAX)
      return { kind: 'refused', reason: `points must be a whole number 1..${POINTS_MAX}` };
    return this.db.transaction((): Redemption => {
      const known = ref === null ? undefined : this.q.byRef.get(ref);
      const balanceNow = () => this.q.card.get(card)?.balance ?? 0;
      if (known)
        return {
          kind: 'already',
          id: known.id,
          points: known.points,
          cents: known.cents,
          creditSeq: known.credit_seq,
          balance: balanceNow(),
        };
      const before = balanceNow();
      if (this.q.spend.run(points, card, points).changes !== 1)
        return { kind: 'refused', reason: `card ${card} holds ${before} points, fewer than ${points}` };
      const cents = kind === 'credit' ? points * this.settings().redeemCentsPerPoint : 0;
      const creditSeq =
        kind === 'credit'
          ? this.lists.issueCredit(
              { cardNumber: card, amount: cents, purse: 'balance', reason: 'points', expiryDay: 0 },
              atMs,
            ).credit.creditSeq
          : null;
      const id = Number(this.q.redeem.run(card, points, kind, ref, cents, creditSeq, atMs).lastInsertRowid);
      // Pair assertion: the points left the balance exactly once.
      if (balanceNow() !== before - points)
        throw new Error(`bug: card ${card} redemption ${id} moved the balance wrong`);
      return { kind: 'redeemed', id, points, cents, creditSeq, balance: balanceNow() };
    })();
  }
}

/** The highest level `earned` reaches, −1 when none. */
export function levelIndex(levels: readonly PointsLevel[], earned: number): number {
  let at = -1;
  levels.forEach((l, i) => {
    if (earned >= l.minPoints) at = i;
  });
  return at;
}
