import type Database from 'better-sqlite3';
import { CHAIN_ZERO, chainNext, type JournalAck, type JournalBatch, type WireRecord } from '../../protocol/index.ts';
import type { Accounts } from './accounts.ts';
import { isCommitOf, type Ledger } from './ledger.ts';
import type { ListStore } from './lists.ts';
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

interface TerminalRow {
  high_seq: number;
  chain_head: Uint8Array;
}

const INSERT_RECORDS = 'INSERT INTO records (terminal, seq, kind, at_ms, card, ref, body, chain, arrival) VALUES';
const RECORD_VALUES = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** 9 parameters a row; 8–32 rows a statement measured alike (bench/sync-upload.ts), far below SQLite's 32,766 parameters. */
const ROWS_PER_INSERT = 16;

const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

export class JournalStore {
  private readonly q;
  private arrival: number;

  constructor(
    private readonly db: Database.Database,
    private readonly ledger: Ledger,
    private readonly lists: ListStore,
    private readonly accounts: Accounts,
    private readonly nowMs: () => number,
  ) {
    this.q = {
      terminal: db.prepare<[number], TerminalRow>('SELECT high_seq, chain_head FROM terminals WHERE id = ?'),
      addTerminal: db.prepare('INSERT OR IGNORE INTO terminals (id, high_seq, chain_head, first_seen_ms, last_seen_ms) VALUES (?, 0, ?, ?, ?)'),
      setHigh: db.prepare('UPDATE terminals SET high_seq = ?, chain_head = ?, last_seen_ms = ? WHERE id = ?'),
      chainAt: db.prepare<[number, number], Uint8Array>('SELECT chain FROM records WHERE terminal = ? AND seq = ?').pluck(),
      insert: db.prepare(`${INSERT_RECORDS} ${RECORD_VALUES}`),
      insertMany: db.prepare(`${INSERT_RECORDS} ${Array(ROWS_PER_INSERT).fill(RECORD_VALUES).join(', ')}`),
      body: db.prepare<[number, number], string>('SELECT body FROM records WHERE terminal = ? AND seq = ?').pluck(),
      records: db.prepare<[number, number, number], { seq: number; kind: string; at_ms: number; card: number | null; ref: number | null; body: string; arrival: number }>(
        'SELECT seq, kind, at_ms, card, ref, body, arrival FROM records WHERE terminal = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      maxArrival: db.prepare<[], number | null>('SELECT max(arrival) FROM records').pluck(),
    };
    this.arrival = this.q.maxArrival.get() ?? 0;
  }

  /** Makes sure a terminal has its row (at its first handshake). */
  touch(terminal: number): void {
    this.q.addTerminal.run(terminal, CHAIN_ZERO, this.nowMs(), this.nowMs());
  }

  highWater(terminal: number): number {
    return this.q.terminal.get(terminal)?.high_seq ?? 0;
  }

  /** Stored records of a terminal after `seq`, in seq order, with their arrival order (tests, reports). */
  records(terminal: number, afterSeq = 0, limit = 10_000): (WireRecord & { arrival: number })[] {
    return this.q.records.all(terminal, afterSeq, limit).map((r) => ({ seq: r.seq, kind: r.kind, atMs: r.at_ms, card: r.card, ref: r.ref, body: JSON.parse(r.body) as unknown, arrival: r.arrival }));
  }

  ingest(terminal: number, batch: JournalBatch): IngestResult {
    this.touch(terminal);
    const row = this.q.terminal.get(terminal) as TerminalRow;
    const t = { high_seq: row.high_seq, chain_head: Uint8Array.from(row.chain_head) }; // SQLite gives a Buffer
    const H = t.high_seq;
    const result = (status: JournalAck['status'], extra: Partial<JournalAck> = {}, h = H, head = t.chain_head): IngestResult => ({ ack: { type: 'journalAck', ackUpto: h, chainHead: head, status, ...extra }, stored: 0, listsChanged: false, clones: [] });
    if (batch.terminalId !== terminal) return result('malformed');
    const recs = batch.records;
    if (recs.length === 0) return result('ok'); // the probe (§6.6.1)
    const base = recs[0].seq;
    // Recompute the chain over the batch: the end-to-end check that nothing was altered on the way.
    const chains: Uint8Array[] = [];
    let h = batch.chainPrev;
    for (const r of recs) chains.push((h = chainNext(h, r, terminal)));
    if (!eq(h, batch.chainLast)) return result('malformed');
    let trustedPrev = false;
    if (base > H + 1) {
      // Answering a resend with records the terminal pruned: what is below is gone for good.
      if (batch.prunedBelow !== base) return result('gap');
      recordAlert(this.db, { atMs: this.nowMs(), kind: 'hole', terminal, detail: `records ${H + 1}..${base - 1} were pruned by the terminal before the backend held them` });
      trustedPrev = true;
    }
    if (!trustedPrev) {
      const prev = base - 1 === 0 ? CHAIN_ZERO : base - 1 === H ? t.chain_head : this.q.chainAt.get(terminal, base - 1);
      if (!prev || !eq(prev, batch.chainPrev)) return result('conflict', { conflictSeq: base });
      // Records this side already holds: if the chain agrees at the last of them, all agree (a hash chain).
      const lastDup = Math.min(H, recs[recs.length - 1].seq);
      if (lastDup >= base) {
        const stored = this.q.chainAt.get(terminal, lastDup);
        if (!stored || !eq(stored, chains[lastDup - base])) return result('conflict', { conflictSeq: lastDup });
      }
    }
    if (recs[recs.length - 1].seq <= H) return result('ok'); // all held already: the same ack again
    return this.db.transaction(() => this.store(terminal, recs, chains, Math.max(H, base - 1)))();
  }

  private store(terminal: number, recs: WireRecord[], chains: Uint8Array[], H: number): IngestResult {
    let stored = 0;
    let listsChanged = false;
    const clones: number[] = [];
    const now = this.nowMs();
    const first = recs.findIndex((r) => r.seq > H);
    stored = this.insertRecords(terminal, recs, chains, first);
    for (let i = first; i < recs.length; i++) {
      const r = recs[i];
      // An intent and its commit side by side land together (ledger.ts): the commit then has nothing left to do.
      if (i > 0 && recs[i - 1].seq > H && isCommitOf(r, recs[i - 1])) continue;
      const landing = this.ledger.onRecord(terminal, r, recs[i + 1]);
      if (landing) {
        if (landing.lastCreditSeq > 0 && this.lists.creditsApplied(landing.card, landing.lastCreditSeq, now) !== null) listsChanged = true;
        if (landing.clashWith) {
          clones.push(landing.card);
          recordAlert(this.db, { atMs: now, kind: 'clone', card: landing.card, terminal, detail: `counter spent twice with different contents: ${terminal}#${landing.seq} and ${landing.clashWith.terminal}#${landing.clashWith.seq}` });
          if (this.lists.blacklistAdd([landing.card], 'clone', now) !== null) listsChanged = true;
        }
      } else if (r.kind === 'online.result') this.onlineResult(terminal, r, now);
    }
    // The caller made sure the batch reaches past H: the last record is the new high-water mark.
    const newH = recs[recs.length - 1].seq;
    const head = chains[chains.length - 1];
    this.q.setHigh.run(newH, head, now, terminal);
    return { ack: { type: 'journalAck', ackUpto: newH, chainHead: head, status: 'ok' }, stored, listsChanged, clones };
  }

  /** Stores recs[from..] with their chain values, ROWS_PER_INSERT to a statement (one statement per row was a fifth of ingest). */
  private insertRecords(terminal: number, recs: WireRecord[], chains: Uint8Array[], from: number): number {
    const row = (i: number) => [terminal, recs[i].seq, recs[i].kind, recs[i].atMs, recs[i].card, recs[i].ref, JSON.stringify(recs[i].body), chains[i], ++this.arrival];
    let i = from;
    for (; i + ROWS_PER_INSERT <= recs.length; i += ROWS_PER_INSERT) {
      const params: unknown[] = [];
      for (let k = i; k < i + ROWS_PER_INSERT; k++) params.push(...row(k));
      this.q.insertMany.run(params);
    }
    for (; i < recs.length; i++) this.q.insert.run(row(i));
    return recs.length - from;
  }

  private onlineResult(terminal: number, r: WireRecord, now: number): void {
    const b = r.body as { stan?: number; outcome?: string };
    if (typeof b.stan !== 'number' || typeof b.outcome !== 'string') return;
    const reqBody = this.q.body.get(terminal, b.stan);
    const req = reqBody ? (JSON.parse(reqBody) as { cardNumber?: number; amountCents?: number }) : {};
    this.accounts.fromJournal(terminal, b.stan, b.outcome, req.cardNumber ?? r.card ?? 0, req.amountCents ?? 0, now);
  }
}
