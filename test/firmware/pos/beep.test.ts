import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardApp } from '../../../firmware/card/app.ts';
import { KIND } from '../../../firmware/card-tx/records.ts';
import { ManualClock } from '../../../firmware/core/clock.ts';
import { silentLogger } from '../../../firmware/core/log.ts';
import { DEFERRED_SYNC_DELAY_MS } from '../../../firmware/store/journal/journal.ts';
import { deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';
import { Terminal } from '../../../firmware/terminal/terminal.ts';
import { issueSimCard } from '../../../simulator/card/issue.ts';
import type { VirtualClassicCard } from '../../../simulator/card/virtual-classic.ts';
import { VirtualReader } from '../../../simulator/card/virtual-reader.ts';
import { scanJournal } from '../../../simulator/journal-scan.ts';
import { VirtualScheduler } from '../../../simulator/net/virtual-scheduler.ts';
import { simTerminalConfig } from '../../../simulator/terminal/default-config.ts';
import { atFirstWrite, copyJournal, restoreJournal } from '../card-tx/power-cut.ts';

/**
 * Nothing delays the beep: between a tap and its result the terminal fsyncs
 * once, the intent, before the first card byte. The outcome record follows
 * within DEFERRED_SYNC_DELAY_MS; a power cut that takes it leaves the intent
 * open, and the card's next tap settles it.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');
const DAY = '2026-11-23';
const BALANCE_CENTS = 20_000;
const SALE_KEYS = ['1', '2', '.', '5', 'confirm'];
const SALE_CENTS = 1_250;
/** A purse write cut after block A and before the MAC block: the card keeps its old state. */
const NOT_LANDED_BYTES = 20;
const masterKeys = deriveSimMasterKeys(7);

interface Till {
  dir: string;
  clock: ManualClock;
  scheduler: VirtualScheduler;
  terminal: Terminal;
  card: VirtualClassicCard;
  reader: VirtualReader;
  reopen(): Terminal;
}

async function till(): Promise<Till> {
  const dir = mkdtempSync(join(tmpdir(), 'beep-'));
  const clock = new ManualClock(START);
  const scheduler = new VirtualScheduler(clock);
  const config = simTerminalConfig({ name: 'pos1', id: 101 }, join(dir, 'pos1'));
  const open = () => Terminal.open({ config, masterKeys, clock, log: silentLogger, scheduler });
  const card = await issueSimCard(
    { name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 3, balanceCents: BALANCE_CENTS },
    masterKeys,
    clock,
  );
  const t: Till = {
    dir,
    clock,
    scheduler,
    terminal: open(),
    card,
    reader: new VirtualReader(),
    reopen: () => {
      t.terminal = open();
      return t.terminal;
    },
  };
  return t;
}

function session(t: Till) {
  t.reader.remove();
  t.reader.place(t.card);
  return t.reader.open()!;
}

const fsyncsDone = (t: Till) => t.terminal.journal.fsyncs().done;

async function balanceOf(card: VirtualClassicCard): Promise<number> {
  const reader = new VirtualReader();
  reader.place(card);
  const read = await new CardApp(masterKeys).read(reader.open()!);
  if (!read.ok) assert.fail(read.problem);
  return read.card.purse.balance;
}

test('a sale costs one fsync before its result; its commit follows within the bound', async () => {
  const t = await till();
  try {
    for (const k of SALE_KEYS) t.terminal.pos.key(k);
    const before = fsyncsDone(t);
    const paid = await t.terminal.pos.tap(session(t));
    assert.deepEqual(paid.beeps, ['ok']);
    assert.equal(paid.screen.cashier.en, 'Paid 12.50');
    assert.equal(fsyncsDone(t) - before, 1, 'one fsync between the tap and the beep: the intent');
    assert.deepEqual(t.terminal.journal.fsyncs(), { done: before + 1, waiting: 1 }, 'the commit waits for its fsync');

    await t.scheduler.run(DEFERRED_SYNC_DELAY_MS - 1);
    assert.equal(t.terminal.journal.fsyncs().waiting, 1, 'not before the bound (nothing else committed)');
    await t.scheduler.run(1);
    assert.deepEqual(
      t.terminal.journal.fsyncs(),
      { done: before + 2, waiting: 0 },
      "fsync'd at the bound, after the result",
    );

    // A sale inside the window: its intent's fsync carries the commit before it, so no flush is needed.
    for (const k of SALE_KEYS) t.terminal.pos.key(k);
    let waitingAtCardWrite = -1;
    const second = await t.terminal.pos.tap(
      atFirstWrite(session(t), () => (waitingAtCardWrite = t.terminal.journal.fsyncs().waiting)),
    );
    assert.deepEqual(second.beeps, ['ok']);
    for (const k of SALE_KEYS) t.terminal.pos.key(k);
    const third = await t.terminal.pos.tap(
      atFirstWrite(session(t), () => (waitingAtCardWrite = t.terminal.journal.fsyncs().waiting)),
    );
    assert.deepEqual(third.beeps, ['ok']);
    assert.equal(waitingAtCardWrite, 0, "the third intent's fsync made the second commit durable too");
    assert.equal(fsyncsDone(t) - before, 4, 'three sales, one fsync each on the path, one flush after the first');
    assert.deepEqual(t.terminal.journal.totals('sales-day', DAY), { count: 3, amountCents: 3 * SALE_CENTS });
  } finally {
    t.terminal.close();
    rmSync(t.dir, { recursive: true, force: true });
  }
});

test('a cut write settled at the next tap, and sold again, still costs one fsync before the result', async () => {
  const t = await till();
  try {
    for (const k of SALE_KEYS) t.terminal.pos.key(k);
    t.card.armTear(NOT_LANDED_BYTES);
    const torn = await t.terminal.pos.tap(session(t));
    t.card.disarm();
    assert.equal(torn.screen.customer.en, 'Please tap again');
    const before = fsyncsDone(t);
    const retap = await t.terminal.pos.tap(session(t));
    assert.deepEqual(retap.beeps, ['ok']);
    assert.equal(retap.screen.cashier.en, 'Paid 12.50');
    assert.equal(fsyncsDone(t) - before, 1, 'the settle waits; the new intent is the one fsync');
    assert.deepEqual(
      [...scanJournal(t.terminal.journal)].map((r) => r.kind),
      [KIND.intent, KIND.uncertain, KIND.settle, KIND.intent, KIND.commit],
    );
    assert.equal(await balanceOf(t.card), BALANCE_CENTS - SALE_CENTS, 'charged once');
  } finally {
    t.terminal.close();
    rmSync(t.dir, { recursive: true, force: true });
  }
});

test("a power cut after the beep, before the commit's fsync: the next tap settles the sale, charged once", async () => {
  const t = await till();
  const dataDir = join(t.dir, 'pos1');
  try {
    for (const k of SALE_KEYS) t.terminal.pos.key(k);
    // The disk after the intent's fsync; the card write starts now.
    let cut = '';
    let fsyncsAtCut = -1;
    const tap = atFirstWrite(session(t), () => {
      cut = copyJournal(dataDir, t.dir);
      fsyncsAtCut = fsyncsDone(t);
    });
    const paid = await t.terminal.pos.tap(tap);
    assert.deepEqual(paid.beeps, ['ok'], 'the customer heard the sale go through');
    assert.equal(fsyncsDone(t), fsyncsAtCut, 'no fsync since the copy: at the beep the disk is sure of nothing more');
    assert.equal(await balanceOf(t.card), BALANCE_CENTS - SALE_CENTS);

    // The power goes now: what the disk holds is the copy.
    t.terminal.close();
    restoreJournal(cut, dataDir);
    const restarted = t.reopen();
    assert.equal(
      restarted.pos.screen.cashier.en,
      'Enter amount; sale 12.50 awaits card 1001',
      'the cashier is told a sale waits for its card',
    );
    assert.deepEqual(restarted.journal.totals('sales-day', DAY), { count: 0, amountCents: 0 }, 'not counted yet');

    const back = await restarted.pos.tap(session(t));
    assert.deepEqual(back.beeps, ['ok']);
    assert.equal(back.screen.cashier.en, 'Earlier sale 12.50 went through', 'the cashier is told');
    assert.equal(back.screen.customer.en, 'Earlier sale 12.50 went through, balance 187.50', 'and the holder');
    assert.equal(back.receipts.length, 1, 'the receipt of the sale that landed');
    assert.equal(await balanceOf(t.card), BALANCE_CENTS - SALE_CENTS, 'charged once, not written again');
    assert.deepEqual(restarted.journal.totals('sales-day', DAY), { count: 1, amountCents: SALE_CENTS }, 'counted once');
    assert.deepEqual(
      [...scanJournal(restarted.journal)].map((r) => r.kind),
      [KIND.intent, KIND.uncertain, KIND.settle],
    );
    assert.equal(restarted.pos.screen.cashier.en, back.screen.cashier.en);
  } finally {
    t.terminal.close();
    rmSync(t.dir, { recursive: true, force: true });
  }
});
