import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../firmware/core/clock.ts';
import { silentLogger } from '../../../../firmware/core/log.ts';
import { DEFERRED_SYNC_DELAY_MS, Journal } from '../../../../firmware/store/journal/journal.ts';
import { WAL_AUTOCHECKPOINT_BACKSTOP_PAGES } from '../../../../firmware/store/journal/journal-sync.ts';
import { VirtualScheduler } from '../../../../simulator/net/virtual-scheduler.ts';

/** appendDeferred: the record now, its fsync within DEFERRED_SYNC_DELAY_MS or with the next FULL commit. */
type AnyBodies = Record<string, Record<string, unknown>>;
const FULL = 2;
const START_MS = Date.UTC(2026, 10, 23, 8);
const root = mkdtempSync(join(tmpdir(), 'onecard-journal-sync-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;

function fresh(opts: { everyRecordSynced?: boolean } = {}) {
  const clock = new ManualClock(START_MS);
  const scheduler = new VirtualScheduler(clock);
  const path = join(root, `j${dirCount++}.db`);
  const journal = Journal.open<AnyBodies>({ path, clock, log: silentLogger, scheduler, ...opts });
  return { journal, scheduler, path };
}

test('a deferred record reads back at once, waits for its fsync, and the next FULL commit carries it', () => {
  const { journal } = fresh();
  try {
    const intent = journal.append('intent', { n: 1 });
    const done = journal.fsyncs().done;
    const commit = journal.appendDeferred(
      'commit',
      { n: 1 },
      { ref: intent.seq, totals: [{ scope: 'day', key: 'd', count: 1, amountCents: 5 }] },
    );
    assert.deepEqual(journal.get(commit.seq)?.body, { n: 1 });
    assert.deepEqual(journal.totals('day', 'd'), { count: 1, amountCents: 5 }, 'totals move with it, as with append');
    assert.deepEqual(journal.fsyncs(), { done, waiting: 1 });
    assert.equal(journal.durability().synchronous, FULL, 'the connection is back to FULL for every other commit');
    journal.append('intent', { n: 2 });
    assert.deepEqual(journal.fsyncs(), { done: done + 1, waiting: 0 }, 'one fsync for both');
    assert.equal(journal.flush(), true);
    assert.equal(journal.fsyncs().done, done + 1, 'nothing waiting: a flush costs no fsync');
  } finally {
    journal.close();
  }
});

test('the wait is bounded from the first waiting record, not pushed back by later ones', async () => {
  const { journal, scheduler } = fresh();
  try {
    journal.appendDeferred('commit', { n: 1 });
    await scheduler.run(DEFERRED_SYNC_DELAY_MS - 10);
    journal.appendDeferred('commit', { n: 2 });
    await scheduler.run(9);
    assert.equal(journal.fsyncs().waiting, 2);
    await scheduler.run(1);
    assert.deepEqual(journal.fsyncs(), { done: 1, waiting: 0 }, "both fsync'd DEFERRED_SYNC_DELAY_MS after the first");
    assert.equal(scheduler.pending, 0, 'no timer left once nothing waits');
  } finally {
    journal.close();
  }
});

test('a deferred write refused leaves nothing waiting and the connection FULL', () => {
  const { journal, scheduler } = fresh();
  try {
    assert.throws(
      () => journal.appendDeferred('commit', { n: 1 }, { ref: 99 }),
      /ref 99 is not an earlier journal seq/,
    );
    assert.deepEqual(journal.fsyncs(), { done: 0, waiting: 0 });
    assert.equal(journal.durability().synchronous, FULL);
    assert.equal(scheduler.pending, 0);
    assert.equal(journal.lastSeq(), 0);
  } finally {
    journal.close();
  }
});

test("the bench's baseline (everyRecordSynced) fsyncs a deferred record before it returns", () => {
  const { journal, scheduler } = fresh({ everyRecordSynced: true });
  try {
    journal.appendDeferred('commit', { n: 1 });
    assert.deepEqual(journal.fsyncs(), { done: 1, waiting: 0 });
    assert.equal(scheduler.pending, 0);
  } finally {
    journal.close();
  }
});

test("checkpoints run in the flush, off the tap path, not in the commit that crosses SQLite's 1,000", async () => {
  const { journal, scheduler, path } = fresh();
  try {
    // ~1 WAL page per record here: past SQLite's default 1,000, short of the backstop.
    const records = 1_100;
    assert.ok(records < WAL_AUTOCHECKPOINT_BACKSTOP_PAGES);
    const mainBytes = statSync(path).size; // the header page WAL mode wrote; the schema is in the -wal
    for (let i = 0; i < records; i++) journal.appendDeferred('commit', { n: i });
    assert.equal(statSync(path).size, mainBytes, 'every page still in the -wal: no checkpoint ran in an append');
    await scheduler.run(DEFERRED_SYNC_DELAY_MS);
    assert.ok(statSync(path).size > mainBytes, 'the flush checkpointed');
    assert.deepEqual(journal.fsyncs(), { done: 1, waiting: 0 });
  } finally {
    journal.close();
  }
});
