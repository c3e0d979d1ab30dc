import type Database from 'better-sqlite3';
import {
  CARD_CLASS_MAX,
  deltaChunks,
  isCardClass,
  ListDigest,
  snapshotChunks,
  type CreditKey,
  type Grant,
  type Holder,
  type ListDelta,
  type ListSnapshot,
  type PendingCredit,
} from '../protocol/index.ts';
import { checkGrant, GrantTable } from './list-grants.ts';
import { HolderTable, holderProblem } from './list-holders.ts';
import { HolidayTable } from './list-holidays.ts';

/**
 * The backend's versioned lists (PROTOCOL.md §6.4): the blacklist (list 0),
 * door grants (list 1, list-grants.ts), pending credits (list 2) and holders (list 3,
 * list-holders.ts: names, groups, parking passes) and holidays (list 4, list-holidays.ts). Every change makes one new version; the
 * change log keeps what each version did, so a terminal at any older version
 * gets a delta (folded: the last change per key wins), and one too far
 * behind — or ahead, after a restore — gets a snapshot. The digest of the
 * current content is kept up to date per change (O(change), never a scan).
 *
 * Snapshots are cut deterministically (snapshotChunks at the protocol's
 * default payload size over the entries sorted by key), so chunk i of a
 * version is the same entries in every session: a terminal that staged
 * chunks 0..k−1 and lost the link resumes at chunk k (`resume`).
 */
export type ServedList = 'blacklist' | 'grants' | 'credits' | 'holders' | 'holidays';

/** Beyond this many logged changes a snapshot is cheaper to send and to apply than a delta. */
export const DELTA_CHANGES_MAX = 50_000;

const ADD = 1;
const REMOVE = 0;

interface MetaRow {
  version: number;
  d_count: number;
  d_a: number;
  d_b: number;
}
interface CreditRow {
  card: number;
  credit_seq: number;
  amount: number;
  purse: PendingCredit['purse'];
  reason: PendingCredit['reason'];
  expiry_day: number;
}

const toCredit = (r: CreditRow): PendingCredit => ({
  cardNumber: r.card,
  creditSeq: r.credit_seq,
  amount: r.amount,
  purse: r.purse,
  reason: r.reason,
  expiryDay: r.expiry_day,
});

/** A money credit's amount: whole cents, never 0; negative only as an adjustment (a pending debit). */
function isCreditAmount(amount: number, reason: PendingCredit['reason']): boolean {
  return Number.isSafeInteger(amount) && amount !== 0 && (amount > 0 || reason === 'adjust');
}

export class ListStore {
  private readonly q;
  readonly grants: GrantTable;
  readonly holders: HolderTable;
  readonly holidays: HolidayTable;

  /**
   * Told after a batch with a level credit was issued, whatever issued it (points, `credit … level`,
   * `credits import`): the site now gives levels (Backend wires it to member-levels.ts, which tells terminals).
   */
  onLevelCredit: (() => void) | null = null;

