import type Database from 'better-sqlite3';
import type { Logger } from '../core/log.ts';
import { checkCard } from './journal/journal-args.ts';
import {
  durabilityOf,
  openSqlite,
  unsyncedWriter,
  type Durability,
  type UnsyncedWrite,
} from '../../base/sqlite-open.ts';

/**
 * Pending credits (subsidies, online top-ups) handed to every terminal, to be
 * written to the card wherever it taps next. Each has a per-card sequence
 * number; the card keeps the highest it has applied (lastCreditSeq), so a
 * credit lands at most once however many terminals hold it (docs/architecture.md, money
 * invariant 5). Its own file: credits arrive from the backend in batches and
 * must not hold the journal's write lock.
 */
export interface PendingCredit {
  card: number;
  /** Per-card, strictly increasing, assigned by the backend. */
  creditSeq: number;
  balanceCents: number;
  subsidyCents: number;
  /**
   * Last card day it may be applied on, 0 = none (PROTOCOL.md §6.4 list 2).
   * After it the credit is forfeited at the card's next tap (§6.5): its seq
   * is used up with no money, and the card's later credits still land.
   */
  expiryDay: number;
  /**
   * A member level change (PROTOCOL.md §6.5, reason `level`): no money, the card's
   * class from the write that applies it on. Absent on a money credit.
   */
  cardClass?: number;
}

/** A batch from the backend is bounded: a month's subsidy run for a large site. */
export const CREDITS_PER_BATCH_MAX = 100_000;
/** More than this many waiting for one card means the card is not coming back; the backend must decide. */
export const CREDITS_PER_CARD_MAX = 64;
const U32_MAX = 0xffff_ffff;
/** Card days are u16 (firmware/card/layout.ts). */
const CARD_DAY_MAX = 0xffff;
/** A card class is a u8 on the card (firmware/card/layout.ts). */
const CARD_CLASS_MAX = 0xff;

/** PRAGMA user_version. Bump it and add a migration when the table changes: terminals in the field keep their files. */
export const CREDITS_SCHEMA_VERSION = 3;

const SCHEMA_SQL = `
CREATE TABLE credits (
  card INTEGER NOT NULL,
  credit_seq INTEGER NOT NULL,
  balance_cents INTEGER NOT NULL,
  subsidy_cents INTEGER NOT NULL,
  PRIMARY KEY (card, credit_seq)
) WITHOUT ROWID;
PRAGMA user_version = 1;
`;

/**
 * Version 2: each credit keeps its expiryDay. A credit stored by version 1
 * had it dropped on the way in; 0 (none) is what that build applied it as.
 */
const MIGRATE_2_SQL = `
ALTER TABLE credits ADD COLUMN expiry_day INTEGER NOT NULL DEFAULT 0;
PRAGMA user_version = 2;
`;

/** Version 3: a credit may be a member level change (card_class set, no money). */
const MIGRATE_3_SQL = `
ALTER TABLE credits ADD COLUMN card_class INTEGER;
PRAGMA user_version = 3;
`;

export class PendingCredits {
  private readonly q;
  private readonly unsynced: UnsyncedWrite;

