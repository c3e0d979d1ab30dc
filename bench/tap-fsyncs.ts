import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../firmware/core/clock.ts';
import { silentLogger } from '../firmware/core/log.ts';
import { deriveSimMasterKeys } from '../firmware/store/keys/keyfile.ts';
import { Terminal } from '../firmware/terminal/terminal.ts';
import { issueSimCard } from '../simulator/card/issue.ts';
import { VirtualReader } from '../simulator/card/virtual-reader.ts';
import { simTerminalConfig } from '../simulator/terminal/default-config.ts';
import { CHECKPOINT_EVERY_RECORDS } from '../firmware/store/journal/journal-sync.ts';

/**
 * The fsyncs between a sale's tap and its result, counted by the kernel and
 * not by the journal's own tally: the sales run in a child under
 * `strace -f -y -e trace=fsync,fdatasync,pwrite64,kill`, each tap between two
 * `kill(pid, 0)` markers (a syscall that does nothing), so every fsync and
 * fdatasync that SQLite or the journal issues lands between a pair or outside.
 * Enough sales to cross two checkpoints: the commit after one is where SQLite
 * starts the WAL over (a new header, fsync'd on its own). The -wal writes on the
 * path are counted too: bytes, and whether a tap wrote past the file's end (grew it).
 * Null when strace is missing or not allowed (ptrace) on this machine.
 */
export interface StracedFsyncs {
  sales: number;
  /** Fewest and most fsync/fdatasync calls between one sale's tap and its result. */
  onPath: { min: number; max: number };
  /** The same calls after the results: the deferred outcomes' flush and the checkpoints. */
  afterResults: number;
  /** Bytes written to the -wal before the fsync on the path: the intent's commit, frames and their headers. */
  intentWalBytes: { min: number; max: number };
  /** Taps that grew the -wal, before the first checkpoint (the file is new after open) and after it. */
  grewWal: { firstCycle: number; afterCheckpoint: number };
}

/** Two records a sale: two checkpoints and some. */
const SALES = CHECKPOINT_EVERY_RECORDS + 20;
const SELF = fileURLToPath(import.meta.url);
const START_MS = Date.parse('2026-11-23T11:30:00+08:00');
const mark = () => process.kill(process.pid, 0);

/** The child: SALES sales of 12.50, each tap between markers, the deferred records flushed after each result. */
async function salesBetweenMarkers(dir: string): Promise<void> {
  const clock = new ManualClock(START_MS);
  const masterKeys = deriveSimMasterKeys(1);
  const terminal = Terminal.open({
    ...{ config: simTerminalConfig({ name: 'fsyncs', id: 101 }, dir), masterKeys },
    ...{ clock, log: silentLogger },
  });
  const card = await issueSimCard(
    { name: 'f', uid: '04f0f0f0', number: 100_009, cardClass: 3, balanceCents: 1_000_000 },
    masterKeys,
    clock,
  );
  const reader = new VirtualReader();
  for (let i = 0; i < SALES; i++) {
    for (const k of ['1', '2', '.', '5', 'confirm']) terminal.pos.key(k);
    reader.place(card);
    const session = reader.open()!;
    mark();
    const result = await terminal.pos.tap(session);
    mark();
    if (result.beeps[0] !== 'ok') throw new Error(`fsync bench sale: ${result.screen.cashier.en}`);
    reader.remove();
    terminal.journal.flush(); // what the journal's timer does after the result
    clock.advance(60_000);
  }
  terminal.close();
}

export function benchTapFsyncs(): StracedFsyncs | null {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-tap-fsyncs-'));
  try {
    const trace = join(dir, 'strace.txt');
    const child = spawnSync(
      'strace',
      [
        '-f',
        '-y',
        '-e',
        'trace=fsync,fdatasync,pwrite64,kill',
        '-o',
        trace,
        process.execPath,
        '--import',
        'tsx',
        SELF,
        dir,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
    );
    if (child.error || child.status !== 0) return null;
    return tapsOf(readFileSync(trace, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `pwrite64(28</dir/journal.db-wal>, "…"..., 4096, 8296) = 4096`: the file, the length and the offset. */
const PWRITE = /^\d+\s+pwrite64\(\d+<([^>]+)>, .*, (\d+), (\d+)\)\s+= \d+/;

function tapsOf(strace: string): StracedFsyncs | null {
  const fsyncs: number[] = [];
  const walBytes: number[] = [];
  const grewWal = { firstCycle: 0, afterCheckpoint: 0 };
  let inTap = false;
  let count = 0;
  let bytes = 0;
  let grew = false;
  let afterResults = 0;
  let walEnd = 0;
  let checkpointed = false;
  for (const line of strace.split('\n')) {
    const write = PWRITE.exec(line);
    if (/\bkill\(\d+, 0\)/.test(line)) {
      if (inTap) {
        fsyncs.push(count);
        walBytes.push(bytes);
        if (grew) grewWal[checkpointed ? 'afterCheckpoint' : 'firstCycle']++;
      }
      inTap = !inTap;
      [count, bytes, grew] = [0, 0, false];
    } else if (/\bf(data)?sync\(/.test(line)) {
      if (inTap) count++;
      else if (fsyncs.length > 0) afterResults++;
    } else if (write?.[1].endsWith('journal.db-wal')) {
      const end = Number(write[3]) + Number(write[2]);
      if (inTap && count === 0) [bytes, grew] = [bytes + Number(write[2]), grew || end > walEnd];
      walEnd = Math.max(walEnd, end);
    } else if (write?.[1].endsWith('journal.db') && fsyncs.length > 0) checkpointed = true; // WAL pages copied
  }
  if (fsyncs.length !== SALES) return null;
  const range = (xs: number[]) => ({ min: Math.min(...xs), max: Math.max(...xs) });
  return { sales: SALES, onPath: range(fsyncs), afterResults, intentWalBytes: range(walBytes), grewWal };
}

if (process.argv[1] === SELF && process.argv[2]) await salesBetweenMarkers(process.argv[2]);
else if (process.argv[1] === SELF) console.log(JSON.stringify(benchTapFsyncs()));