  constructor(private readonly db: Database.Database) {
    this.grants = new GrantTable(db);
    this.holders = new HolderTable(db);
    this.holidays = new HolidayTable(db);
    this.q = {
      meta: db.prepare<[string], MetaRow>('SELECT version, d_count, d_a, d_b FROM list_meta WHERE list = ?'),
      setMeta: db.prepare('UPDATE list_meta SET version = ?, d_count = ?, d_a = ?, d_b = ? WHERE list = ?'),
      log: db.prepare('INSERT INTO list_log (list, version, k1, k2, op) VALUES (?, ?, ?, ?, ?)'),
      changesSince: db.prepare<[string, number, number], { k1: number; k2: number; op: number }>(
        'SELECT k1, k2, op FROM list_log WHERE list = ? AND version > ? ORDER BY version LIMIT ?',
      ),
      blHas: db.prepare<[number], number>('SELECT 1 FROM blacklist WHERE card = ?').pluck(),
      blAdd: db.prepare('INSERT INTO blacklist (card, reason, at_ms) VALUES (?, ?, ?)'),
      blRemove: db.prepare('DELETE FROM blacklist WHERE card = ?'),
      blAll: db.prepare<[], number>('SELECT card FROM blacklist ORDER BY card').pluck(),
      blCount: db.prepare<[], number>('SELECT count(*) FROM blacklist').pluck(),
      crLastSeq: db.prepare<[number], number | null>('SELECT max(credit_seq) FROM credits WHERE card = ?').pluck(),
      crAdd: db.prepare(
        'INSERT INTO credits (card, credit_seq, amount, purse, reason, expiry_day, issued_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      crGet: db.prepare<[number, number], CreditRow>(
        'SELECT card, credit_seq, amount, purse, reason, expiry_day FROM credits WHERE card = ? AND credit_seq = ?',
      ),
      crAnyUnapplied: db
        .prepare<[number, number], number>(
          'SELECT 1 FROM credits WHERE card = ? AND credit_seq <= ? AND applied_ms IS NULL LIMIT 1',
        )
        .pluck(),
      crUnapplied: db.prepare<[number, number], CreditRow>(
        'SELECT card, credit_seq, amount, purse, reason, expiry_day FROM credits WHERE card = ? AND credit_seq <= ? AND applied_ms IS NULL ORDER BY credit_seq',
      ),
      crApply: db.prepare('UPDATE credits SET applied_ms = ? WHERE card = ? AND credit_seq = ?'),
      crPending: db.prepare<[], CreditRow>(
        'SELECT card, credit_seq, amount, purse, reason, expiry_day FROM credits WHERE applied_ms IS NULL ORDER BY card, credit_seq',
      ),
      crForCard: db.prepare<[number], CreditRow & { applied_ms: number | null }>(
        'SELECT card, credit_seq, amount, purse, reason, expiry_day, applied_ms FROM credits WHERE card = ? ORDER BY credit_seq',
      ),
    };
  }

  version(list: ServedList): number {
    return this.meta(list).version;
  }

  isBlacklisted(card: number): boolean {
    return this.q.blHas.get(card) !== undefined;
  }

  blacklistSize(): number {
    return this.q.blCount.get()!;
  }

  /** Lists cards (reported lost, cloned …); returns the new version, or null when nothing changed. */
  blacklistAdd(cards: readonly number[], reason: string, atMs: number): number | null {
    return this.change('blacklist', (v, d) => {
      let n = 0;
      for (const card of new Set(cards)) {
        if (this.isBlacklisted(card)) continue;
        this.q.blAdd.run(card, reason, atMs);
        this.q.log.run('blacklist', v, card, 0, ADD);
        d.add('blacklist', card);
        n++;
      }
      return n;
    });
  }

  blacklistRemove(cards: readonly number[]): number | null {
    return this.change('blacklist', (v, d) => {
      let n = 0;
      for (const card of new Set(cards)) {
        if (this.q.blRemove.run(card).changes === 0) continue;
        this.q.log.run('blacklist', v, card, 0, REMOVE);
        d.remove('blacklist', card);
        n++;
      }
      return n;
    });
  }

  /** Sets a card's door grant (one per card: replaces the one it had); returns the new version, or null when unchanged. */
  grantSet(g: Grant, atMs: number): number | null {
    checkGrant(g);
    return this.change('grants', (v, d) => {
      if (this.grants.set(g, atMs, d) === 0) return 0;
      this.q.log.run('grants', v, g.cardNumber, 0, ADD);
      return 1;
    });
  }

  /** Revokes a card's grant; returns the new version, or null when it had none. */
  grantRevoke(card: number): number | null {
    return this.change('grants', (v, d) => {
      if (this.grants.revoke(card, d) === 0) return 0;
      this.q.log.run('grants', v, card, 0, REMOVE);
      return 1;
    });
  }

