import type Database from 'better-sqlite3';
import type { PendingCredit } from '../protocol/index.ts';
import type { LandedWrite, Ledger } from './ledger.ts';
import type { ListStore } from './lists.ts';

/**
 * 补卡: a lost card replaced by a new one (docs/cards.md, "Replacement").
 *
 * At replacement the backend knows the old card's purse up to the highest
 * counter it has seen land (the proven counter) and the credits it still owed
 * the card. The new card gets exactly that, as pending credits. Every write of
 * the old card above the proven counter that lands later (offline sales from
 * terminals that sync late) moved real money; the new card is corrected by it
 * through a pending credit or debit, so that at every moment
 *
 *   issued corrections = correctionCents(old card's landed writes, proven counter)
 *
 * The target depends only on the set of records held, never on their order, and
 * each ingest issues the difference: the holder's money is right in every order.
 */
const REPLACEMENTS_SQL = `
CREATE TABLE IF NOT EXISTS replacements (
  old_card INTEGER PRIMARY KEY NOT NULL, new_card INTEGER NOT NULL UNIQUE,
  proven_counter INTEGER NOT NULL, carried_cents INTEGER NOT NULL,
  corrected_cents INTEGER NOT NULL, at_ms INTEGER NOT NULL
) WITHOUT ROWID;
`;

interface ReplacementRow {
  old_card: number;
  new_card: number;
  proven_counter: number;
  carried_cents: number;
  corrected_cents: number;
}

export interface Replacement {
  oldCard: number;
  newCard: number;
  /** The highest counter of the old card known landed when it was replaced. */
  provenCounter: number;
  /** Balance + subsidy at that counter, plus the credits still owed to the old card. */
  carriedCents: number;
  /** Corrections issued since, for the old card's late writes: + credit, − debit. */
  correctedCents: number;
}

export type ReplaceResult = { ok: true; replacement: Replacement } | { ok: false; problem: string };

/**
 * What the old card's late writes owe the new card: −(money they took), for
 * every landed write above the proven counter. A credit write is left out: the
 * credits it applied were carried over already (they left list 2 at replacement),
 * so counting it again would pay them twice.
 */
export function correctionCents(landed: readonly LandedWrite[], provenCounter: number): number {
  return landed
    .filter((w) => w.counterAfter > provenCounter && w.tx !== 'credit')
    .reduce((sum, w) => sum - w.chargedCents, 0);
}

export class Replacements {
  private readonly q;

  constructor(
    private readonly db: Database.Database,
    private readonly ledger: Ledger,
    private readonly lists: ListStore,
  ) {
    db.exec(REPLACEMENTS_SQL);
    this.q = {
      ofOld: db.prepare<[number], ReplacementRow>('SELECT * FROM replacements WHERE old_card = ?'),
      ofNew: db.prepare<[number], ReplacementRow>('SELECT * FROM replacements WHERE new_card = ?'),
      add: db.prepare(
        'INSERT INTO replacements (old_card, new_card, proven_counter, carried_cents, corrected_cents, at_ms) VALUES (?, ?, ?, ?, 0, ?)',
      ),
      corrected: db.prepare('UPDATE replacements SET corrected_cents = ? WHERE old_card = ?'),
    };
  }

  of(oldCard: number): Replacement | null {
    const r = this.q.ofOld.get(oldCard);
    return r ? toReplacement(r) : null;
  }

  /** The replacement that made `newCard`, if it is one. */
  replacing(newCard: number): Replacement | null {
    const r = this.q.ofNew.get(newCard);
    return r ? toReplacement(r) : null;
  }

  /**
   * Replaces `oldCard` by `newCard`: the old number is blacklisted, the credits
   * it was still owed leave list 2, and the new card is owed its proven purse
   * and those credits. Once per old card (again: refused, nothing changes).
   */
  replace(oldCard: number, newCard: number, nowMs: number): ReplaceResult {
    if (oldCard === newCard) return { ok: false, problem: `card ${oldCard} cannot replace itself` };
    if (this.q.ofOld.get(oldCard)) return { ok: false, problem: `card ${oldCard} was replaced already` };
    if (this.q.ofNew.get(newCard)) return { ok: false, problem: `card ${newCard} already replaces another card` };
    return this.db.transaction((): ReplaceResult => {
      const landed = this.ledger.landedWrites(oldCard);
      const top = landed.at(-1) ?? null;
      const owed = this.lists.creditsOf(oldCard).filter((c) => c.appliedMs === null);
      // Taken off list 2 for the old card: from now on they are the new card's.
      if (owed.length) this.lists.creditsApplied(oldCard, Math.max(...owed.map((c) => c.creditSeq)), nowMs);
      this.lists.blacklistAdd([oldCard], 'replaced', nowMs);
      const sumOf = (purse: PendingCredit['purse']) =>
        owed.filter((c) => c.purse === purse).reduce((n, c) => n + c.amount, 0);
      const carry = {
        balance: (top?.purse.balance ?? 0) + sumOf('balance'),
        subsidy: (top?.purse.subsidy ?? 0) + sumOf('subsidy'),
      };
      const credits = (['balance', 'subsidy'] as const)
        .filter((purse) => carry[purse] !== 0)
        .map((purse) => ({
          cardNumber: newCard,
          amount: carry[purse],
          purse,
          reason: 'adjust' as const,
          expiryDay: 0,
        }));
      if (credits.length) this.lists.issueCredits(credits, nowMs);
      const carriedCents = carry.balance + carry.subsidy;
      this.q.add.run(oldCard, newCard, top?.counterAfter ?? 0, carriedCents, nowMs);
      // Pair assertion: what the new card is owed reads back as what was carried.
      const back = this.of(oldCard);
      if (back?.carriedCents !== carriedCents || back.newCard !== newCard)
        throw new Error(`bug: replacement of ${oldCard} does not read back as carried ${carriedCents}`);
      // Writes above the proven counter known already (open ones that settled on evidence) are corrected at once.
      this.settle(oldCard, nowMs);
      return { ok: true, replacement: this.of(oldCard) as Replacement };
    })();
  }

  /**
   * Brings the new card's corrections up to what the old card's landed writes
   * say now; true when a credit or debit was issued (list 2 changed).
   */
  settle(oldCard: number, nowMs: number): boolean {
    const row = this.q.ofOld.get(oldCard);
    if (!row) return false;
    const target = correctionCents(this.ledger.landedWrites(oldCard), row.proven_counter);
    const due = target - row.corrected_cents;
    if (due === 0) return false;
    this.lists.issueCredit(
      { cardNumber: row.new_card, amount: due, purse: 'balance', reason: 'adjust', expiryDay: 0 },
      nowMs,
    );
    this.q.corrected.run(target, oldCard);
    // Pair assertion: the stored total is the target, so the next ingest issues only what is new.
    if (this.q.ofOld.get(oldCard)?.corrected_cents !== target)
      throw new Error(`bug: corrections of ${oldCard} do not read back as ${target}`);
    return true;
  }
}

function toReplacement(r: ReplacementRow): Replacement {
  return {
    oldCard: r.old_card,
    newCard: r.new_card,
    provenCounter: r.proven_counter,
    carriedCents: r.carried_cents,
    correctedCents: r.corrected_cents,
  };
}
