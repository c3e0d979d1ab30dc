import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STAGE_SLICE_ENTRIES } from '../../../firmware/sync/lists.ts';
import { ListDigest, snapshotChunks } from '../../../protocol/index.ts';
import { blDelta, drain, openStores } from './list-helpers.ts';

/**
 * PROTOCOL.md §6.4 step 1: a large snapshot is staged durably chunk by chunk,
 * invisible to taps, resumed with LIST_PULL after a dropped link or a
 * restart, and switched in atomically: a power cut at any point leaves the
 * old list or the new one. Power cuts are simulated by closing every store
 * and opening them again (a new ListApplier: its memory is gone).
 */
const root = mkdtempSync(join(tmpdir(), 'onecard-staging-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => mkdtempSync(join(root, `t${n++}-`));

const OLD = [1, 2, 3];
const NEW = Array.from({ length: 60_000 }, (_, i) => 5_000_000 + i * 3);
// Small frames (4 KiB) so 60,000 cards make many chunks, each staged in several slices.
const CHUNKS = snapshotChunks({ list: 'blacklist', entries: NEW }, 9, 4096);

function withOldList(dir: string) {
  const s = openStores(dir);
  s.blacklist.replaceAll(8, OLD);
  return s;
}

const oldVisible = (s: ReturnType<typeof openStores>) =>
  assert.deepEqual(
    [s.blacklist.version(), s.blacklist.has(2), s.blacklist.has(NEW[0]), s.blacklist.size()],
    [8, true, false, 3],
  );
const newVisible = (s: ReturnType<typeof openStores>) => {
  assert.deepEqual(
    [
      s.blacklist.version(),
      s.blacklist.has(2),
      s.blacklist.has(NEW[0]),
      s.blacklist.has(NEW.at(-1) as number),
      s.blacklist.size(),
    ],
    [9, false, true, true, NEW.length],
  );
  assert.deepEqual(s.blacklist.digest(), ListDigest.of('blacklist', NEW).bytes());
  assert.equal(s.blacklist.countEntries(), NEW.length);
};

test('chunks are staged in bounded slices, invisible to taps until the switch', () => {
  const s = openStores(null);
  s.blacklist.replaceAll(8, OLD);
  assert.ok(CHUNKS.length >= 12);
  const big = snapshotChunks({ list: 'blacklist', entries: NEW }, 9, 64 * 1024)[0];
  assert.ok(big.entries.length > 2 * STAGE_SLICE_ENTRIES, 'one large chunk');
  s.applier.receive({
    ...big,
    chunkCount: 1,
    totalEntries: big.entries.length,
    digest: ListDigest.of('blacklist', big.entries).bytes(),
  });
  let steps = 0;
  while (s.applier.busy && s.blacklist.version() === 8) {
    s.applier.step();
    steps++;
    if (s.applier.busy && s.blacklist.version() === 8) oldVisible(s); // a tap between two slices
  }
  assert.equal(steps, Math.ceil(big.entries.length / STAGE_SLICE_ENTRIES) + 1, 'one step per slice, then the switch');
  assert.equal(s.blacklist.version(), 9);
  s.close();
});

test('a dropped link: the chunks held are kept, LIST_PULL resumes at the first missing one', () => {
  const dir = freshDir();
  const s = withOldList(dir);
  assert.deepEqual(s.applier.resumePulls(), [], 'nothing staged, nothing to resume');
  // Chunks 0..6 and 9 arrive, then the link drops (the client's reset() keeps the stage).
  for (const c of [...CHUNKS.slice(0, 7), CHUNKS[9]]) s.applier.receive(c);
  assert.deepEqual(drain(s.applier), []);
  s.applier.reset();
  oldVisible(s);
  assert.deepEqual(s.applier.resumePulls(), [
    { type: 'listPull', list: 'blacklist', haveVersion: 8, resumeVersion: 9, resumeChunk: 7 },
  ]);
  // The backend resends from chunk 7 (chunk 9 comes again: held, skipped).
  for (const c of CHUNKS.slice(7)) s.applier.receive(c);
  assert.deepEqual(drain(s.applier), [{ type: 'listAck', list: 'blacklist', version: 9, status: 'applied' }]);
  newVisible(s);
  assert.deepEqual(s.applier.resumePulls(), [], 'the stage is gone with the switch');
  s.close();
});

test('a terminal restart mid-snapshot, twice: the stage survives each, LIST_PULL resumes where it stopped', () => {
  const dir = freshDir();
  let s = withOldList(dir);
  for (const c of CHUNKS.slice(0, 5)) s.applier.receive(c);
  drain(s.applier);
  s.close();
  s = openStores(dir);
  oldVisible(s);
  assert.deepEqual(s.applier.resumePulls(), [
    { type: 'listPull', list: 'blacklist', haveVersion: 8, resumeVersion: 9, resumeChunk: 5 },
  ]);
  s.applier.receive(CHUNKS[5]);
  s.applier.step(); // chunk 5 staged in one slice
  for (const c of CHUNKS.slice(6)) s.applier.receive(c);
  s.applier.step(); // one more slice, then power off again
  s.close();
  s = openStores(dir);
  assert.deepEqual(s.applier.resumePulls(), [
    { type: 'listPull', list: 'blacklist', haveVersion: 8, resumeVersion: 9, resumeChunk: 7 },
  ]);
  for (const c of CHUNKS.slice(7)) s.applier.receive(c);
  assert.equal(drain(s.applier).at(-1)?.status, 'applied');
  newVisible(s);
  s.close();
});

test('a chunk half staged when the power went is staged again without counting twice', () => {
  const dir = freshDir();
  let s = withOldList(dir);
  const chunks = snapshotChunks({ list: 'blacklist', entries: NEW }, 9, 64 * 1024);
  assert.ok(chunks[0].entries.length > STAGE_SLICE_ENTRIES);
  s.applier.receive(chunks[0]);
  s.applier.step(); // the first slice of chunk 0 only
  assert.equal(s.blacklist.stage.staged()?.size, STAGE_SLICE_ENTRIES);
  s.close();
  s = openStores(dir);
  assert.equal(s.applier.resumePulls()[0].resumeChunk, 0, 'chunk 0 is not held until its last slice');
  for (const c of chunks) s.applier.receive(c);
  assert.equal(drain(s.applier).at(-1)?.status, 'applied', 'the digest checks: rows staged twice counted once');
  newVisible(s);
  s.close();
});

test('a power cut between the last chunk and the switch leaves the old list; the restart switches', () => {
  const dir = freshDir();
  let s = withOldList(dir);
  for (const c of CHUNKS) s.applier.receive(c);
  while (s.blacklist.stage.staged()?.complete !== true) s.applier.step();
  s.close(); // before the switch step ran
  s = openStores(dir);
  oldVisible(s);
  assert.deepEqual(s.applier.resumePulls(), [], 'nothing to ask for: the whole snapshot is staged');
  assert.deepEqual(drain(s.applier), [{ type: 'listAck', list: 'blacklist', version: 9, status: 'applied' }]);
  newVisible(s);
  s.close();
  s = openStores(dir); // a power cut after the switch
  newVisible(s);
  assert.equal(s.blacklist.stage.staged(), null);
  s.close();
});

test('another snapshot version replaces a stale stage; a delta past the staged version discards it', () => {
  const s = openStores(null);
  s.blacklist.replaceAll(8, OLD);
  for (const c of CHUNKS.slice(0, 3)) s.applier.receive(c);
  drain(s.applier);
  const v10 = snapshotChunks({ list: 'blacklist', entries: [7, 8] }, 10);
  s.applier.receive(v10[0]);
  assert.equal(drain(s.applier).at(-1)?.status, 'applied');
  assert.deepEqual([s.blacklist.version(), s.blacklist.size()], [10, 2]);
  for (const c of CHUNKS.slice(0, 3)) s.applier.receive({ ...c, version: 11 });
  drain(s.applier);
  assert.equal(s.blacklist.stage.staged()?.version, 11);
  for (const c of blDelta(10, 12, [9], [], [7, 8, 9])) s.applier.receive(c);
  assert.equal(drain(s.applier)[0].status, 'applied');
  assert.equal(s.blacklist.stage.staged(), null, 'version 11 is behind the list now');
  s.close();
});
