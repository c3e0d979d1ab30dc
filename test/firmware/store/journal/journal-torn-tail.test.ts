/**
 * "Truncate the journal file at every byte of its last record and restart."
 *
 * The journal's bytes live in SQLite's WAL until a checkpoint, so the last
 * record is the WAL frames its commit appended. We take the files as a power
 * cut would leave them (the connection still open: closing would checkpoint
 * and delete the WAL), cut the WAL at every byte of those frames, and open
 * the journal on each copy. Recovery must keep every earlier record, and the
 * last one must be all there or not there at all.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../firmware/core/clock.ts';
import { silentLogger } from '../../../../firmware/core/log.ts';
import { Journal } from '../../../../firmware/store/journal/journal.ts';

/** The store itself, with made-up kinds: any kind, any JSON object body. */
type AnyBodies = Record<string, Record<string, unknown>>;

// Thousands of open/append/close cycles: on tmpfs, where fsync is free, the
// test runs several times faster. The bytes under test are the same on any disk.
const SHM = '/dev/shm';
const root = mkdtempSync(join(existsSync(SHM) ? SHM : tmpdir(), 'onecard-torn-'));
after(() => rmSync(root, { recursive: true, force: true }));

const PAGE_BYTES = 512;
const WAL_HEADER_BYTES = 32;
const FRAME_BYTES = 24 + PAGE_BYTES;
const N = 12;
const START_MS = Date.UTC(2026, 10, 23, 8);
const body = (i: number) => ({ amountCents: 100 + i, balanceCents: 50_000 - i, note: `sale ${i}` });
const totalsOf = (i: number) => [{ scope: 'day', key: 'D', count: 1, amountCents: 100 + i }];
const expectedCents = (upTo: number) => Array.from({ length: upTo }, (_, k) => 100 + k + 1).reduce((a, b) => a + b, 0);

interface Snapshot {
  db: Buffer;
  walBefore: Buffer;
  walAfter: Buffer;
}

/** Appends records 1..N with the connection left open; captures the files before and after record N. */
function capture(name: string, checkpointMode?: 'TRUNCATE' | 'RESTART'): Snapshot {
  const dir = join(root, name);
  mkdirSync(dir);
  const path = join(dir, 'journal.db');
  const clock = new ManualClock(START_MS);
  const journal = Journal.open<AnyBodies>({ path, clock, log: silentLogger, pageSizeBytes: PAGE_BYTES });
  for (let i = 1; i < N; i++) {
    clock.advance(1000);
    journal.append('sale', body(i), { card: 500 + i, totals: totalsOf(i) });
  }
  if (checkpointMode) {
    // As SQLite's own autocheckpoint would: records 1..N-1 move into the main file.
    journal.checkpoint(checkpointMode);
  }
  const db = readFileSync(path);
  const walBefore = readFileSync(`${path}-wal`);
  clock.advance(1000);
  journal.append('sale', body(N), { card: 500 + N, totals: totalsOf(N) });
  // The append went to the WAL only: the main file must be unchanged, or the copy below would be wrong.
  assert.deepEqual(readFileSync(path), db);
  const snapshot = { db, walBefore, walAfter: readFileSync(`${path}-wal`) };
  journal.close();
  return snapshot;
}

