import type Database from 'better-sqlite3';
import type { WireRecord } from '../../protocol/index.ts';

/**
 * Each card's purse counter sequence, rebuilt from every terminal's journal
 * (money invariant 2, docs/architecture.md): card.intent says "counter c → c+1 with this
 * content", card.commit / card.abort / card.settle say whether it landed.
 *
 * A clone shows up here: two landed writes to the same counter with
 * different contents — one card's purse restored from a dump and spent
 * twice. Only writes known to have landed count (a torn write retried at
 * the same counter is not a clone). Open writes are settled on evidence when
 * reporting, like simulator/reconcile.ts: who later read which counter, as
 * written by whom.
 */
interface TxRow {
  terminal: number;
  seq: number;
  card: number;
  tx: string;
  counter_before: number;
  counter_after: number;
  charged: number;
  writer_before: number;
  other_counter: number | null;
  other_writer: number | null;
  next: string;
  /** clone: landed on a copy of a card, at a counter another write landed at; duplicate: the same content twice. */
  outcome: 'open' | 'landed' | 'not-landed' | 'clone' | 'duplicate';
}

export interface Landing {
  card: number;
  terminal: number;
  seq: number;
  /** The card's lastCreditSeq after this write. */
  lastCreditSeq: number;
  /** The other landed write at the same counter, when its content differs: a clone. */
  clashWith: { terminal: number; seq: number } | null;
}

export interface CardReport {
  card: number;
  landed: number;
  movedCents: number;
  /** Highest landed counter and the purse it left. */
  counter: number;
  purse: Record<string, number> | null;
  /** Counters below the highest with no landed write known (yet). */
  gaps: number[];
  open: number;
}

const PURSE_FIELDS = ['counter', 'balance', 'subsidy', 'lastCreditSeq', 'day', 'spentToday', 'writerTerminalId'] as const;

function samePurse(a: string, b: string): boolean {
  const x = JSON.parse(a) as Record<string, unknown>;
  const y = JSON.parse(b) as Record<string, unknown>;
  return PURSE_FIELDS.every((f) => x[f] === y[f]);
}

export class Ledger {
  private readonly q;

