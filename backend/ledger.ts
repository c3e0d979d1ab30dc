import type Database from 'better-sqlite3';
import { KIND, type WireRecord } from '../protocol/index.ts';
import { PURSE_FIELDS, samePurse, settlement } from '../protocol/settlement.ts';
import type { CounterSighting, PurseEvidence } from '../protocol/settlement.ts';

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

/** Landed writes of one tx: how many, and the cents they moved (+ off the cards, − onto them). */
export interface TxTotal {
  tx: string;
  count: number;
  cents: number;
}

/** One landed write of a card: what it charged (+ left the card) and the purse it left. */
export interface LandedWrite {
  terminal: number;
  seq: number;
  tx: string;
  counterAfter: number;
  chargedCents: number;
  purse: PurseEvidence;
}

/** A stored intent's `next`, checked as a purse when it entered the ledger. */
function purseOf(row: TxRow): PurseEvidence {
  return JSON.parse(row.next) as PurseEvidence;
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
      open: db.prepare<[number, number], TxRow>(
        "SELECT * FROM card_tx WHERE terminal = ? AND seq = ? AND outcome = 'open'",
      ),
      landedAt: db.prepare<[number, number], TxRow>(
        "SELECT * FROM card_tx WHERE card = ? AND counter_after = ? AND outcome = 'landed' LIMIT 1",
      ),
      ofCard: db.prepare<[number], TxRow>('SELECT * FROM card_tx WHERE card = ? ORDER BY counter_after, terminal, seq'),
      cards: db.prepare<[], number>('SELECT DISTINCT card FROM card_tx ORDER BY card').pluck(),
      byTx: db.prepare<[number], TxTotal>(
        `SELECT tx, count(*) AS count, sum(charged) AS cents FROM card_tx
         WHERE terminal = ? AND outcome IN ('landed', 'clone') GROUP BY tx ORDER BY tx`,
      ),
    };
  }

  /**
   * Takes one stored record; returns what landed because of it (null when nothing did).
   * `committedBy`: the record right after an intent is its commit (the usual pair in one
   * batch) — the intent is then inserted as landed at once, one statement instead of two.
   */
  onRecord(terminal: number, r: WireRecord, committedBy?: WireRecord): Landing | null {
    const b = r.body as Record<string, unknown>;
    if (r.kind === KIND.intent) {
      // A record the terminal found corrupt travels as it was found; it cannot enter the ledger.
      if (!isLedgerIntent(b)) return null;
      const n = b.next;
      const o = b.otherSlot as { counter: number; writer: number } | null;
      const row = [
        terminal,
        r.seq,
        b.cardNumber,
        b.tx,
        b.counterBefore,
        b.counterAfter,
        b.chargedAmount,
        b.writerBefore,
        o?.counter ?? null,
        o?.writer ?? null,
        JSON.stringify(n),
      ];
      if (committedBy && isCommitOf(committedBy, r)) {
        // One landed write per counter: a second one is a clone. The lookup reads the index page the insert writes anyway.
        const free = this.q.landedAt.get(b.cardNumber as number, b.counterAfter as number) === undefined;
        if (free && this.q.intentLanded.run(...row).changes === 1)
          return {
            card: b.cardNumber as number,
            terminal,
            seq: r.seq,
            lastCreditSeq: n.lastCreditSeq,
            clashWith: null,
          };
        // Held already, or another write landed at this counter — the long way tells which.
        this.q.intent.run(...row);
        return this.land(terminal, r.seq);
      }
      this.q.intent.run(...row);
      return null;
    }
    if (r.ref === null) return null;
    if (r.kind === KIND.commit || (r.kind === KIND.settle && b.outcome === 'landed')) return this.land(terminal, r.ref);
    if (r.kind === KIND.abort || (r.kind === KIND.settle && b.outcome === 'not-landed'))
      this.q.setOutcome.run('not-landed', terminal, r.ref);
    return null;
  }

  private land(terminal: number, seq: number): Landing | null {
    const me = this.q.open.get(terminal, seq);
    if (!me) return null;
    const other = this.q.landedAt.get(me.card, me.counter_after);
    if (other) return this.landAgain(me, other);
    // Pair assertions: the write we land aims where its purse says, and the read-back finds it the one landed there.
    if (purseOf(me).counter !== me.counter_after) {
      throw new Error(`bug: ${terminal}#${seq} lands counter ${me.counter_after}, its purse ${purseOf(me).counter}`);
    }
    this.q.setOutcome.run('landed', terminal, seq);
    const back = this.q.landedAt.get(me.card, me.counter_after);
    if (back?.terminal !== terminal || back.seq !== seq) {
      const by = back ? `${back.terminal}#${back.seq}` : 'none';
      throw new Error(`bug: card ${me.card} counter ${me.counter_after} landed by ${by}, not ${terminal}#${seq}`);
    }
    return { card: me.card, terminal, seq, lastCreditSeq: purseOf(me).lastCreditSeq, clashWith: null };
  }

  /** A second landed write at a counter that already has one: a clone when the purses differ. */
  private landAgain(me: TxRow, other: TxRow): Landing {
    const clash = !samePurse(purseOf(other), purseOf(me));
    // It did land (money moved on a card, even a copied one): kept as 'clone', which counts as landed.
    this.q.setOutcome.run(clash ? 'clone' : 'duplicate', me.terminal, me.seq);
    return {
      card: me.card,
      terminal: me.terminal,
      seq: me.seq,
      lastCreditSeq: purseOf(me).lastCreditSeq,
      clashWith: clash ? { terminal: other.terminal, seq: other.seq } : null,
    };
  }

  cards(): number[] {
    return this.q.cards.all();
  }

  /**
   * A terminal's landed card writes per tx (a clone counts: money moved; a duplicate does not: the same write
   * twice): sales and payouts apart, so a desk's cash payouts never swell its sales.
   */
  totalsByTx(terminal: number): TxTotal[] {
    return this.q.byTx.all(terminal);
  }

  /** The card's writes, open ones settled on evidence (a clone counts as landed: money moved). */
  private settled(card: number): { outcome: Map<TxRow, TxRow['outcome']>; landed: TxRow[] } {
    const txs = this.q.ofCard.all(card);
    const outcome = new Map<TxRow, TxRow['outcome']>(txs.map((t) => [t, t.outcome === 'clone' ? 'landed' : t.outcome]));
    for (const t of txs) if (t.outcome === 'open') outcome.set(t, settleOnEvidence(t, txs, outcome));
    const landed = txs.filter((t) => outcome.get(t) === 'landed');
    assertOneLandedPerCounter(card, landed);
    return { outcome, landed };
  }

  /** The card's landed writes in counter order, as report() counts them (replacements.ts settles from these). */
  landedWrites(card: number): LandedWrite[] {
    return this.settled(card).landed.map((t) => ({
      terminal: t.terminal,
      seq: t.seq,
      tx: t.tx,
      counterAfter: t.counter_after,
      chargedCents: t.charged,
      purse: purseOf(t),
    }));
  }

  report(card: number): CardReport {
    const { outcome, landed } = this.settled(card);
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

/** The fields the ledger relies on; `next` must be a whole purse at the counter the intent aims at. */
function isLedgerIntent(b: Record<string, unknown>): b is Record<string, unknown> & { next: PurseEvidence } {
  const numbers = ['cardNumber', 'counterBefore', 'counterAfter', 'chargedAmount', 'writerBefore'];
  if (!numbers.every((f) => typeof b[f] === 'number')) return false;
  const n = b.next as Record<string, unknown> | null;
  if (typeof n !== 'object' || n === null || !PURSE_FIELDS.every((f) => typeof n[f] === 'number')) return false;
  return n.counter === b.counterAfter;
}

/** The commit of `intent` (the firmware's card.commit refers to its intent by seq). */
export function isCommitOf(next: WireRecord, intent: WireRecord): boolean {
  return intent.kind === KIND.intent && next.kind === KIND.commit && next.ref === intent.seq;
}

/** What the writer of an intent read on the card: its current slot and, if valid, the other one. */
function sightingsOf(y: TxRow): CounterSighting[] {
  const current = { counter: y.counter_before, writer: y.writer_before };
  if (y.other_counter === null || y.other_writer === null) return [current];
  return [current, { counter: y.other_counter, writer: y.other_writer }];
}

/**
 * Pair assertion on the evidence settlement above: stored and settled, one write
 * landed per counter, a clone (money moved on a copied card) the only second one.
 */
function assertOneLandedPerCounter(card: number, landed: TxRow[]): void {
  const counters = landed.filter((t) => t.outcome !== 'clone').map((t) => t.counter_after);
  if (new Set(counters).size !== counters.length) {
    throw new Error(`bug: card ${card} has two writes landed at one counter: ${counters.join(',')}`);
  }
}

/** protocol/settlement.ts without the card in hand: what the other terminals' intents say they read. */
function settleOnEvidence(x: TxRow, all: TxRow[], outcome: Map<TxRow, TxRow['outcome']>): TxRow['outcome'] {
  const others = all.filter((y) => y !== x);
  const settled = settlement({
    write: { terminalId: x.terminal, next: purseOf(x) },
    otherLandedAtTarget: others.some((y) => outcome.get(y) === 'landed' && y.counter_after === x.counter_after),
    slots: [],
    cardCounter: null,
    sightings: others.flatMap(sightingsOf),
  });
  return settled === 'unknown' ? 'open' : settled;
}
