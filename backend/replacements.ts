import type Database from 'better-sqlite3';
import { KIND, type PendingCredit, type WireRecord } from '../protocol/index.ts';
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
  corrected_cents INTEGER NOT NULL, at_ms INTEGER NOT NULL,
  corrected_subsidy_cents INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
`;
/** Files from before corrections went back to their wallet: all was corrected on the balance (subsidy part 0). */
const ADD_CORRECTED_SUBSIDY = 'ALTER TABLE replacements ADD COLUMN corrected_subsidy_cents INTEGER NOT NULL DEFAULT 0';

interface ReplacementRow {
  old_card: number;
  new_card: number;
  proven_counter: number;
  carried_cents: number;
  corrected_cents: number;
  corrected_subsidy_cents: number;
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
 * The old card's late writes: every landed write above the proven counter. A
 * credit write is left out: the credits it applied were carried over already
 * (they left list 2 at replacement), so counting it again would pay them twice.
 */
function lateWrites(landed: readonly LandedWrite[], provenCounter: number): LandedWrite[] {
  return landed.filter((w) => w.counterAfter > provenCounter && w.tx !== 'credit');
}

/** What the old card's late writes owe the new card: −(money they took). */
export function correctionCents(landed: readonly LandedWrite[], provenCounter: number): number {
  return lateWrites(landed, provenCounter).reduce((sum, w) => sum - w.chargedCents, 0);
}

/** The part of a landed write's charge taken from the subsidy wallet (its intent's fromSubsidy). */
export type SubsidyOf = (terminal: number, seq: number) => number;

/** fromSubsidy of the card.intent stored as (terminal, seq); 0 when none is found (then it all counts as balance). */
export function intentSubsidy(
  journal: { records(terminal: number, afterSeq: number, limit: number): WireRecord[] },
  terminal: number,
  seq: number,
): number {
  const [r] = journal.records(terminal, seq - 1, 1);
  const body = r?.seq === seq && r.kind === KIND.intent ? (r.body as { fromSubsidy?: unknown }) : null;
  return typeof body?.fromSubsidy === 'number' && Number.isSafeInteger(body.fromSubsidy) ? body.fromSubsidy : 0;
}

/**
 * correctionCents by wallet: each late write is given back to (or taken again from) the wallet it moved,
 * so a late sale paid from the subsidy is taken from the new card's subsidy, not its cash balance.
 */
export function correctionByWallet(
  landed: readonly LandedWrite[],
  provenCounter: number,
  subsidyOf: SubsidyOf,
): { balance: number; subsidy: number } {
  const late = lateWrites(landed, provenCounter);
  const subsidy = late.reduce((sum, w) => sum - subsidyOf(w.terminal, w.seq), 0);
  return { balance: correctionCents(landed, provenCounter) - subsidy, subsidy };
}

export class Replacements {
  private readonly q;

  constructor(
    private readonly db: Database.Database,
    private readonly ledger: Ledger,
    private readonly lists: ListStore,
    private readonly subsidyOf: SubsidyOf,
  ) {
    db.exec(REPLACEMENTS_SQL);
    const columns = db.prepare<[], { name: string }>('PRAGMA table_info(replacements)').all();
    if (!columns.some((c) => c.name === 'corrected_subsidy_cents')) db.exec(ADD_CORRECTED_SUBSIDY);
    this.q = {
      ofOld: db.prepare<[number], ReplacementRow>('SELECT * FROM replacements WHERE old_card = ?'),
      ofNew: db.prepare<[number], ReplacementRow>('SELECT * FROM replacements WHERE new_card = ?'),
      add: db.prepare(
        'INSERT INTO replacements (old_card, new_card, proven_counter, carried_cents, corrected_cents, at_ms) VALUES (?, ?, ?, ?, 0, ?)',
      ),
      corrected: db.prepare(
        'UPDATE replacements SET corrected_cents = ?, corrected_subsidy_cents = ? WHERE old_card = ?',
      ),
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
    const target = correctionByWallet(this.ledger.landedWrites(oldCard), row.proven_counter, this.subsidyOf);
    const done = { subsidy: row.corrected_subsidy_cents, balance: row.corrected_cents - row.corrected_subsidy_cents };
    // Each wallet gets what its late writes moved: a late subsidy sale is taken back from the subsidy.
    const credits = (['balance', 'subsidy'] as const)
      .filter((purse) => target[purse] !== done[purse])
      .map((purse) => ({
        cardNumber: row.new_card,
        amount: target[purse] - done[purse],
        purse,
        reason: 'adjust' as const,
        expiryDay: 0,
      }));
    if (credits.length === 0) return false;
    this.lists.issueCredits(credits, nowMs);
    const total = target.balance + target.subsidy;
    this.q.corrected.run(total, target.subsidy, oldCard);
    // Pair assertion: the stored totals are the target, so the next ingest issues only what is new.
    const back = this.q.ofOld.get(oldCard);
    if (back?.corrected_cents !== total || back.corrected_subsidy_cents !== target.subsidy)
      throw new Error(`bug: corrections of ${oldCard} do not read back as ${total} (subsidy ${target.subsidy})`);
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