  /**
   * Changes a card's holder entry (its name, groups or pass: `change` gets the
   * entry as it stands); returns the new version, or null when unchanged.
   */
  holderSet(card: number, change: (h: Holder) => Holder, atMs: number): number | null {
    const next = { ...change(this.holders.of(card)), cardNumber: card };
    const wrong = holderProblem(next);
    if (wrong !== null) throw new RangeError(wrong);
    return this.change('holders', (v, d) => {
      const done = this.holders.set(next, atMs, d);
      if (done === null) return 0;
      this.q.log.run('holders', v, card, 0, done === 'set' ? ADD : REMOVE);
      return 1;
    });
  }

  /** Adds (`add`) or removes holiday keys (site × 65,536 + card day); returns the new version, or null when unchanged. */
  holidaysChange(keys: readonly number[], add: boolean, atMs: number): number | null {
    return this.change('holidays', (v, d) => {
      let n = 0;
      for (const key of new Set(keys)) {
        const done = add ? this.holidays.add(key, atMs, d) : this.holidays.remove(key, d);
        if (done === 0) continue;
        this.q.log.run('holidays', v, key, 0, add ? ADD : REMOVE);
        n++;
      }
      return n;
    });
  }

  /** A new pending credit for a card (its next creditSeq); returns it with the list version. */
  issueCredit(c: Omit<PendingCredit, 'creditSeq'>, atMs: number): { credit: PendingCredit; version: number } {
    const r = this.issueCredits([c], atMs);
    return { credit: r.credits[0] as PendingCredit, version: r.version };
  }

  /** Several credits as one list version (a `credits import` batch): all land in the list or none. */
  issueCredits(
    batch: readonly Omit<PendingCredit, 'creditSeq'>[],
    atMs: number,
  ): { credits: PendingCredit[]; version: number } {
    // Negative only as an adjustment: a pending debit (a replaced card's late sales, replacements.ts).
    for (const c of batch)
      if (c.reason === 'level' ? !isCardClass(c.amount) : !isCreditAmount(c.amount, c.reason))
        throw new RangeError(
          c.reason === 'level'
            ? `a level credit carries a card class 0..${CARD_CLASS_MAX}, got ${c.amount}`
            : `credit amount must be a whole number of cents, negative only to adjust, got ${c.amount}`,
        );
    const credits: PendingCredit[] = [];
    const version = this.change('credits', (v, d) => {
      for (const c of batch) {
        const credit = { ...c, creditSeq: (this.q.crLastSeq.get(c.cardNumber) ?? 0) + 1 };
        this.q.crAdd.run(c.cardNumber, credit.creditSeq, c.amount, c.purse, c.reason, c.expiryDay, atMs);
        this.q.log.run('credits', v, c.cardNumber, credit.creditSeq, ADD);
        d.add('credits', credit);
        credits.push(credit);
      }
      return credits.length;
    });
    if (version === null) throw new RangeError('a credit batch needs at least one credit');
    if (batch.some((c) => c.reason === 'level')) this.onLevelCredit?.();
    return { credits, version };
  }

  /** The card shows lastCreditSeq = upto: credits ≤ upto landed (§6.5); they leave list 2. Returns the new version or null. */
  creditsApplied(card: number, upto: number, atMs: number): number | null {
    // Every landed write says its lastCreditSeq; almost always nothing is new: one index probe, no version.
    if (this.q.crAnyUnapplied.get(card, upto) === undefined) return null;
    return this.change('credits', (v, d) => {
      const rows = this.q.crUnapplied.all(card, upto);
      for (const r of rows) {
        this.q.crApply.run(atMs, card, r.credit_seq);
        this.q.log.run('credits', v, card, r.credit_seq, REMOVE);
        d.remove('credits', toCredit(r));
      }
      return rows.length;
    });
  }

  creditsOf(card: number): (PendingCredit & { appliedMs: number | null })[] {
    return this.q.crForCard.all(card).map((r) => ({ ...toCredit(r), appliedMs: r.applied_ms }));
  }