  private constructor(
    private readonly db: Database.Database,
    private readonly log: Logger,
  ) {
    this.unsynced = unsyncedWriter(db);
    this.q = {
      put: db.prepare(
        `INSERT OR IGNORE INTO credits (card, credit_seq, balance_cents, subsidy_cents, expiry_day, card_class)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      // The limit written into the SQL, not bound: a bound LIMIT made this query ~8x slower (7 µs vs 1 µs a tap).
      forCard: db.prepare<
        [number, number],
        {
          credit_seq: number;
          balance_cents: number;
          subsidy_cents: number;
          expiry_day: number;
          card_class: number | null;
        }
      >(
        `SELECT credit_seq, balance_cents, subsidy_cents, expiry_day, card_class FROM credits
         WHERE card = ? AND credit_seq > ? ORDER BY credit_seq LIMIT ${CREDITS_PER_CARD_MAX}`,
      ),
      levelPending: db
        .prepare<[number], number>('SELECT 1 FROM credits WHERE card = ? AND card_class IS NOT NULL LIMIT 1')
        .pluck(),
      dropUpTo: db.prepare('DELETE FROM credits WHERE card = ? AND credit_seq <= ?'),
      count: db.prepare<[], number>('SELECT count(*) FROM credits').pluck(),
    };
  }

  static open(opts: { path: string; log: Logger }): PendingCredits {
    const { db } = openSqlite({ path: opts.path });
    try {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > CREDITS_SCHEMA_VERSION)
        throw new Error(
          `${opts.path}: credits schema version ${version}, this build reads 1..${CREDITS_SCHEMA_VERSION}`,
        );
      // One transaction: a power cut mid-migration leaves the old file, which the next start migrates again.
      db.transaction(() => {
        if (version === 0) db.exec(SCHEMA_SQL);
        if (version < 2) db.exec(MIGRATE_2_SQL);
        if (version < 3) db.exec(MIGRATE_3_SQL);
      }).immediate();
      return new PendingCredits(db, opts.log);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /**
   * Stores a batch durably, all or nothing. A credit already held is ignored
   * (the backend may send it again); a malformed one refuses the whole batch.
   */
  add(credits: readonly PendingCredit[]): number {
    if (credits.length > CREDITS_PER_BATCH_MAX)
      throw new RangeError(`credit batch of ${credits.length} exceeds ${CREDITS_PER_BATCH_MAX}`);
    credits.forEach(checkCredit);
    const added = this.db
      .transaction(() =>
        credits.reduce(
          (n, c) =>
            n +
            this.q.put.run(c.card, c.creditSeq, c.balanceCents, c.subsidyCents, c.expiryDay, c.cardClass ?? null)
              .changes,
          0,
        ),
      )
      .immediate();
    if (added > 0) this.log.info('credits.added', { added, batch: credits.length });
    return added;
  }

  /** Credits this card has not applied yet (creditSeq above the card's lastCreditSeq), oldest first. */
  forCard(card: number, appliedUpTo: number): PendingCredit[] {
    return this.q.forCard.all(checkCard(card), appliedUpTo).map((r) => ({
      card,
      creditSeq: r.credit_seq,
      balanceCents: r.balance_cents,
      subsidyCents: r.subsidy_cents,
      expiryDay: r.expiry_day,
      ...(r.card_class !== null ? { cardClass: r.card_class } : {}),
    }));
  }

  /** A member level change is on file for this card (applied or not): a tap that may write it reads the slots. */
  levelPending(card: number): boolean {
    return this.q.levelPending.get(checkCard(card)) !== undefined;
  }

  /**
   * Forgets credits the card has applied (here or elsewhere: its lastCreditSeq says so).
   * Runs on the tap path, so without its fsync: lost to a power cut, the rows stay
   * on file, forCard skips them (the card's lastCreditSeq is past them) and the
   * card's next applied credit drops them with its own.
   */
  forget(card: number, appliedUpTo: number): number {
    return this.unsynced(() => this.q.dropUpTo.run(checkCard(card), appliedUpTo).changes);
  }

  size(): number {
    return this.q.count.get()!;
  }

  /** The connection's journal mode and synchronous level (what makes a commit durable). */
  durability(): Durability {
    return durabilityOf(this.db);
  }

  close(): void {
    this.db.close();
  }
}

function checkCredit(c: PendingCredit): void {
  checkCard(c.card);
  const ok = (n: number) => Number.isInteger(n) && n >= 0 && n <= U32_MAX;
  if (!ok(c.creditSeq) || c.creditSeq === 0)
    throw new RangeError(`credit for card ${c.card}: creditSeq must be 1..${U32_MAX}, got ${c.creditSeq}`);
  // Signed: a negative amount is a pending debit (a replaced card's late sales, docs/cards.md).
  const signed = (n: number) => Number.isInteger(n) && Math.abs(n) <= U32_MAX;
  if (!signed(c.balanceCents) || !signed(c.subsidyCents))
    throw new RangeError(`credit ${c.card}#${c.creditSeq}: amounts must be whole cents within ±${U32_MAX}`);
  if (c.cardClass !== undefined) {
    // A level change carries a class and no money: the two never share a credit.
    if (!Number.isInteger(c.cardClass) || c.cardClass < 0 || c.cardClass > CARD_CLASS_MAX)
      throw new RangeError(`credit ${c.card}#${c.creditSeq}: cardClass must be 0..${CARD_CLASS_MAX}`);
    if (c.balanceCents !== 0 || c.subsidyCents !== 0)
      throw new RangeError(`credit ${c.card}#${c.creditSeq}: a level change carries no money`);
  } else if (c.balanceCents + c.subsidyCents === 0)
    throw new RangeError(`credit ${c.card}#${c.creditSeq}: empty credit`);
  if (!Number.isInteger(c.expiryDay) || c.expiryDay < 0 || c.expiryDay > CARD_DAY_MAX)
    throw new RangeError(
      `credit ${c.card}#${c.creditSeq}: expiryDay must be a card day 0..${CARD_DAY_MAX}, got ${c.expiryDay}`,
    );
}
