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

/**
 * The fsyncs between a sale's tap and its result, counted by the kernel and
 * not by the journal's own tally: the sales run in a child under
 * `strace -f -e trace=fsync,fdatasync,kill`, each tap between two
 * `kill(pid, 0)` markers (a syscall that does nothing), so every fsync and
 * fdatasync that SQLite or the journal issues lands between a pair or outside.
 * Null when strace is missing or not allowed (ptrace) on this machine.
 */
export interface StracedFsyncs {
  sales: number;
  /** Fewest and most fsync/fdatasync calls between one sale's tap and its result. */
  onPath: { min: number; max: number };
  /** The same calls after the results: the deferred outcomes' flush and the checkpoints. */
  afterResults: number;
}

const SALES = 20;
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
      ['-f', '-e', 'trace=fsync,fdatasync,kill', '-o', trace, process.execPath, '--import', 'tsx', SELF, dir],
      { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
    );
    if (child.error || child.status !== 0) return null;
    const perSale: number[] = [];
    let inTap = false;
    let count = 0;
    let afterResults = 0;
    for (const line of readFileSync(trace, 'utf8').split('\n')) {
      if (/\bkill\(\d+, 0\)/.test(line)) {
        if (inTap) perSale.push(count);
        inTap = !inTap;
        count = 0;
      } else if (/\bf(data)?sync\(/.test(line)) {
        if (inTap) count++;
        else if (perSale.length > 0) afterResults++;
      }
    }
    if (perSale.length !== SALES) return null;
    return { sales: SALES, onPath: { min: Math.min(...perSale), max: Math.max(...perSale) }, afterResults };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === SELF && process.argv[2]) await salesBetweenMarkers(process.argv[2]);
else if (process.argv[1] === SELF) console.log(JSON.stringify(benchTapFsyncs()));