/** Opens the journal on (db, wal) in a fresh directory and checks what recovery left. */
function recoverAndCheck(dir: string, db: Buffer, wal: Buffer, expectLast: boolean, reopen: boolean): void {
  // close() below checkpointed and removed the -wal and -shm files: overwriting
  // the main file and writing a new WAL gives a fresh power-cut image.
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'journal.db');
  writeFileSync(path, db);
  writeFileSync(`${path}-wal`, wal);
  assert.equal(existsSync(`${path}-shm`), false);
  const clock = new ManualClock(START_MS + 100_000);
  let journal = Journal.open<AnyBodies>({ path, clock, log: silentLogger });
  const lastSeq = expectLast ? N : N - 1;
  const label = `wal bytes ${wal.length}`;
  assert.equal(journal.lastSeq(), lastSeq, label);
  const records = journal.after(0, 100);
  assert.deepEqual(
    records.map((r) => r.seq),
    Array.from({ length: lastSeq }, (_, k) => k + 1),
    label,
  );
  for (const r of records) {
    assert.deepEqual(r.body, body(r.seq), label);
    assert.equal(r.card, 500 + r.seq, label);
    assert.equal(r.corrupt, undefined, label);
  }
  assert.equal(journal.stats().corrupt, 0, label);
  // Totals commit with their record: they must match exactly the records that survived.
  assert.deepEqual(journal.totals('day', 'D'), { count: lastSeq, amountCents: expectedCents(lastSeq) }, label);
  assert.equal(journal.append('sale', { amountCents: 1 }).seq, lastSeq + 1, label);
  if (reopen) {
    journal.close();
    journal = Journal.open<AnyBodies>({ path, clock, log: silentLogger });
    assert.equal(journal.get(lastSeq + 1)?.body.amountCents, 1, label);
  }
  journal.close();
}

/** End of the frames of the newest WAL generation (those carrying the header's salts), i.e. of the last commit. */
function endOfCurrentFrames(wal: Buffer): number {
  const salt = wal.subarray(16, 24);
  let end = WAL_HEADER_BYTES;
  while (end + FRAME_BYTES <= wal.length && wal.subarray(end + 8, end + 16).equals(salt)) end += FRAME_BYTES;
  return end;
}

test('torn tail: WAL cut at every byte of the last record', () => {
  const s = capture('plain');
  const s0 = s.walBefore.length;
  const s1 = s.walAfter.length;
  assert.ok(s1 - s0 >= FRAME_BYTES, `the last record's frames: ${s0}..${s1}`);
  assert.deepEqual(s.walAfter.subarray(0, s0), s.walBefore, 'WAL grew by appending only');
  const dir = join(root, 'plain-cut');
  for (let t = s0; t <= s1; t++)
    recoverAndCheck(dir, s.db, s.walAfter.subarray(0, t), t === s1, t % 97 === 0 || t === s1);
});

test('torn tail after a checkpoint: WAL truncated to empty, then cut at every byte of the new record', () => {
  const s = capture('checkpointed', 'TRUNCATE');
  assert.equal(s.walBefore.length, 0);
  const s1 = s.walAfter.length;
  const dir = join(root, 'checkpointed-cut');
  for (let t = 0; t <= s1; t++)
    recoverAndCheck(dir, s.db, s.walAfter.subarray(0, t), t === s1, t % 97 === 0 || t === s1);
});

test('torn write after a checkpoint: the restarted WAL overwrites old frames, torn at sampled bytes', () => {
  // After RESTART the WAL keeps its size and the next commit rewrites it from
  // the start with new salts: a power cut mid-write leaves new bytes up to t
  // and the old generation's frames after it, which recovery must not replay.
  const s = capture('restarted', 'RESTART');
  const end = endOfCurrentFrames(s.walAfter);
  assert.ok(
    end > WAL_HEADER_BYTES && end < s.walBefore.length,
    `new generation ends at ${end}, old WAL is ${s.walBefore.length}`,
  );
  const dir = join(root, 'restarted-cut');
  // Sampled to keep the file under ~10 s: every byte of the WAL header and of
  // each frame header (salts, commit size, checksums), every 7th byte of page
  // data, whose tearing the frame checksum catches the same way at any byte.
  const offsets = [];
  for (let t = 0; t <= end; t++) {
    const inFrame = (t - WAL_HEADER_BYTES) % FRAME_BYTES;
    if (t < WAL_HEADER_BYTES || inFrame < 24 || inFrame % 7 === 0 || t === end) offsets.push(t);
  }
  for (const t of offsets) {
    const torn = Buffer.concat([s.walAfter.subarray(0, t), s.walBefore.subarray(t)]);
    recoverAndCheck(dir, s.db, torn, t === end, t % 97 === 0 || t === end);
  }
});
