import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../base/log.ts';
import { startTerminal } from '../app/run/service.ts';
import { readConfigFile } from '../app/config/config-file.ts';
import { ManualClock } from '../firmware/core/clock.ts';
import { deriveSimMasterKeys } from '../firmware/store/keys/keyfile.ts';
import { systemScheduler } from '../firmware/sync/scheduler.ts';
import { Terminal } from '../firmware/terminal/terminal.ts';
import { issueSimCard } from '../simulator/card/issue.ts';
import { VirtualReader } from '../simulator/card/virtual-reader.ts';
import { buildLargeJournal } from './journal.ts';

/**
 * Start-to-ready of `onecard run` on a terminal holding a 1,000,000-entry
 * blacklist and a 1,000,000-record journal, beside an empty terminal in the
 * same run: (a) the process as systemd starts it, spawn → `terminal.ready`
 * (stores opened and recovered, reader polled, status socket up), with its
 * RSS then, once compiled (`npm run build`, here into the bench's own
 * directory) and once through tsx, beside bare node started the same way;
 * (b) in-process, startTerminal → the first tap's result, which leaves out
 * node's start and the module loading; (c) `onecard --version`, the floor of
 * node + the launcher (+ tsx's loader).
 */
const EXAMPLE = fileURLToPath(new URL('../examples/terminal-sim.json', import.meta.url));
const START_MS = Date.parse('2026-11-23T11:30:00+08:00');

/** Each spawn figure is the median of this many runs: one run on a shared 2-core machine moves ±30 %. */
const SPAWN_RUNS = 3;
const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** What `npm run build` compiles (tsconfig.build.json), linked into the bench's copy so the launcher checks them. */
const SOURCE_DIRS = ['app', 'backend', 'base', 'drivers', 'firmware', 'protocol', 'simulator'];

export interface ReadyFigures {
  readyMs: number;
  rssMb: number;
}
export interface StartFigures {
  compiled: ReadyFigures;
  tsx: ReadyFigures;
  firstTapMs: number;
}
export interface StartBenchResult {
  large: StartFigures;
  empty: StartFigures;
  /** `node -e` printing the ready line: the floor any node program pays. */
  nodeEmpty: ReadyFigures;
  versionMs: { compiled: number; tsx: number };
  buildMs: number;
  setupMs: number;
}

function configIn(dir: string): string {
  const cfg = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { storage: { dataDir: string } };
  cfg.storage.dataDir = join(dir, 'data');
  const path = join(dir, 'terminal.json');
  writeFileSync(path, JSON.stringify(cfg));
  return path;
}

/** A launcher and the compiled tree beside the sources, as an installed device has them after `npm run build`. */
function buildInto(dir: string): { launcher: string; ms: number } {
  const t0 = performance.now();
  mkdirSync(join(dir, 'bin'), { recursive: true });
  execFileSync(process.execPath, [
    join(ROOT, 'node_modules/typescript/bin/tsc'),
    ...['-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')],
  ]);
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'dist/package.json'));
  const ms = performance.now() - t0;
  copyFileSync(join(ROOT, 'bin/onecard.js'), join(dir, 'bin/onecard.js'));
  for (const d of [...SOURCE_DIRS, 'node_modules']) symlinkSync(join(ROOT, d), join(dir, d));
  return { launcher: join(dir, 'bin/onecard.js'), ms };
}

const TSX_ENV = { ...process.env, ONECARD_TSX: '1' };
const READY_LINE = '"event":"terminal.ready"';
/** Bare node, started the way the service is, printing the same line the service prints when ready. */
const NODE_EMPTY = ['-e', `console.log('{${READY_LINE}}'); setInterval(() => {}, 1000);`];

/** Spawns the program, waits for `terminal.ready`, reads its RSS, stops it with SIGTERM. */
function spawnToReady(args: string[], env = process.env): Promise<ReadyFigures> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let done = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (done || !out.includes(READY_LINE)) return;
      done = true;
      const readyMs = performance.now() - t0;
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      child.kill('SIGTERM');
      child.on('close', () => resolve({ readyMs, rssMb: rssKb / 1024 }));
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (!done) reject(new Error(`${args.join(' ')} exited ${code} before ready`));
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function medianToReady(args: string[], env = process.env): Promise<ReadyFigures> {
  const runs: ReadyFigures[] = [];
  for (let i = 0; i < SPAWN_RUNS; i++) runs.push(await spawnToReady(args, env));
  return { readyMs: median(runs.map((r) => r.readyMs)), rssMb: median(runs.map((r) => r.rssMb)) };
}

