import { closeSync, fdatasyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CardApp } from '../firmware/card/app.ts';
import { ManualClock } from '../firmware/core/clock.ts';
import { silentLogger } from '../firmware/core/log.ts';
import { deriveSimMasterKeys } from '../firmware/store/keys/keyfile.ts';
import { Terminal } from '../firmware/terminal/terminal.ts';
import { issueSimCard } from '../simulator/card/issue.ts';
import { VirtualReader } from '../simulator/card/virtual-reader.ts';
import { simTerminalConfig } from '../simulator/terminal/default-config.ts';
import { CHECKPOINT_EVERY_RECORDS } from '../firmware/store/journal/journal-sync.ts';
import { buildLargeJournal } from './journal.ts';
import { type GcSummary, nowMs, pausesWithin, recordGcPauses } from './gc-pauses.ts';

/**
 * Tap → decision on a simulated card: read and verify the card, settle any
 * open write, look up the blacklist and the card's last counter in the
 * journal, run the policy. Measured on a terminal holding a 1,000,000-entry
 * blacklist and a 1,000,000-record journal, beside the same taps on an empty
 * terminal in the same run. Also tap → beep of a sale (card write and its
 * journal records) on the large terminal, with the fsyncs on that path counted:
 * today's path (the intent fsync'd, the commit after the result) beside the one
 * before it (both fsync'd before the result, `everyRecordSynced`), in alternating rounds.
 * The sales are timed in the state a running terminal is in: its -wal at its working size, each
 * intent overwriting frames of it. Closing the journal deletes the -wal (SQLite does, and its
 * PERSIST_WAL is not reachable from better-sqlite3), so after each reopen the first checkpoint
 * cycle's sales grow the file: timed apart, as the fresh figure.
 */
export interface TapBenchResult {
  decisionP50Ms: number;
  decisionP99Ms: number;
  emptyDecisionP50Ms: number;
  emptyDecisionP99Ms: number;
  saleP50Ms: number;
  saleP99Ms: number;
  /** Fewest and most fsyncs between a sale's tap and its result. */
  saleFsyncsOnPath: { min: number; max: number };
  /** The same sales with every record fsync'd before the next step (the path before deferred outcomes). */
  baselineSaleP50Ms: number;
  baselineSaleP99Ms: number;
  baselineFsyncsOnPath: { min: number; max: number };
  /** The intent's durable append alone (SQLite's commit with its fsync), timed inside each sale. */
  intentAppendP50Ms: number;
  intentAppendP99Ms: number;
  /** The same in the first checkpoint cycle after the journal opened: each commit grows the -wal. */
  freshIntentAppendP50Ms: number;
  freshIntentAppendP99Ms: number;
  /** Each sale's tap→beep less its intent append: what the terminal's own code costs. */
  saleWithoutIntentP50Ms: number;
  saleWithoutIntentP99Ms: number;
  /** GC pauses that began inside a timed sale's tap→beep (today's path): the tail's usual cause. */
  saleGc: GcSummary;
  /** Every GC pause while the sale rounds ran (both paths, warm-up sales, keys and flushes between taps). */
  roundsGc: GcSummary & { sales: number };
  /** The floor on this disk, same run, same directory: a WAL frame's write + fdatasync, appended to a file. */
  rawFsyncP50Ms: number;
  rawFsyncP99Ms: number;
  /** The same write over space the file already has (what an intent does in a -wal at its working size). */
  rawOverwriteFsyncP50Ms: number;
  rawOverwriteFsyncP99Ms: number;
  journalRecords: number;
  blacklistEntries: number;
  setupMs: number;
}

const START_MS = Date.parse('2026-11-23T11:30:00+08:00');
/** A card number the large journal has 200 records for: its history lookup is not free. */
const CARD = 100_007;

function percentile(sortedMs: number[], p: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))];
}

/**
 * Sales per round, and rounds of each path, alternated so drift (other load, disk cache) hits both alike.
 * 1,000 timed sales a path: the p99 is the 10th highest, not the 3rd (a GC pause hits ~1 sale in 70).
 */
const SALES_PER_ROUND = 200;
const SALE_ROUNDS = 5;
/** Sales after each reopen before the timed ones: the first checkpoint (2 records a sale), the -wal at its size. */
const WARM_SALES = CHECKPOINT_EVERY_RECORDS / 2 + 10;

