import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../firmware/core/clock.ts';
import { silentLogger } from '../../../../firmware/core/log.ts';
import { Journal } from '../../../../firmware/store/journal/journal.ts';
import { CHECKPOINT_EVERY_RECORDS } from '../../../../firmware/store/journal/journal-sync.ts';
import { VirtualScheduler } from '../../../../simulator/net/virtual-scheduler.ts';
import { readWal } from './wal-file.ts';

/**
 * What one intent commit writes, read from the -wal file: the pages, whether the file grew, and
 * whether the commit started the WAL over (a new header, which SQLite fsyncs on its own: a second
 * fsync before the tap's result).
 */
type AnyBodies = Record<string, Record<string, unknown>>;
const START_MS = Date.UTC(2026, 10, 23, 8);
const CARDS = 50;
const root = mkdtempSync(join(tmpdir(), 'onecard-journal-wal-'));
let files = 0;
after(() => rmSync(root, { recursive: true, force: true }));

/** A sale as card-tx writes it: the intent (fsync'd), the outcome deferred, the journal's flush after the result. */
function saleRecords(journal: Journal<AnyBodies>, i: number) {
  const card = 100_000 + (i % CARDS);
  const counter = Math.floor(i / CARDS);
  const before = readWal(`${journal.path}-wal`);
  const intent = journal.append(
    'card.intent',
    { tx: 'sale', cardNumber: card, chargedAmount: 1250, counterBefore: counter, counterAfter: counter + 1 },
    { card, cardCounter: counter },
  );
  const atIntent = readWal(`${journal.path}-wal`);
  journal.appendDeferred(
    'card.commit',
    { intentSeq: intent.seq },
    {
      card,
      ref: intent.seq,
      cardCounter: counter + 1,
      totals: [{ scope: 'day', key: 'd', count: 1, amountCents: 1250 }],
    },
  );
  journal.flush();
  return { before, atIntent };
}

function steadyJournal() {
  const clock = new ManualClock(START_MS);
  const journal = Journal.open<AnyBodies>({
    path: join(root, `j${files++}.db`),
    clock,
    log: silentLogger,
    scheduler: new VirtualScheduler(clock),
  });
  // Two checkpoints: the WAL has reached its working size and started over once since.
  const warmSales = CHECKPOINT_EVERY_RECORDS + 10;
  for (let i = 0; i < warmSales; i++) saleRecords(journal, i);
  return { journal, warmSales };
}

test('in the steady state an intent commit neither grows the WAL nor starts it over, across checkpoints', () => {
  const { journal, warmSales } = steadyJournal();
  try {
    const sizeBefore = readWal(`${journal.path}-wal`).fileBytes;
    let restartsSeen = 0;
    // Long enough to cross two more checkpoints.
    for (let i = warmSales; i < warmSales + CHECKPOINT_EVERY_RECORDS + 10; i++) {
      const { before, atIntent } = saleRecords(journal, i);
      assert.ok(atIntent.header.equals(before.header), `sale ${i}: the intent's commit started the WAL over`);
      assert.equal(atIntent.fileBytes, sizeBefore, `sale ${i}: the intent's commit grew the WAL`);
      const after = readWal(`${journal.path}-wal`);
      if (!after.header.equals(atIntent.header)) restartsSeen++;
    }
    assert.ok(restartsSeen >= 1, 'the flush started the WAL over (the test crossed a checkpoint)');
  } finally {
    journal.close();
  }
});

test('an intent commit writes three pages: its row, its card index entry, its open-intent index entry', () => {
  const { journal, warmSales } = steadyJournal();
  try {
    const pagesPerIntent: number[] = [];
    for (let i = warmSales; i < warmSales + 100; i++) {
      const { atIntent } = saleRecords(journal, i);
      pagesPerIntent.push(atIntent.transactions.at(-1)!.length);
    }
    // A row that starts a new leaf of the journal table also writes the new leaf's parent: 5 then.
    const LEAF_SPLIT_PAGES = 5;
    const odd = pagesPerIntent.filter((n) => n !== 3);
    assert.ok(
      odd.every((n) => n === LEAF_SPLIT_PAGES),
      `pages per intent commit: ${pagesPerIntent.join(' ')}`,
    );
    assert.ok(odd.length <= 5, `${odd.length} of 100 intent commits wrote more than 3 pages`);
  } finally {
    journal.close();
  }
});
