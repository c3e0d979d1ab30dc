import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../firmware/core/clock.ts';
import { VirtualScheduler } from '../../simulator/net/virtual-scheduler.ts';
import { Backend } from '../../backend/backend.ts';
import Database from 'better-sqlite3';
import { buildJournalBatch, CHAIN_ZERO, chainOver, encodeMessage, type WireRecord } from '../../protocol/index.ts';
import { realisticSales } from '../../bench/protocol-sales.ts';

/** PROTOCOL.md §6.6.5, the backend's rules, batch by batch. */
const T = 101;

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-backend-'));
  const clock = new ManualClock(1_795_000_000_000);
  const open = () =>
    Backend.open({
      dbPath: join(dir, 'b.db'),
      clock,
      scheduler: new VirtualScheduler(clock),
      randomBytes: (n) => new Uint8Array(n),
    });
  const records = realisticSales({ sales: 20, terminalId: T });
  const batch = (from: number, to: number, prev?: Uint8Array, recs: WireRecord[] = records) => {
    const slice = recs.filter((r) => r.seq >= from && r.seq <= to);
    return buildJournalBatch(slice, {
      terminalId: T,
      utcOffsetMinutes: 480,
      chainPrev:
        prev ??
        chainOver(
          CHAIN_ZERO,
          recs.filter((r) => r.seq < from),
          T,
        ),
      maxPayloadBytes: 32_768,
    });
  };
  return { dir, open, records, batch, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('stored once by (terminal, seq), acked cumulatively; a batch seen again gets the same ack', () => {
  const { open, batch, done } = setup();
  const b = open();
  try {
    assert.deepEqual(
      b.journal.ingest(
        T,
        buildJournalBatch([], { terminalId: T, utcOffsetMinutes: 480, chainPrev: CHAIN_ZERO, maxPayloadBytes: 1024 }),
      ).ack,
      { type: 'journalAck', ackUpto: 0, chainHead: CHAIN_ZERO, status: 'ok' },
      'the probe',
    );
    const first = b.journal.ingest(T, batch(1, 10));
    assert.deepEqual([first.ack.ackUpto, first.ack.status, first.stored], [10, 'ok', 10]);
    const again = b.journal.ingest(T, batch(1, 10));
    assert.deepEqual([again.ack, again.stored], [first.ack, 0]);
    const overlap = b.journal.ingest(T, batch(6, 16));
    assert.deepEqual([overlap.ack.ackUpto, overlap.stored], [16, 6]);
    assert.deepEqual(
      b.journal.records(T).map((r) => r.seq),
      Array.from({ length: 16 }, (_, i) => i + 1),
    );
  } finally {
    b.stop();
    done();
  }
});

test('a batch past H + 1 is a gap (nothing stored); a changed record is a conflict; a bad chainLast is malformed', () => {
  const { open, batch, records, done } = setup();
  const b = open();
  try {
    b.journal.ingest(T, batch(1, 10));
    const gap = b.journal.ingest(T, batch(13, 20));
    assert.deepEqual([gap.ack.status, gap.ack.ackUpto, gap.stored], ['gap', 10, 0]);
    const altered = records.map((r) => (r.seq === 5 ? { ...r, atMs: r.atMs + 1 } : r));
    const conflict = b.journal.ingest(T, batch(1, 12, CHAIN_ZERO, altered));
    assert.deepEqual([conflict.ack.status, conflict.ack.conflictSeq], ['conflict', 10]);
    const bad = { ...batch(11, 12), chainLast: new Uint8Array(16) };
    assert.equal(b.journal.ingest(T, bad).ack.status, 'malformed');
    assert.equal(b.journal.highWater(T), 10);
  } finally {
    b.stop();
    done();
  }
});

test('a restart loses nothing: H, the chain head, records, lists, accounts', () => {
  const { open, batch, done } = setup();
  let b = open();
  try {
    const ack = b.journal.ingest(T, batch(1, 10)).ack;
    b.cardLost(4242);
    b.credit(1001, 500);
    b.setAccount(5005, 9_000);
    b.stop();
    b = open();
    assert.deepEqual(b.journal.ingest(T, batch(1, 10)).ack, ack);
    assert.equal(b.journal.ingest(T, batch(11, 12)).ack.ackUpto, 12);
    assert.deepEqual(
      [b.lists.isBlacklisted(4242), b.lists.version('blacklist'), b.lists.version('credits'), b.accounts.balance(5005)],
      [true, 1, 1, 9_000],
    );
  } finally {
    b.stop();
    done();
  }
});

test('pruned records answered to a resend leave a hole the backend records', () => {
  const { open, batch, records, done } = setup();
  const b = open();
  try {
    b.journal.ingest(T, batch(1, 4));
    const r = b.journal.ingest(T, { ...batch(9, 12, CHAIN_ZERO), prunedBelow: 9 });
    assert.deepEqual([r.ack.status, r.ack.ackUpto], ['ok', 12]);
    assert.equal(b.alerts()[0].kind, 'hole');
    assert.equal(records.length, 40);
  } finally {
    b.stop();
    done();
  }
});

test('lists: a terminal behind gets a folded delta, one ahead or far behind a snapshot', () => {
  const { open, done } = setup();
  const b = open();
  try {
    b.cardLost(1);
    b.cardLost(2);
    b.cardFound(1);
    b.cardLost(3);
    const [d] = b.lists.update('blacklist', 1) as {
      type: string;
      add: number[];
      remove: number[];
      fromVersion: number;
      toVersion: number;
    }[];
    assert.deepEqual([d.type, d.fromVersion, d.toVersion, d.add, d.remove], ['listDelta', 1, 4, [2, 3], [1]]);
    assert.equal(b.lists.update('blacklist', 9)[0].type, 'listSnapshot');
    assert.deepEqual(b.lists.update('blacklist', 4), []);
  } finally {
    b.stop();
    done();
  }
});

test('bodies live in the batch as it arrived; a schema-1 file keeps its JSON rows and takes new batches', () => {
  const { dir, open, records, batch, done } = setup();
  try {
    let b = open();
    const first = batch(1, 10);
    const payload = encodeMessage(first).payload;
    assert.equal(b.journal.ingest(T, first, payload).ack.ackUpto, 10);
    assert.deepEqual(
      b.db.prepare('SELECT payload FROM batches').pluck().get(),
      Buffer.from(payload),
      'the payload verbatim',
    );
    assert.deepEqual(b.db.prepare("SELECT count(*) FROM records WHERE body = ''").pluck().get(), 10);
    b.stop();
    // Make the file what schema 1 wrote: bodies as JSON in the rows, no batches.
    const db = new Database(join(dir, 'b.db'));
    for (const r of records.slice(0, 10))
      db.prepare('UPDATE records SET body = ?, batch = NULL WHERE seq = ?').run(JSON.stringify(r.body), r.seq);
    db.exec(
      "ALTER TABLE records DROP COLUMN batch; DROP TABLE batches; CREATE UNIQUE INDEX card_tx_landed ON card_tx (card, counter_after) WHERE outcome = 'landed'; PRAGMA user_version = 1;",
    );
    // Schema 1's unique index on landed writes is gone after the migration (the ledger checks instead).
    db.close();
    b = open();
    assert.equal(b.db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'card_tx_landed'").pluck().get(), 0);
    assert.equal(
      b.journal.ingest(T, batch(11, 20)).ack.ackUpto,
      20,
      'a decoded batch alone is stored too (re-encoded)',
    );
    assert.deepEqual(
      b.journal.records(T).map(({ arrival: _, ...r }) => r),
      records.slice(0, 20),
      'old rows and new read back alike',
    );
    b.stop();
  } finally {
    done();
  }
});
