import type Database from 'better-sqlite3';
import {
  KIND,
  CHAIN_ZERO,
  chainNext,
  chainOver,
  sameBytes,
  type JournalAck,
  type JournalBatch,
  type WireRecord,
} from '../protocol/index.ts';
import type { Accounts } from './accounts.ts';
import type { CardRegister } from './card-register.ts';
import type { DeskRecords } from './desk-records.ts';
import { isCommitOf, type Ledger } from './ledger.ts';
import type { ListStore } from './lists.ts';
import type { Points } from './points.ts';
import { RecordRows, type StoredRecord } from './record-rows.ts';
import { recordAlert } from './schema.ts';

/**
 * Journal upload, the backend's side (PROTOCOL.md §6.6.4–6.6.5): per terminal
 * a high-water mark H and chain(H). A batch is checked end to end by its hash
 * chain, records above H are stored with their chain values and fed to the
 * ledger, lists and accounts, and H advances — all in one transaction, before
 * the ack leaves. A batch seen again changes nothing and gets the same ack.
 */
export interface IngestResult {
  ack: JournalAck;
  /** New records stored. */
  stored: number;
  /** Lists got a new version (credits applied, a clone blacklisted): push to open sessions. */
  listsChanged: boolean;
  /** Cards found cloned by this batch. */
  clones: number[];
}

/** What a file carried by hand did: how many of its records were new and how many held already. */
export type CarriedResult =
  | { ok: true; stored: number; held: number; listsChanged: boolean; clones: number[] }
  | { ok: false; reason: string };

/** A carried file goes in as batches no bigger than an upload may send (PROTOCOL.md §6.6.1). */
const CARRIED_BATCH_RECORDS = 1_024;

/** Rolls the carried file's transaction back with the reason (caught in ingestCarried). */
class CarriedRefusal extends Error {}

function carriedProblem(terminal: number, ack: JournalAck): string {
  if (ack.status === 'conflict')
    return (
      `record ${ack.conflictSeq} differs from the one this backend holds from terminal ${terminal}: ` +
      'the histories have diverged and a person must look (nothing imported)'
    );
  return `the upload's rule answered ${ack.status} at ${ack.ackUpto} (nothing imported)`;
}

interface TerminalRow {
  high_seq: number;
  chain_head: Uint8Array;
}

export class JournalStore {
  private readonly q;
  private readonly rows: RecordRows;

  constructor(
    private readonly db: Database.Database,
    private readonly ledger: Ledger,
    private readonly lists: ListStore,
    private readonly accounts: Accounts,
    private readonly cards: CardRegister,
    private readonly nowMs: () => number,
    /** The card office's records: replacements and cancellations (desk-records.ts). */
    private readonly desk: DeskRecords | null = null,
    /** Member points: an intent's points count when its write lands (points.ts). */
    private readonly points: Points | null = null,
  ) {
    this.q = {
      terminal: db.prepare<[number], TerminalRow>('SELECT high_seq, chain_head FROM terminals WHERE id = ?'),
      addTerminal: db.prepare(
        'INSERT OR IGNORE INTO terminals (id, high_seq, chain_head, first_seen_ms, last_seen_ms) VALUES (?, 0, ?, ?, ?)',
      ),
      setHigh: db.prepare('UPDATE terminals SET high_seq = ?, chain_head = ?, last_seen_ms = ? WHERE id = ?'),
      chainAt: db
        .prepare<[number, number], Uint8Array>('SELECT chain FROM records WHERE terminal = ? AND seq = ?')
        .pluck(),
    };
    this.rows = new RecordRows(db);
  }

  /** Makes sure a terminal has its row (at its first handshake). */
  touch(terminal: number): void {
    this.q.addTerminal.run(terminal, CHAIN_ZERO, this.nowMs(), this.nowMs());
  }

  highWater(terminal: number): number {
    return this.q.terminal.get(terminal)?.high_seq ?? 0;
  }

  /** Stored records of a terminal after `seq`, in seq order, with their arrival order (tests, reports). */
  records(terminal: number, afterSeq = 0, limit = 10_000): StoredRecord[] {
    return this.rows.after(terminal, afterSeq, limit);
  }

