import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../firmware/core/log.ts';
import { SeededRandom } from '../firmware/core/random.ts';
import { Blacklist } from '../firmware/store/lists/blacklist.ts';
import { PendingCredits } from '../firmware/store/credits.ts';
import { ListPump } from '../firmware/sync/list-pump.ts';
import { ListApplier } from '../firmware/sync/lists.ts';
import { systemScheduler } from '../firmware/sync/scheduler.ts';
import { SyncState } from '../firmware/sync/sync-state.ts';
import {
  deltaChunks,
  encodeMessage,
  frameBytes,
  ListDigest,
  snapshotChunks,
  type ListAck,
  type ListDelta,
  type ListSnapshot,
} from '../protocol/index.ts';

/**
 * Versioned lists on a terminal (PROTOCOL.md §6.4), through the same
 * ListApplier + ListPump the sync client runs, on real timers:
 * - a 1,000,000-entry blacklist snapshot: bytes per entry on the wire, the
 *   time from its first chunk to its LIST_ACK (staged chunk by chunk, then
 *   switched in), and the longest single synchronous slice — the longest a
 *   tap queued on the event loop could wait behind it (goal ≤ ~50 ms);
 * - a 10,000-entry delta on top of it, applied and digest-checked in one
 *   transaction (goal ≤ 200 ms), which is also its one slice.
 */
export interface ListBenchResult {
  snapshotEntries: number;
  /** Frame bytes per entry of the whole snapshot. */
  snapshotBytesPerEntry: number;
  snapshotChunks: number;
  /** First chunk received → staged durably → switched in → LIST_ACK ready (event-loop turns between slices included). */
  snapshotApplyMs: number;
  /** Longest single receive/step while applying the snapshot: how long a tap could wait behind it. */
  snapshotSliceMaxMs: number;
  /** The switch step (checks, DROP + RENAME in one transaction). */
  switchMs: number;
  /** What one transaction of a 1M snapshot held the loop for, as measured in the same run (the old way). */
  oneTransactionMs: number;
  deltaEntries: number;
  deltaApplyMs: number;
  deltaSliceMaxMs: number;
}

const frameOf = (m: ListSnapshot | ListDelta) => frameBytes(encodeMessage(m).payload.length, true);

/** Feeds chunks to a pump on real timers; resolves with the ack and the longest step. */
async function applyThroughPump(
  applier: ListApplier,
  chunks: (ListSnapshot | ListDelta)[],
): Promise<{ ack: ListAck; ms: number; sliceMaxMs: number; lastStepMs: number }> {
  let sliceMaxMs = 0;
  let lastStepMs = 0;
  const step = applier.step.bind(applier);
  applier.step = () => {
    const t = performance.now();
    const ack = step();
    lastStepMs = performance.now() - t;
    sliceMaxMs = Math.max(sliceMaxMs, lastStepMs);
    return ack;
  };
  const started = performance.now();
  // systemScheduler's timers are unref'd (they must not keep a CLI alive): hold the process open meanwhile.
  const keepAlive = setInterval(() => {}, 1_000);
  const ack = await new Promise<ListAck>((resolve) => {
    const pump = new ListPump(applier, systemScheduler, resolve);
    for (const c of chunks) {
      const t = performance.now();
      pump.receive(c);
      sliceMaxMs = Math.max(sliceMaxMs, performance.now() - t);
    }
  });
  const ms = performance.now() - started;
  clearInterval(keepAlive);
  applier.step = step;
  if (ack.status !== 'applied') throw new Error(`list refused: ${ack.status} ${ack.problem ?? ''}`);
  return { ack, ms, sliceMaxMs, lastStepMs };
}

export async function benchSyncLists(opts: {
  dir: string;
  entries?: number;
  deltaEntries?: number;
}): Promise<ListBenchResult> {
  const n = opts.entries ?? 1_000_000;
  const dn = opts.deltaEntries ?? 10_000;
  const dir = join(opts.dir, 'bench-sync-lists');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Lost cards of an 8-digit numbering: a million out of 3 million issued (realistic density, gaps ~3).
  const r = new SeededRandom(7);
  const set = new Set<number>();
  while (set.size < n + dn / 2) set.add(20_000_000 + r.int(3_000_000));
  const all = [...set];
  const base = all.slice(0, n).sort((a, b) => a - b);
  // Half new losses, half cards found again: the list stays at its million.
  const added = all.slice(n, n + dn / 2).sort((a, b) => a - b);
  const removed = base.filter((_, i) => i % Math.floor(n / (dn / 2)) === 0).slice(0, dn / 2);
  const blacklist = Blacklist.open({ path: join(dir, 'lists.db'), log: silentLogger });
  const baseline = Blacklist.open({ path: join(dir, 'baseline.db'), log: silentLogger });
  const state = SyncState.open({ path: ':memory:', log: silentLogger });
  const credits = PendingCredits.open({ path: ':memory:', log: silentLogger });
  try {
    const applier = new ListApplier({ blacklist, credits, versions: state }, silentLogger);
    const chunks = snapshotChunks({ list: 'blacklist', entries: base }, 1);
    const bytes = chunks.reduce((s, m) => s + frameOf(m), 0);
    const snap = await applyThroughPump(applier, chunks);
    const gone = new Set(removed);
    const digest = ListDigest.of('blacklist', [...base.filter((c) => !gone.has(c)), ...added]).bytes();
    const delta = await applyThroughPump(
      applier,
      deltaChunks({ list: 'blacklist', add: added, remove: removed }, 1, 2, digest),
    );
    if (blacklist.version() !== 2 || blacklist.size() !== n)
      throw new Error(`bench: list at ${blacklist.version()} with ${blacklist.size()} entries`);
    // Baseline: the whole snapshot staged in one transaction, as a single slice (replaceAll).
    const t = performance.now();
    baseline.replaceAll(1, base);
    const oneTransactionMs = performance.now() - t;
    return {
      snapshotEntries: n,
      snapshotBytesPerEntry: bytes / n,
      snapshotChunks: chunks.length,
      snapshotApplyMs: snap.ms,
      snapshotSliceMaxMs: snap.sliceMaxMs,
      switchMs: snap.lastStepMs,
      oneTransactionMs,
      deltaEntries: dn,
      deltaApplyMs: delta.ms,
      deltaSliceMaxMs: delta.sliceMaxMs,
    };
  } finally {
    blacklist.close();
    baseline.close();
    state.close();
    credits.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
