import Database from 'better-sqlite3';
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../firmware/core/clock.ts';
import { silentLogger } from '../firmware/core/log.ts';
import { recordCrc } from '../firmware/store/journal/journal-codec.ts';
import { Journal } from '../firmware/store/journal/journal.ts';
import { CHECKPOINT_EVERY_RECORDS } from '../firmware/store/journal/journal-sync.ts';

/**
 * Durable journal appends against the floor any durable log must pay: one
 * write + fsync per record. Both run in the same process on the same disk,
 * interleaved in rounds so drift (other load, disk cache) hits both alike.
 * The journal runs as on a terminal: its flush (the timer's work, which this
 * loop never idles for) after each sale, so it checkpoints every
 * CHECKPOINT_EVERY_RECORDS and its -wal keeps its working size; the warm-up
 * takes it there first. Without the flush the -wal grew through the whole run.
 */
export interface JournalBenchResult {
  durableAppendsPerSec: number;
  rawFsyncAppendsPerSec: number;
  /** durable / raw: 1.0 means the journal costs no more than a bare fsync'd line. */
  ratio: number;
}

const DEFAULT_RECORDS = 2000;
const ROUNDS = 4;
/** Past the first checkpoint: the -wal at its working size, as on a terminal that has run a while. */
const WARMUP_RECORDS = CHECKPOINT_EVERY_RECORDS + 50;
/** 2026-11-23 12:00 UTC: a fixed instant, benchmarks are reproducible too. */
const START_MS = Date.UTC(2026, 10, 23, 12);

export function saleBody(i: number): Record<string, unknown> {
  return {
    tx: 'sale',
    amountCents: 1250 + (i % 7) * 50,
    balanceCents: 84_000 - i,
    counterBefore: i,
    counterAfter: i + 1,
    operator: 7,
    items: [{ code: 101 + (i % 30), qty: 1 }],
  };
}

function saleTotals(amountCents: number) {
  return [
    { scope: 'day', key: '2026-11-23', count: 1, amountCents },
    { scope: 'shift', key: 'S1', count: 1, amountCents },
  ];
}

export async function benchJournal(opts: { records?: number; dir: string }): Promise<JournalBenchResult> {
  const records = opts.records ?? DEFAULT_RECORDS;
  const dir = join(opts.dir, 'bench-journal');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const clock = new ManualClock(START_MS);
  // A sale-shaped body of its own (amountCents, items): the store's cost, not the firmware's record kinds.
  const journal = Journal.open<Record<string, Record<string, unknown>>>({
    path: join(dir, 'journal.db'),
    clock,
    log: silentLogger,
  });
  // Same bytes per record for the baseline: the record as a JSON line.
  const line = `${JSON.stringify({ seq: 1, kind: 'sale', atMs: START_MS, card: 123456, body: saleBody(0) })}\n`;
  const rawFd = openSync(join(dir, 'raw.jsonl'), 'a');
  let seq = 0;
  // Records as a sale writes them: an intent before the card write, a commit
  // (ref, totals, card counter) after it — n records, n/2 sales.
  const appendDurable = (n: number) => {
    for (let i = 0; i < n; i += 2, seq++) {
      clock.advance(1);
      const body = saleBody(seq);
      const card = 100_000 + (seq % 5000);
      const intent = journal.append('card.intent', body, { card, cardCounter: seq % 0xff_ffff });
      journal.append(
        'card.commit',
        { intentSeq: intent.seq },
        { card, ref: intent.seq, cardCounter: (seq + 1) % 0xff_ffff, totals: saleTotals(body.amountCents as number) },
      );
      journal.flush(); // nothing waits (both fsync'd): a checkpoint when one is due, as the timer would run it
    }
  };
  const appendRaw = (n: number) => {
    for (let i = 0; i < n; i++) {
      writeSync(rawFd, line);
      fsyncSync(rawFd);
    }
  };
  try {
    appendDurable(WARMUP_RECORDS);
    appendRaw(WARMUP_RECORDS);
    let durableNs = 0n;
    let rawNs = 0n;
    const perRound = Math.ceil(records / ROUNDS);
    for (let done = 0; done < records; done += perRound) {
      const n = Math.min(perRound, records - done);
      durableNs += timeNs(() => appendDurable(n));
      rawNs += timeNs(() => appendRaw(n));
    }
    const durableAppendsPerSec = perSec(records, durableNs);
    const rawFsyncAppendsPerSec = perSec(records, rawNs);
    return { durableAppendsPerSec, rawFsyncAppendsPerSec, ratio: durableAppendsPerSec / rawFsyncAppendsPerSec };
  } finally {
    closeSync(rawFd);
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One bulk record: its kind, card and body, and the cents it adds to the day's totals. */
export interface BulkRecord {
  kind: string;
  card: number;
  body: Record<string, unknown>;
  amountCents: number;
}

const saleRecord = (seq: number): BulkRecord => {
  const body = saleBody(seq);
  return { kind: 'sale', card: 100_000 + (seq % 5000), body, amountCents: body.amountCents as number };
};

/**
 * Fills a new journal at `path` with n records (sales over 5,000 cards unless told), in one
 * transaction (setup, not what is measured), all acknowledged except the
 * newest `unackedTail`. Rows carry real CRCs, so recovery accepts them.
 */
export async function buildLargeJournal(
  path: string,
  n: number,
  unackedTail = 1000,
  recordAt: (seq: number) => BulkRecord = saleRecord,
): Promise<{ buildMs: number; fileBytes: number }> {
  const startNs = process.hrtime.bigint();
  Journal.open({ path, clock: new ManualClock(START_MS), log: silentLogger }).close();
  const db = new Database(path);
  // Setup only: write pages straight into the file (no WAL copy, no fsync),
  // then give the file back in WAL mode as Journal.open expects it.
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = OFF');
  try {
    const insert = db.prepare(
      'INSERT INTO journal (seq, kind, at_ms, card, ref, body, crc, acked) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)',
    );
    const ackedUpto = Math.max(0, n - unackedTail);
    db.transaction(() => {
      let totalCents = 0;
      for (let seq = 1; seq <= n; seq++) {
        const { kind, card, body, amountCents } = recordAt(seq);
        totalCents += amountCents;
        const text = JSON.stringify(body);
        const atMs = START_MS + seq * 1000;
        insert.run(seq, kind, atMs, card, text, recordCrc(seq, kind, atMs, card, null, text), seq <= ackedUpto ? 1 : 0);
      }
      db.prepare('UPDATE journal_meta SET last_seq = ?, acked_upto = ? WHERE id = 1').run(n, ackedUpto);
      db.prepare(`INSERT INTO totals (scope, key, count, amount_cents) VALUES ('day', 'bulk', ?, ?)`).run(
        n,
        totalCents,
      );
    })();
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
  return { buildMs: Number(process.hrtime.bigint() - startNs) / 1e6, fileBytes: statSync(path).size };
}

export function timeNs(fn: () => void): bigint {
  const start = process.hrtime.bigint();
  fn();
  return process.hrtime.bigint() - start;
}

export function perSec(count: number, ns: bigint): number {
  return count / (Number(ns) / 1e9);
}