  /** What brings a terminal holding version `held` up to date: delta or snapshot chunks; [] when current. */
  update(list: ServedList, held: number, maxPayloadBytes?: number): (ListDelta | ListSnapshot)[] {
    const m = this.meta(list);
    if (held === m.version) return [];
    const digest = new ListDigest(m.d_count, m.d_a, m.d_b).bytes();
    if (held < m.version) {
      const rows = this.q.changesSince.all(list, held, DELTA_CHANGES_MAX + 1);
      if (rows.length <= DELTA_CHANGES_MAX)
        return deltaChunks(this.fold(list, rows), held, m.version, digest, maxPayloadBytes);
    }
    return this.snapshot(list, maxPayloadBytes);
  }

  snapshot(list: ServedList, maxPayloadBytes?: number): ListSnapshot[] {
    const v = this.version(list);
    if (list === 'blacklist') return snapshotChunks({ list, entries: this.q.blAll.all() }, v, maxPayloadBytes);
    if (list === 'grants') return snapshotChunks({ list, entries: this.grants.all() }, v, maxPayloadBytes);
    if (list === 'holders') return snapshotChunks({ list, entries: this.holders.all() }, v, maxPayloadBytes);
    if (list === 'holidays') return snapshotChunks({ list, entries: this.holidays.all() }, v, maxPayloadBytes);
    return snapshotChunks({ list, entries: this.q.crPending.all().map(toCredit) }, v, maxPayloadBytes);
  }

  /**
   * A LIST_PULL resume (§6.4): chunks `fromChunk`.. of snapshot `version`,
   * or null when that version is no longer the current one (its content is
   * gone: the terminal gets what brings it up to date instead).
   */
  resume(list: ServedList, version: number, fromChunk: number): ListSnapshot[] | null {
    if (version !== this.version(list)) return null;
    const chunks = this.snapshot(list);
    return fromChunk < chunks.length ? chunks.slice(fromChunk) : null;
  }

  private fold(list: ServedList, rows: { k1: number; k2: number; op: number }[]) {
    const last = new Map<string, { k1: number; k2: number; op: number }>();
    for (const r of rows) last.set(`${r.k1}/${r.k2}`, r);
    const byKey = [...last.values()].sort((a, b) => a.k1 - b.k1 || a.k2 - b.k2);
    if (list === 'blacklist' || list === 'holidays')
      return {
        list,
        add: byKey.filter((r) => r.op === ADD).map((r) => r.k1),
        remove: byKey.filter((r) => r.op === REMOVE).map((r) => r.k1),
      };
    // The last change of a card was a set: the grant it holds now is that one.
    if (list === 'grants')
      return {
        list,
        add: byKey.filter((r) => r.op === ADD).map((r) => this.grants.get(r.k1) as Grant),
        remove: byKey.filter((r) => r.op === REMOVE).map((r) => r.k1),
      };
    if (list === 'holders')
      return {
        list,
        add: byKey.filter((r) => r.op === ADD).map((r) => this.holders.get(r.k1) as Holder),
        remove: byKey.filter((r) => r.op === REMOVE).map((r) => r.k1),
      };
    const add = byKey.filter((r) => r.op === ADD).map((r) => toCredit(this.q.crGet.get(r.k1, r.k2) as CreditRow));
    const remove: CreditKey[] = byKey
      .filter((r) => r.op === REMOVE)
      .map((r) => ({ cardNumber: r.k1, creditSeq: r.k2 }));
    return { list, add, remove };
  }

  private meta(list: ServedList): MetaRow {
    const m = this.q.meta.get(list);
    if (!m) throw new Error(`list_meta row for ${list} is missing; the database is damaged`);
    return m;
  }

  /** One version: `apply` logs its changes under version v; nothing changed → rolled back, version unchanged. */
  private change(list: ServedList, apply: (version: number, digest: ListDigest) => number): number | null {
    return this.db.transaction(() => {
      const m = this.meta(list);
      const v = m.version + 1;
      const d = new ListDigest(m.d_count, m.d_a, m.d_b);
      if (apply(v, d) === 0) return null;
      this.q.setMeta.run(v, d.count, d.a, d.b, list);
      return v;
    })();
  }
}