function timeProcess(args: string[], env = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: 'ignore', env });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - t0));
  });
}

async function firstTap(config: string): Promise<number> {
  const read = readConfigFile(config);
  if (!read.ok) throw new Error(read.message);
  const clock = { nowMs: () => Date.now() };
  const t0 = performance.now();
  const started = await startTerminal(read.config, {
    ...{ clock, scheduler: systemScheduler, log: silentLogger },
    nowUs: () => Math.round(performance.now() * 1000),
  });
  if (!started.ok) throw new Error(started.message);
  const keys = deriveSimMasterKeys(1);
  const card = await issueSimCard(
    { name: 'b', uid: '04b0b0b1', number: 100_008, cardClass: 1, balanceCents: 10_000 },
    keys,
    new ManualClock(START_MS),
  );
  const reader = new VirtualReader();
  reader.place(card);
  await started.value.terminal.pos.tap(reader.open()!);
  const ms = performance.now() - t0;
  await started.value.stop();
  return ms;
}

/** The bench's large terminal: 1 M journal records and 1 M blacklisted numbers, made once. */
async function fill(dataDir: string, journalRecords: number, blacklistEntries: number): Promise<void> {
  await buildLargeJournal(join(dataDir, 'journal.db'), journalRecords);
  const read = readConfigFile(join(dataDir, '..', 'terminal.json'));
  if (!read.ok) throw new Error(read.message);
  const terminal = Terminal.open({
    ...{ config: read.config, masterKeys: deriveSimMasterKeys(1), log: silentLogger },
    clock: new ManualClock(START_MS),
  });
  terminal.blacklist.replaceAll(
    1,
    (function* () {
      for (let i = 0; i < blacklistEntries; i++) yield (Math.imul(i + 1, 0x9e3779b1) | 1) >>> 0;
    })(),
  );
  terminal.close();
}

export async function benchStart(opts: { dir: string; journalRecords?: number; blacklistEntries?: number }) {
  const largeDir = join(opts.dir, 'start-large');
  const emptyDir = join(opts.dir, 'start-empty');
  for (const d of [largeDir, emptyDir]) rmSync(d, { recursive: true, force: true });
  mkdirSync(join(largeDir, 'data'), { recursive: true });
  mkdirSync(emptyDir, { recursive: true });
  const largeConfig = configIn(largeDir);
  const emptyConfig = configIn(emptyDir);
  const t0 = performance.now();
  await fill(join(largeDir, 'data'), opts.journalRecords ?? 1_000_000, opts.blacklistEntries ?? 1_000_000);
  const setupMs = performance.now() - t0;
  const build = buildInto(join(opts.dir, 'start-build'));
  const run = (config: string) => [build.launcher, 'run', '--config', config];
  const figures = async (config: string): Promise<StartFigures> => ({
    compiled: await medianToReady(run(config)),
    tsx: await medianToReady(run(config), TSX_ENV),
    firstTapMs: await firstTap(config),
  });
  // The first startTerminal in this process loads the peripherals' modules: not the terminal's cost, so not timed.
  const warmDir = join(opts.dir, 'start-warm');
  rmSync(warmDir, { recursive: true, force: true });
  mkdirSync(warmDir, { recursive: true });
  await firstTap(configIn(warmDir));
  const result: StartBenchResult = {
    large: await figures(largeConfig),
    empty: await figures(emptyConfig),
    nodeEmpty: await medianToReady(NODE_EMPTY),
    versionMs: {
      compiled: await timeProcess([build.launcher, '--version']),
      tsx: await timeProcess([build.launcher, '--version'], TSX_ENV),
    },
    buildMs: build.ms,
    setupMs,
  };
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'onecard-bench-start-'));
  try {
    console.log(JSON.stringify(await benchStart({ dir }), null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