  constructor(db: Database.Database) {
    this.q = {
      intent: db.prepare(
        `INSERT OR IGNORE INTO card_tx (terminal, seq, card, tx, counter_before, counter_after, charged, writer_before, other_counter, other_writer, next)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      intentLanded: db.prepare(
        `INSERT OR IGNORE INTO card_tx (terminal, seq, card, tx, counter_before, counter_after, charged, writer_before, other_counter, other_writer, next, outcome)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'landed')`,
      ),
      setOutcome: db.prepare("UPDATE card_tx SET outcome = ? WHERE terminal = ? AND seq = ? AND outcome = 'open'"),
      open: db.prepare<[number, number], TxRow>("SELECT * FROM card_tx WHERE terminal = ? AND seq = ? AND outcome = 'open'"),
      landedAt: db.prepare<[number, number], TxRow>("SELECT * FROM card_tx WHERE card = ? AND counter_after = ? AND outcome = 'landed' LIMIT 1"),
      ofCard: db.prepare<[number], TxRow>('SELECT * FROM card_tx WHERE card = ? ORDER BY counter_after, terminal, seq'),
      cards: db.prepare<[], number>('SELECT DISTINCT card FROM card_tx ORDER BY card').pluck(),
    };
  }

  /**
   * Takes one stored record; returns what landed because of it (null when nothing did).
   * `committedBy`: the record right after an intent is its commit (the usual pair in one
   * batch) — the intent is then inserted as landed at once, one statement instead of two.
   */
  onRecord(terminal: number, r: WireRecord, committedBy?: WireRecord): Landing | null {
    const b = r.body as Record<string, unknown>;
    if (r.kind === 'card.intent') {
      // A record the terminal found corrupt travels as it was found; it cannot enter the ledger.
      if (!['cardNumber', 'counterBefore', 'counterAfter', 'chargedAmount', 'writerBefore'].every((f) => typeof b[f] === 'number') || typeof b.next !== 'object' || b.next === null) return null;
      const n = b.next as Record<string, unknown>;
      const o = b.otherSlot as { counter: number; writer: number } | null;
      const row = [terminal, r.seq, b.cardNumber, b.tx, b.counterBefore, b.counterAfter, b.chargedAmount, b.writerBefore, o?.counter ?? null, o?.writer ?? null, JSON.stringify(n)];
      if (committedBy && isCommitOf(committedBy, r)) {
        // One landed write per counter: a second one is a clone. The lookup reads the index page the insert writes anyway.
        const free = this.q.landedAt.get(b.cardNumber as number, b.counterAfter as number) === undefined;
        if (free && this.q.intentLanded.run(...row).changes === 1) return { card: b.cardNumber as number, terminal, seq: r.seq, lastCreditSeq: lastCreditSeqOf(n), clashWith: null };
        // Held already, or another write landed at this counter — the long way tells which.
        this.q.intent.run(...row);
        return this.land(terminal, r.seq);
      }
      this.q.intent.run(...row);
      return null;
    }
    if (r.ref === null) return null;
    if (r.kind === 'card.commit' || (r.kind === 'card.settle' && b.outcome === 'landed')) return this.land(terminal, r.ref);
    if (r.kind === 'card.abort' || (r.kind === 'card.settle' && b.outcome === 'not-landed')) this.q.setOutcome.run('not-landed', terminal, r.ref);
    return null;
  }

  private land(terminal: number, seq: number): Landing | null {
    const me = this.q.open.get(terminal, seq);
    if (!me) return null;
    const other = this.q.landedAt.get(me.card, me.counter_after);
    if (other) return this.landAgain(me, other);
    this.q.setOutcome.run('landed', terminal, seq);
    return { card: me.card, terminal, seq, lastCreditSeq: lastCreditSeqOf(JSON.parse(me.next) as Record<string, unknown>), clashWith: null };
  }

  /** A second landed write at a counter that already has one: a clone when the purses differ. */
  private landAgain(me: TxRow, other: TxRow): Landing {
    const clash = !samePurse(other.next, me.next);
    // It did land (money moved on a card, even a copied one): kept as 'clone', which counts as landed.
    this.q.setOutcome.run(clash ? 'clone' : 'duplicate', me.terminal, me.seq);
    return { card: me.card, terminal: me.terminal, seq: me.seq, lastCreditSeq: lastCreditSeqOf(JSON.parse(me.next) as Record<string, unknown>), clashWith: clash ? { terminal: other.terminal, seq: other.seq } : null };
  }

  cards(): number[] {
    return this.q.cards.all();
  }

  report(card: number): CardReport {
    const txs = this.q.ofCard.all(card);
    const outcome = new Map<TxRow, TxRow['outcome']>(txs.map((t) => [t, t.outcome === 'clone' ? 'landed' : t.outcome]));
    for (const t of txs) if (t.outcome === 'open') outcome.set(t, settleOnEvidence(t, txs, outcome));
    const landed = txs.filter((t) => outcome.get(t) === 'landed');
    const counters = new Set(landed.map((t) => t.counter_after));
    const top = landed.at(-1) ?? null;
    const first = landed.length ? Math.min(...landed.map((t) => t.counter_before)) : 0;
    const gaps: number[] = [];
    for (let c = first + 1; top && c < top.counter_after; c++) if (!counters.has(c)) gaps.push(c);
    return {
      card,
      landed: landed.length,
      movedCents: landed.reduce((s, t) => s + t.charged, 0),
      counter: top?.counter_after ?? 0,
      purse: top ? (JSON.parse(top.next) as Record<string, number>) : null,
      gaps,
      open: [...outcome.values()].filter((o) => o === 'open').length,
    };
  }
}

/** The commit of `intent` (the firmware's card.commit refers to its intent by seq). */
export function isCommitOf(next: WireRecord, intent: WireRecord): boolean {
  return intent.kind === 'card.intent' && next.kind === 'card.commit' && next.ref === intent.seq;
}

function lastCreditSeqOf(next: Record<string, unknown>): number {
  return typeof next.lastCreditSeq === 'number' ? next.lastCreditSeq : 0;
}

/** The evidence rule of simulator/reconcile.ts, without the card in hand. */
function settleOnEvidence(x: TxRow, all: TxRow[], outcome: Map<TxRow, TxRow['outcome']>): TxRow['outcome'] {
  const target = x.counter_after;
  if (all.some((y) => y !== x && outcome.get(y) === 'landed' && y.counter_after === target)) return 'not-landed';
  for (const y of all) {
    if (y.counter_before === target) return y.writer_before === x.terminal ? 'landed' : 'not-landed';
    if (y.other_counter === target) return y.other_writer === x.terminal ? 'landed' : 'not-landed';
  }
  return 'open';
}
