import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { WebSocket, WebSocketServer } from 'ws';
import { ManualClock, type Clock } from '../firmware/core/clock.ts';
import { silentLogger } from '../firmware/core/log.ts';
import { SeededRandom } from '../firmware/core/random.ts';
import { Blacklist } from '../firmware/store/lists/blacklist.ts';
import { PendingCredits } from '../firmware/store/credits.ts';
import { recordCrc } from '../firmware/store/journal/journal-codec.ts';
import { Journal } from '../firmware/store/journal/journal.ts';
import { SyncClient } from '../firmware/sync/client.ts';
import type { Link } from '../firmware/sync/link.ts';
import { systemScheduler } from '../firmware/sync/scheduler.ts';
import { SyncState } from '../firmware/sync/sync-state.ts';
import { dialWebSocket } from '../base/ws-link.ts';
import type { WireRecord } from '../protocol/index.ts';
import { BackendServer } from '../backend/server.ts';
import { realisticSales } from './protocol-sales.ts';

/**
 * Sync benchmarks (print nothing; return numbers):
 * - journal upload over a loopback WebSocket, the backend in the same
 *   process (so the figure is the sum of both sides' work on one core):
 *   records/s, bytes per sale on the wire, and the same records as JSON
 *   messages over the same kind of WebSocket in the same run as the baseline;
 * - lists: bench/sync-lists.ts (re-exported at the end of this file).
 */
const TERMINAL_ID = 1042;
const START_MS = Date.UTC(2026, 10, 23, 3, 30);
const wall: Clock = { nowMs: () => Date.now() };

/** Setup only: the records written straight into a journal file, as a day at a till would leave them (bench/journal.ts does the same). */
function journalWith(path: string, records: WireRecord[]): void {
  Journal.open({ path, clock: new ManualClock(START_MS), log: silentLogger }).close();
  const db = new Database(path);
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    'INSERT INTO journal (seq, kind, at_ms, card, ref, body, crc, acked) VALUES (?, ?, ?, ?, ?, ?, ?, 0)',
  );
  db.transaction(() => {
    for (const r of records) {
      const text = JSON.stringify(r.body);
      insert.run(r.seq, r.kind, r.atMs, r.card, r.ref, text, recordCrc(r.seq, r.kind, r.atMs, r.card, r.ref, text));
    }
    db.prepare('UPDATE journal_meta SET last_seq = ? WHERE id = 1').run(records.length);
  })();
  db.pragma('journal_mode = WAL');
  db.close();
}

export interface UploadBenchResult {
  records: number;
  recordsPerSec: number;
  /** Protocol bytes (frames) the terminal sent per sale (intent + commit), handshake included. */
  bytesPerSale: number;
  /** The same records as JSON text messages, one per batch of the same size. */
  jsonBytesPerSale: number;
  jsonRecordsPerSec: number;
  /** jsonBytesPerSale / bytesPerSale (goal ≥ 10). */
  bytesRatio: number;
}

interface BackendHandle {
  url: string;
  key: Uint8Array;
  stop(): Promise<void>;
}

async function inProcessBackend(dbPath: string): Promise<BackendHandle> {
  const server = await BackendServer.start({ dbPath, masterKey: new Uint8Array(32).fill(1) });
  return { url: server.url, key: server.backend.keyFor(TERMINAL_ID, 1) as Uint8Array, stop: () => server.stop() };
}

async function workerBackend(dbPath: string): Promise<BackendHandle> {
  // A worker does not inherit `--import tsx`: register tsx's loader in it, then load the TypeScript entry.
  const tsxApi = pathToFileURL(
    join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
  ).href;
  const entry = new URL('./sync-backend-worker.ts', import.meta.url).href;
  const boot = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(entry)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
    workerData: { dbPath, terminalId: TERMINAL_ID },
  });
  const first = await new Promise<{ url: string; key: Uint8Array }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    url: first.url,
    key: first.key,
    stop: async () => {
      worker.postMessage({ type: 'stop' });
      await new Promise((r) => worker.once('message', r));
      await worker.terminate();
    },
  };
}

/**
 * `backend: 'worker'` runs the backend in its own thread (another machine in
 * production); 'in-process' charges both sides to one core.
 *
 * The rate is the steady state: counted from the first ack at or past
 * `warmupRecords` (both threads' compilers have warmed up by then, as on a
 * terminal uploading a backlog) to the last ack; the JSON baseline is timed
 * the same way. Bytes count the whole upload, handshake included.
 */
