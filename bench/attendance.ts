import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../firmware/core/clock.ts';
import { silentLogger } from '../firmware/core/log.ts';
import type { PunchBody } from '../firmware/attendance/punch.ts';
import { PUNCH_KIND, PunchStore } from '../firmware/attendance/punch-store.ts';
import { Journal } from '../firmware/store/journal/journal.ts';
import { CHECKPOINT_EVERY_RECORDS } from '../firmware/store/journal/journal-sync.ts';
import { percentile } from './blacklist.ts';
import { buildLargeJournal, perSec, timeNs } from './journal.ts';

/**
 * The punch store (the journal) holding a punch clock's worth of punches
 * offline, none of them uploaded yet: its size per punch, how long a restart
 * takes to open it (recovery checks every unacknowledged record), the
 * durable append rate at that size beside a raw write+fsync of the same
 * bytes in the same run, and the duplicate-window lookup. The journal's flush
 * runs after each punch (the timer's work: a checkpoint when one is due), after
 * an untimed warm-up past the first checkpoint.
 */
export interface AttendanceBenchResult {
  punches: number;
  bytesPerPunch: number;
  openMs: number;
  appendsPerSec: number;
  rawFsyncAppendsPerSec: number;
  lastPunchP99Us: number;
}

/** 1,000 staff × 4 punches a day × 75 days offline. */
export const OFFLINE_PUNCHES = 300_000;
const APPENDS = 1_000;
/** One record a punch: past the first checkpoint. */
const WARMUP_PUNCHES = CHECKPOINT_EVERY_RECORDS + 20;
const ROUNDS = 4;
const STAFF = 1_000;
const START_MS = Date.UTC(2026, 11, 7, 0);

const punchAt = (seq: number): PunchBody => ({
  cardNumber: 200_000 + (seq % STAFF),
  type: (['in', 'break', 'in', 'out'] as const)[seq % 4]!,
  via: 'reader',
  uidOnly: false,
  day: 9_837 + Math.floor(seq / (STAFF * 4)),
});

export async function benchAttendance(opts: {
  dir: string;
  punches?: number;
  /** Durable appends timed (default 1,000); a smoke test takes fewer. */
  appends?: number;
}): Promise<AttendanceBenchResult> {
  const punches = opts.punches ?? OFFLINE_PUNCHES;
  const appends = opts.appends ?? APPENDS;
  const dir = join(opts.dir, 'bench-attendance');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'journal.db');
  const { fileBytes } = await buildLargeJournal(path, punches, punches, (seq) => {
    const body = punchAt(seq);
    return { kind: PUNCH_KIND, card: body.cardNumber, body: { ...body }, amountCents: 0 };
  });
  const clock = new ManualClock(START_MS + punches * 1000);
  const openStart = process.hrtime.bigint();
  const journal = Journal.open({ path, clock, log: silentLogger });
  const openMs = Number(process.hrtime.bigint() - openStart) / 1e6;
  const store = new PunchStore(journal);
  const line = `${JSON.stringify({ seq: 1, kind: PUNCH_KIND, atMs: START_MS, card: 200_000, body: punchAt(1) })}\n`;
  const rawFd = openSync(join(dir, 'raw.jsonl'), 'a');
  try {
    let seq = punches;
    const punch = () => {
      clock.advance(1);
      store.append(punchAt(++seq));
      journal.flush(); // the timer's work, which this loop never idles for: a checkpoint when due
    };
    // Untimed: past the first checkpoint, the -wal at its working size as on a clock that has run a while.
    for (let i = 0; i < WARMUP_PUNCHES; i++) punch();
    let storeNs = 0n;
    let rawNs = 0n;
    const perRound = Math.ceil(appends / ROUNDS);
    for (let done = 0; done < appends; done += perRound) {
      storeNs += timeNs(() => {
        for (let i = 0; i < perRound; i++) punch();
      });
      rawNs += timeNs(() => {
        for (let i = 0; i < perRound; i++) {
          writeSync(rawFd, line);
          fsyncSync(rawFd);
        }
      });
    }
    const lookups = new Float64Array(2_000);
    for (let i = 0; i < lookups.length; i++) {
      const card = 200_000 + ((i * 7919) % STAFF);
      lookups[i] = Number(timeNs(() => void store.lastPunch(card)));
    }
    if (journal.stats().unacked !== seq)
      throw new Error(`attendance bench: ${journal.stats().unacked} unacked, expected ${seq}`);
    return {
      punches,
      bytesPerPunch: fileBytes / punches,
      openMs,
      appendsPerSec: perSec(perRound * ROUNDS, storeNs),
      rawFsyncAppendsPerSec: perSec(perRound * ROUNDS, rawNs),
      lastPunchP99Us: percentile(lookups, 0.99) / 1000,
    };
  } finally {
    closeSync(rawFd);
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