  /** `payload`: the batch's bytes as received, kept verbatim (record-rows.ts). */
  ingest(terminal: number, batch: JournalBatch, payload?: Uint8Array): IngestResult {
    this.touch(terminal);
    const row = this.q.terminal.get(terminal) as TerminalRow;
    const t = { high_seq: row.high_seq, chain_head: Uint8Array.from(row.chain_head) }; // SQLite gives a Buffer
    const H = t.high_seq;
    const result = (
      status: JournalAck['status'],
      extra: Partial<JournalAck> = {},
      h = H,
      head = t.chain_head,
    ): IngestResult => ({
      ack: { type: 'journalAck', ackUpto: h, chainHead: head, status, ...extra },
      stored: 0,
      listsChanged: false,
      clones: [],
    });
    if (batch.terminalId !== terminal) return result('malformed');
    const recs = batch.records;
    if (recs.length === 0) return result('ok'); // the probe (§6.6.1)
    const base = recs[0].seq;
    // Recompute the chain over the batch: the end-to-end check that nothing was altered on the way.
    const chains: Uint8Array[] = [];
    let h = batch.chainPrev;
    for (const r of recs) {
      h = chainNext(h, r, terminal);
      chains.push(h);
    }
    if (!sameBytes(h, batch.chainLast)) return result('malformed');
    let trustedPrev = false;
    if (base > H + 1) {
      // Answering a resend with records the terminal pruned: what is below is gone for good.
      if (batch.prunedBelow !== base) return result('gap');
      recordAlert(this.db, {
        atMs: this.nowMs(),
        kind: 'hole',
        terminal,
        detail: `records ${H + 1}..${base - 1} were pruned by the terminal before the backend held them`,
      });
      trustedPrev = true;
    }
    if (!trustedPrev) {
      const prev = this.chainAt(terminal, base - 1, H, t.chain_head);
      if (!prev || !sameBytes(prev, batch.chainPrev)) return result('conflict', { conflictSeq: base });
      // Records this side already holds: if the chain agrees at the last of them, all agree (a hash chain).
      const lastDup = Math.min(H, recs[recs.length - 1].seq);
      if (lastDup >= base) {
        const stored = this.q.chainAt.get(terminal, lastDup);
        if (!stored || !sameBytes(stored, chains[lastDup - base])) return result('conflict', { conflictSeq: lastDup });
      }
    }
    if (recs[recs.length - 1].seq <= H) return result('ok'); // all held already: the same ack again
    return this.db.transaction(() => this.store(terminal, batch, payload, chains, Math.max(H, base - 1)))();
  }

  /**
   * Records carried by hand (journal-import.ts), from a file the terminal's MAC vouched for: taken by the
   * upload's own rule (`ingest`), as batches chained on from what this backend holds, all in one
   * transaction — a file is taken whole or not at all, and a record held already is checked, not stored again.
   */
  ingestCarried(terminal: number, utcOffsetMinutes: number, records: readonly WireRecord[]): CarriedResult {
    const refused = (reason: string): CarriedResult => ({ ok: false, reason });
    if (records.length === 0) return { ok: true, stored: 0, held: 0, listsChanged: false, clones: [] };
    this.touch(terminal);
    try {
      return this.db.transaction((): CarriedResult => {
        let stored = 0;
        let listsChanged = false;
        const clones: number[] = [];
        for (let i = 0; i < records.length; i += CARRIED_BATCH_RECORDS) {
          const chunk = records.slice(i, i + CARRIED_BATCH_RECORDS);
          const row = this.q.terminal.get(terminal) as TerminalRow;
          const base = chunk[0].seq;
          const prev = this.chainAt(terminal, base - 1, row.high_seq, Uint8Array.from(row.chain_head));
          if (prev === null)
            throw new CarriedRefusal(
              `this backend holds terminal ${terminal}'s records up to ${row.high_seq}, the file starts at ${base}: ` +
                `records ${row.high_seq + 1}..${base - 1} must arrive first (over the link, or an earlier export)`,
            );
          const batch: JournalBatch = {
            type: 'journalBatch',
            terminalId: terminal,
            utcOffsetMinutes,
            chainPrev: prev,
            chainLast: chainOver(prev, chunk, terminal),
            records: chunk,
          };
          const r = this.ingest(terminal, batch);
          if (r.ack.status !== 'ok') throw new CarriedRefusal(carriedProblem(terminal, r.ack));
          stored += r.stored;
          listsChanged ||= r.listsChanged;
          clones.push(...r.clones);
        }
        return { ok: true, stored, held: records.length - stored, listsChanged, clones };
      })();
    } catch (e) {
      if (e instanceof CarriedRefusal) return refused(e.message);
      throw e;
    }
  }

  /** chain(seq) as this backend holds it (H and its head given), or null above H. */
  private chainAt(terminal: number, seq: number, H: number, head: Uint8Array): Uint8Array | null {
    if (seq === 0) return CHAIN_ZERO;
    if (seq === H) return head;
    if (seq > H) return null;
    const stored = this.q.chainAt.get(terminal, seq);
    return stored ? Uint8Array.from(stored) : null;
  }