export async function benchSyncUpload(opts: {
  dir: string;
  sales?: number;
  batchRecordsMax?: number;
  backend?: 'worker' | 'in-process';
  warmupRecords?: number;
}): Promise<UploadBenchResult> {
  const sales = opts.sales ?? 25_000;
  const warmup = opts.warmupRecords ?? 5_000;
  const dir = join(opts.dir, 'bench-sync-upload');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const records = realisticSales({ sales, terminalId: TERMINAL_ID, startMs: START_MS });
  journalWith(join(dir, 'journal.db'), records);
  const server = await (opts.backend === 'in-process' ? inProcessBackend : workerBackend)(join(dir, 'backend.db'));
  const journal = Journal.open({ path: join(dir, 'journal.db'), clock: wall, log: silentLogger });
  const blacklist = Blacklist.open({ path: ':memory:', log: silentLogger });
  const credits = PendingCredits.open({ path: ':memory:', log: silentLogger });
  const state = SyncState.open({ path: ':memory:', log: silentLogger });
  let sentBytes = 0;
  let client: SyncClient | null = null;
  try {
    let warm: { atMs: number; upto: number } | null = null;
    const done = new Promise<void>((resolve) => {
      client = new SyncClient({
        terminalId: TERMINAL_ID,
        keyId: 1,
        key: server.key,
        utcOffsetMinutes: 480,
        journal,
        blacklist,
        credits,
        state,
        dial: async () => {
          const link = await dialWebSocket(server.url);
          const send = link.send.bind(link);
          link.send = (b) => {
            sentBytes += b.length;
            return send(b);
          };
          return link as Link;
        },
        clock: wall,
        scheduler: systemScheduler,
        random: new SeededRandom(1),
        log: silentLogger,
        options: { upload: { batchRecordsMax: opts.batchRecordsMax ?? 1024 } },
        onEvent: (e) => {
          if (e.type !== 'acked') return;
          if (!warm && e.upto >= Math.min(warmup, records.length - 1)) warm = { atMs: performance.now(), upto: e.upto };
          if (e.upto === records.length) resolve();
        },
      });
      client.start();
    });
    await done;
    const w = warm as { atMs: number; upto: number } | null;
    if (!w) throw new Error('bug: the last ack came without the warm-up ack');
    const recordsPerSec = ((records.length - w.upto) / (performance.now() - w.atMs)) * 1000;
    const json = await jsonUpload(records, opts.batchRecordsMax ?? 1024, warmup);
    const bytesPerSale = sentBytes / sales;
    return {
      records: records.length,
      recordsPerSec,
      bytesPerSale,
      jsonBytesPerSale: json.bytes / sales,
      jsonRecordsPerSec: json.recordsPerSec,
      bytesRatio: json.bytes / sales / bytesPerSale,
    };
  } finally {
    (client as SyncClient | null)?.stop();
    journal.close();
    blacklist.close();
    credits.close();
    state.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Baseline: the records as JSON text over a WebSocket to a sink that parses each message and acks it. */
async function jsonUpload(
  records: WireRecord[],
  batch: number,
  warmup: number,
): Promise<{ bytes: number; recordsPerSec: number }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (s) =>
    s.on('message', (data) =>
      s.send(
        JSON.stringify({ ackUpto: (JSON.parse(data.toString()) as { records: WireRecord[] }).records.at(-1)?.seq }),
      ),
    ),
  );
  const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}/`, { perMessageDeflate: false });
  await new Promise<void>((r) => ws.once('open', () => r()));
  let bytes = 0;
  let warm: { atMs: number; upto: number } | null = null;
  await new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      const upto = (JSON.parse(data.toString()) as { ackUpto: number }).ackUpto;
      if (!warm && upto >= Math.min(warmup, records.length - 1)) warm = { atMs: performance.now(), upto };
      if (upto === records.length) resolve();
    });
    for (let i = 0; i < records.length; i += batch) {
      const text = JSON.stringify({
        type: 'journalBatch',
        terminalId: TERMINAL_ID,
        records: records.slice(i, i + batch),
      });
      bytes += Buffer.byteLength(text);
      ws.send(text);
    }
  });
  const w = warm as { atMs: number; upto: number } | null;
  if (!w) throw new Error('bug: the last JSON ack came without the warm-up ack');
  const recordsPerSec = ((records.length - w.upto) / (performance.now() - w.atMs)) * 1000;
  ws.close();
  await new Promise<void>((r) => wss.close(() => r()));
  return { bytes, recordsPerSec };
}

/** The lists bench lives in its own file (staged snapshot, slices); re-exported for run.ts. */
export { benchSyncLists, type ListBenchResult } from './sync-lists.ts';