async function terminalWith(dir: string, journalRecords: number, blacklistEntries: number) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (journalRecords > 0) await buildLargeJournal(join(dir, 'journal.db'), journalRecords);
  const clock = new ManualClock(START_MS);
  const masterKeys = deriveSimMasterKeys(1);
  const config = simTerminalConfig({ name: 'bench', id: 101 }, dir);
  const terminal = Terminal.open({ config, masterKeys, clock, log: silentLogger });
  if (blacklistEntries > 0)
    terminal.blacklist.replaceAll(
      1,
      (function* () {
        for (let i = 0; i < blacklistEntries; i++) yield (Math.imul(i + 1, 0x9e3779b1) | 1) >>> 0; // odd numbers: CARD (even) is not listed
      })(),
    );
  const card = await issueSimCard(
    { name: 'b', uid: '04b0b0b0', number: CARD, cardClass: 3, balanceCents: 100_000_000 },
    masterKeys,
    clock,
  );
  const t = { terminal, card, cards: new CardApp(masterKeys), clock };
  /** Closes and opens the terminal again: with the baseline's every-record fsync, or without. */
  const reopen = (everyRecordSynced: boolean) => {
    t.terminal.close();
    t.terminal = Terminal.open({ config, masterKeys, clock, log: silentLogger, everyRecordSynced });
  };
  return Object.assign(t, { reopen });
}

async function decisions(t: Awaited<ReturnType<typeof terminalWith>>, taps: number): Promise<number[]> {
  const reader = new VirtualReader();
  const out: number[] = [];
  for (let i = 0; i < taps; i++) {
    reader.place(t.card);
    const session = reader.open()!;
    const start = process.hrtime.bigint();
    const read = await t.cards.read(session);
    if (!read.ok) throw new Error(`bench card unreadable: ${read.problem}`);
    t.terminal.tx.settleOpen(read.card);
    const d = t.terminal.pos.decideFor(read.card, { kind: 'sale', amountCents: 1_250, lines: [] }, false);
    out.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (d.kind !== 'approve') throw new Error(`bench decision was ${d.kind}`);
    reader.remove();
  }
  return out.sort((a, b) => a - b);
}

interface SaleTimes {
  ms: number[];
  fsyncsOnPath: number[];
  /** Time inside journal.append (FULL: the fsync'd records, the intent on a sale) during each sale. */
  durableAppendMs: number[];
  /** Each sale's tap→beep as [start, end] in performance.now() ms, to find the GC pauses inside. */
  windows: [number, number][];
  /** Sales run, timed or not. */
  count: number;
}

const newTimes = (): SaleTimes => ({ ms: [], fsyncsOnPath: [], durableAppendMs: [], windows: [], count: 0 });

/** Times every durable append of the terminal's journal into `spent[0]` (the bench's probe, not the firmware's). */
function timeDurableAppends(t: { terminal: Terminal }, spent: number[]): void {
  const journal = t.terminal.journal;
  const append = journal.append;
  journal.append = function timed(this: typeof journal, ...args) {
    const start = process.hrtime.bigint();
    try {
      return append.apply(this, args);
    } finally {
      spent[0] += Number(process.hrtime.bigint() - start) / 1e6;
    }
  } as typeof append;
}

/**
 * One WAL frame's write + fdatasync on the same disk: what one durable record costs at least.
 * Appended (the file grows: the fdatasync also journals its size), or over a file already written.
 */
const WAL_WORKING_FRAMES = 1_000;

