import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../firmware/core/log.ts';
import { Blacklist, BLACKLIST_MAX_ENTRIES } from '../firmware/store/lists/blacklist.ts';

/**
 * A full-size blacklist (1,000,000 cards, docs/architecture.md "Limits") built from a snapshot,
 * then looked up the way taps do: one card at a time, half of them listed.
 * Baseline in the same run: the same lookups in an in-heap Set, the fastest
 * (and most memory-hungry) alternative.
 */
export interface BlacklistBenchResult {
  entries: number;
  buildMs: number;
  fileBytes: number;
  hasP50Us: number;
  hasP99Us: number;
  setHasP50Us: number;
  /** SQLite p50 / Set p50. */
  ratioToSet: number;
}

const DEFAULT_LOOKUPS = 20_000;

/** Deterministic spread of card numbers over the 32-bit space (a multiplicative hash). */
export function cardAt(i: number): number {
  return Math.imul(i + 1, 0x9e3779b1) >>> 0;
}

export async function benchBlacklist(opts: {
  dir: string;
  entries?: number;
  lookups?: number;
}): Promise<BlacklistBenchResult> {
  const entries = opts.entries ?? BLACKLIST_MAX_ENTRIES;
  const lookups = opts.lookups ?? DEFAULT_LOOKUPS;
  const dir = join(opts.dir, 'bench-blacklist');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'blacklist.db');
  const list = Blacklist.open({ path, log: silentLogger });
  let closed = false;
  try {
    const cards = (function* () {
      for (let i = 0; i < entries; i++) yield cardAt(i);
    })();
    const startNs = process.hrtime.bigint();
    list.replaceAll(1, cards);
    const buildMs = Number(process.hrtime.bigint() - startNs) / 1e6;

    // Half listed, half not (odd indexes beyond the list are fresh numbers).
    const probes = Array.from({ length: lookups }, (_, i) =>
      i % 2 === 0 ? cardAt((i * 7919) % entries) : cardAt(entries + i),
    );
    const set = new Set<number>();
    for (let i = 0; i < entries; i++) set.add(cardAt(i));
    const sqliteNs = sampleNs(probes, (c) => list.has(c));
    const setNs = sampleNs(probes, (c) => set.has(c));
    const hasP50Us = percentile(sqliteNs, 0.5) / 1000;
    const setHasP50Us = percentile(setNs, 0.5) / 1000;
    // Closing checkpoints the WAL into the main file, so its size is the list's.
    list.close();
    closed = true;
    return {
      entries,
      buildMs,
      fileBytes: statSync(path).size,
      hasP50Us,
      hasP99Us: percentile(sqliteNs, 0.99) / 1000,
      setHasP50Us,
      ratioToSet: hasP50Us / setHasP50Us,
    };
  } finally {
    if (!closed) list.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Times each call alone (a tap is one lookup, not a batch); checks the answers so nothing is optimised away. */
function sampleNs(probes: number[], has: (card: number) => boolean): Float64Array {
  const out = new Float64Array(probes.length);
  let hits = 0;
  for (let i = 0; i < probes.length; i++) {
    const start = process.hrtime.bigint();
    if (has(probes[i])) hits++;
    out[i] = Number(process.hrtime.bigint() - start);
  }
  const expected = Math.ceil(probes.length / 2);
  if (hits !== expected) throw new Error(`blacklist bench: ${hits} hits, expected ${expected}`);
  return out;
}

export function percentile(samples: Float64Array, q: number): number {
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