  private store(
    terminal: number,
    batch: JournalBatch,
    payload: Uint8Array | undefined,
    chains: Uint8Array[],
    H: number,
  ): IngestResult {
    const recs = batch.records;
    let stored = 0;
    let listsChanged = false;
    const clones: number[] = [];
    const now = this.nowMs();
    const first = recs.findIndex((r) => r.seq > H);
    stored = this.rows.insert(terminal, batch, payload, chains, first);
    const touched = new Set<number>();
    const lookup = (seq: number) => recs.find((x) => x.seq === seq) ?? this.rows.get(terminal, seq);
    for (let i = first; i < recs.length; i++) {
      const r = recs[i];
      this.cards.onRecord(terminal, r, now);
      if (r.card !== null) touched.add(r.card);
      if (this.desk?.onRecord(r, lookup, now, terminal)) listsChanged = true;
      this.points?.onIntent(terminal, r);
      // An intent and its commit side by side land together (ledger.ts): the commit then has nothing left to do.
      if (i > 0 && recs[i - 1].seq > H && isCommitOf(r, recs[i - 1])) continue;
      const landing = this.ledger.onRecord(terminal, r, recs[i + 1]);
      // The commit skipped above landed its intent with the intent's own record.
      const landedSeq = landing ? landing.seq : null;
      if (landedSeq !== null && this.points?.onLanded(terminal, landedSeq, now)) listsChanged = true;
      if (landing) {
        if (landing.lastCreditSeq > 0 && this.lists.creditsApplied(landing.card, landing.lastCreditSeq, now) !== null)
          listsChanged = true;
        if (landing.clashWith) {
          clones.push(landing.card);
          recordAlert(this.db, {
            atMs: now,
            kind: 'clone',
            card: landing.card,
            terminal,
            detail: `counter spent twice with different contents: ${terminal}#${landing.seq} and ${landing.clashWith.terminal}#${landing.clashWith.seq}`,
          });
          if (this.lists.blacklistAdd([landing.card], 'clone', now) !== null) listsChanged = true;
        }
      } else if (r.kind === 'online.result') this.onlineResult(terminal, r, recs, now);
      else if (r.kind === KIND.cashHandover && this.bookHandover(terminal, r, now)) listsChanged = true;
    }
    if (this.desk?.settle(touched, now)) listsChanged = true;
    // The caller made sure the batch reaches past H: the last record is the new high-water mark.
    const newH = recs[recs.length - 1].seq;
    const head = chains[chains.length - 1];
    this.q.setHigh.run(newH, head, now, terminal);
    return { ack: { type: 'journalAck', ackUpto: newH, chainHead: head, status: 'ok' }, stored, listsChanged, clones };
  }

  /**
   * A kiosk handed a card's owed cash over (cash.handover): it becomes an
   * ordinary pending credit, paid once by whichever terminal the card taps next
   * (lastCreditSeq). Booked in the ingest transaction of the record, which runs
   * once per record, so a resent batch books nothing twice. True when booked.
   */
  private bookHandover(terminal: number, r: WireRecord, now: number): boolean {
    const b = r.body as { cardNumber?: unknown; amountCents?: unknown };
    const { cardNumber, amountCents } = b;
    if (!isCardNumber(cardNumber) || !Number.isSafeInteger(amountCents) || (amountCents as number) <= 0) {
      recordAlert(this.db, {
        atMs: now,
        kind: 'handover-malformed',
        terminal,
        detail: `cash.handover #${r.seq} is not a card and a positive amount: not booked`,
      });
      return false;
    }
    const credit = {
      cardNumber,
      amount: amountCents as number,
      purse: 'balance',
      reason: 'topup',
      expiryDay: 0,
    } as const;
    this.lists.issueCredit(credit, now);
    return true;
  }

  private onlineResult(terminal: number, r: WireRecord, batch: WireRecord[], now: number): void {
    const b = r.body as { stan?: number; outcome?: string };
    if (typeof b.stan !== 'number' || typeof b.outcome !== 'string') return;
    // The request is usually in the same batch; else it was stored before.
    const request = batch.find((x) => x.seq === b.stan) ?? this.rows.get(terminal, b.stan);
    const req = (request?.body ?? {}) as { cardNumber?: number; amountCents?: number };
    this.accounts.fromJournal(terminal, b.stan, b.outcome, req.cardNumber ?? r.card ?? 0, req.amountCents ?? 0, now);
  }
}

const isCardNumber = (n: unknown): n is number =>
  Number.isSafeInteger(n) && (n as number) > 0 && (n as number) <= 0xffff_ffff;