function rawFsyncs(dir: string, count: number, overwrite: boolean): number[] {
  const record = Buffer.alloc(4096 + 24, 0x5a); // one WAL frame: a page and its header
  const path = join(dir, overwrite ? 'raw-overwrite.bin' : 'raw-fsync.bin');
  const fd = openSync(path, overwrite ? 'w' : 'a');
  const out: number[] = [];
  try {
    if (overwrite) {
      // A -wal's working size (journal-sync.ts: ~1,000 frames between checkpoints), written before.
      for (let i = 0; i < Math.max(count, WAL_WORKING_FRAMES); i++) writeSync(fd, record);
      fdatasyncSync(fd);
    }
    for (let i = 0; i < count; i++) {
      const start = process.hrtime.bigint();
      if (overwrite) writeSync(fd, record, 0, record.length, i * record.length);
      else writeSync(fd, record);
      fdatasyncSync(fd);
      out.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  } finally {
    closeSync(fd);
  }
  return out.sort((a, b) => a - b);
}

async function sales(t: Awaited<ReturnType<typeof terminalWith>>, taps: number, into: SaleTimes): Promise<void> {
  const reader = new VirtualReader();
  const durable = [0];
  timeDurableAppends(t, durable);
  for (let i = 0; i < taps; i++) {
    for (const k of ['1', '2', '.', '5', 'confirm']) t.terminal.pos.key(k);
    reader.place(t.card);
    const session = reader.open()!;
    const fsyncsBefore = t.terminal.journal.fsyncs().done;
    durable[0] = 0;
    const windowStart = nowMs();
    const start = process.hrtime.bigint();
    const result = await t.terminal.pos.tap(session);
    into.ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    into.windows.push([windowStart, nowMs()]);
    into.count++;
    into.durableAppendMs.push(durable[0]);
    into.fsyncsOnPath.push(t.terminal.journal.fsyncs().done - fsyncsBefore);
    if (result.beeps[0] !== 'ok') throw new Error(`bench sale: ${result.screen.cashier.en}`);
    reader.remove();
    // What the journal's timer does DEFERRED_SYNC_DELAY_MS after the result, off the path (this loop never idles).
    t.terminal.journal.flush();
    t.clock.advance(60_000); // a customer a minute (class 3 has no daily limit)
  }
}

const range = (xs: number[]) => ({ min: Math.min(...xs), max: Math.max(...xs) });

export async function benchTap(opts: {
  dir: string;
  journalRecords?: number;
  blacklistEntries?: number;
  taps?: number;
}): Promise<TapBenchResult> {
  const journalRecords = opts.journalRecords ?? 1_000_000;
  const blacklistEntries = opts.blacklistEntries ?? 1_000_000;
  const taps = opts.taps ?? 2_000;
  const setupStart = process.hrtime.bigint();
  const large = await terminalWith(join(opts.dir, 'tap-large'), journalRecords, blacklistEntries);
  const empty = await terminalWith(join(opts.dir, 'tap-empty'), 0, 0);
  const setupMs = Number(process.hrtime.bigint() - setupStart) / 1e6;
  try {
    await decisions(large, 100); // warm-up: JIT and page cache
    await decisions(empty, 100);
    const big = await decisions(large, taps);
    const small = await decisions(empty, taps);
    const now = newTimes();
    const before = newTimes();
    const fresh = newTimes();
    const raw: number[] = [];
    const rawOverwrite: number[] = [];
    const warm = newTimes();
    const gc = recordGcPauses();
    const roundsStart = nowMs();
    for (let round = 0; round < SALE_ROUNDS; round++) {
      for (const baseline of round % 2 === 0 ? [false, true] : [true, false]) {
        large.reopen(baseline);
        await sales(large, WARM_SALES, baseline ? warm : fresh);
        await sales(large, SALES_PER_ROUND, baseline ? before : now);
      }
      raw.push(...rawFsyncs(join(opts.dir, 'tap-large'), SALES_PER_ROUND, false));
      rawOverwrite.push(...rawFsyncs(join(opts.dir, 'tap-large'), SALES_PER_ROUND, true));
    }
    const roundsEnd = nowMs();
    const pauses = await gc.stop();
    const salesRun = [now, before, fresh, warm].reduce((n, x) => n + x.count, 0);
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const sale = sorted(now.ms);
    const baseSale = sorted(before.ms);
    const intent = sorted(now.durableAppendMs);
    const withoutIntent = sorted(now.ms.map((ms, i) => ms - now.durableAppendMs[i]));
    const rawSorted = sorted(raw);
    const rawOverwriteSorted = sorted(rawOverwrite);
    const freshIntent = sorted(fresh.durableAppendMs);
    return {
      decisionP50Ms: percentile(big, 50),
      decisionP99Ms: percentile(big, 99),
      emptyDecisionP50Ms: percentile(small, 50),
      emptyDecisionP99Ms: percentile(small, 99),
      saleP50Ms: percentile(sale, 50),
      saleP99Ms: percentile(sale, 99),
      saleFsyncsOnPath: range(now.fsyncsOnPath),
      baselineSaleP50Ms: percentile(baseSale, 50),
      baselineSaleP99Ms: percentile(baseSale, 99),
      baselineFsyncsOnPath: range(before.fsyncsOnPath),
      intentAppendP50Ms: percentile(intent, 50),
      intentAppendP99Ms: percentile(intent, 99),
      freshIntentAppendP50Ms: percentile(freshIntent, 50),
      freshIntentAppendP99Ms: percentile(freshIntent, 99),
      saleWithoutIntentP50Ms: percentile(withoutIntent, 50),
      saleWithoutIntentP99Ms: percentile(withoutIntent, 99),
      saleGc: pausesWithin(pauses, now.windows),
      roundsGc: { ...pausesWithin(pauses, [[roundsStart, roundsEnd]]), sales: salesRun },
      rawFsyncP50Ms: percentile(rawSorted, 50),
      rawFsyncP99Ms: percentile(rawSorted, 99),
      rawOverwriteFsyncP50Ms: percentile(rawOverwriteSorted, 50),
      rawOverwriteFsyncP99Ms: percentile(rawOverwriteSorted, 99),
      journalRecords,
      blacklistEntries,
      setupMs,
    };
  } finally {
    large.terminal.close();
    empty.terminal.close();
  }
}
