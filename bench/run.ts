import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchBlacklist } from './blacklist.ts';
import { benchJournal } from './journal.ts';
import { benchTap } from './tap.ts';

/**
 * `npm run bench`: every figure beside a baseline measured in the same run,
 * and the goal it is held to. Benchmarks report; they never fail the build.
 */
const dir = mkdtempSync(join(tmpdir(), 'onecard-bench-'));
const f = (n: number, digits = 3) => n.toFixed(digits);
const line = (name: string, value: string, baseline: string, goal: string) => console.log(`${name.padEnd(44)} ${value.padEnd(16)} ${baseline.padEnd(34)} ${goal}`);

try {
  console.log(`onecard bench — ${new Date().toISOString()} — node ${process.version}\n`);
  line('figure', 'value', 'baseline (same run)', 'goal');
  line('-'.repeat(44), '-'.repeat(16), '-'.repeat(34), '-'.repeat(16));

  const tap = await benchTap({ dir });
  line('tap→decision p50 (1M blacklist, 1M journal)', `${f(tap.decisionP50Ms)} ms`, `${f(tap.emptyDecisionP50Ms)} ms empty terminal`, '');
  line('tap→decision p99 (1M blacklist, 1M journal)', `${f(tap.decisionP99Ms)} ms`, `${f(tap.emptyDecisionP99Ms)} ms empty terminal`, 'p99 ≤ 2 ms');
  line('tap→committed sale p50 / p99 (2 fsyncs)', `${f(tap.saleP50Ms, 2)} / ${f(tap.saleP99Ms, 2)} ms`, '', '(sim card, no RF time)');

  const journal = await benchJournal({ dir });
  line('durable journal appends/s', `${Math.round(journal.durableAppendsPerSec)}/s`, `${Math.round(journal.rawFsyncAppendsPerSec)}/s raw write+fsync`, `ratio ${f(journal.ratio, 2)} (≥ 0.80)`);

  const bl = await benchBlacklist({ dir });
  line('blacklist has() p50 / p99, 1M entries', `${f(bl.hasP50Us, 1)} / ${f(bl.hasP99Us, 1)} µs`, `${f(bl.setHasP50Us, 1)} µs in-heap Set`, `build ${Math.round(bl.buildMs)} ms, ${(bl.fileBytes / 1e6).toFixed(1)} MB`);

  console.log(`\nsetup (building the 1M journal and blacklist) took ${Math.round(tap.setupMs)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
