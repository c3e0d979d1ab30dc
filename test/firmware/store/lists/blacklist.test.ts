import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../../firmware/core/log.ts';
import { Blacklist } from '../../../../firmware/store/lists/blacklist.ts';

const dir = mkdtempSync(join(tmpdir(), 'onecard-blacklist-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const openFresh = () => Blacklist.open({ path: join(dir, `b${n++}.db`), log: silentLogger });

test('a new list is empty at version 0', () => {
  const list = openFresh();
  assert.equal(list.version(), 0);
  assert.equal(list.size(), 0);
  assert.equal(list.has(0), false);
  list.close();
});

test('deltas add and remove cards, and persist', () => {
  const path = join(dir, 'persist.db');
  let list = Blacklist.open({ path, log: silentLogger });
  list.applyDelta(0, 1, [10, 20, 30, 2 ** 32 - 1], []);
  assert.deepEqual(
    [10, 20, 30, 2 ** 32 - 1, 11].map((c) => list.has(c)),
    [true, true, true, true, false],
  );
  list.applyDelta(1, 3, [40, 10], [20, 99]); // 10 already listed, 99 never was: both fine
  assert.deepEqual(
    [10, 20, 30, 40].map((c) => list.has(c)),
    [true, false, true, true],
  );
  assert.equal(list.size(), 4);
  assert.equal(list.countEntries(), 4);
  assert.equal(list.version(), 3);
  list.close();
  list = Blacklist.open({ path, log: silentLogger });
  assert.equal(list.version(), 3);
  assert.equal(list.has(40), true);
  list.close();
});

test('a delta that does not apply changes nothing', () => {
  const list = openFresh();
  list.applyDelta(0, 5, [1, 2, 3], []);
  const unchanged = () => {
    assert.equal(list.version(), 5);
    assert.equal(list.size(), 3);
    assert.deepEqual(
      [1, 2, 3, 4, 7].map((c) => list.has(c)),
      [true, true, true, false, false],
    );
  };
  assert.throws(() => list.applyDelta(4, 6, [4], [1]), /delta 4→6 does not apply: list is at version 5/);
  unchanged();
  assert.throws(() => list.applyDelta(5, 5, [4], []), /does not move forward/);
  assert.throws(() => list.applyDelta(5, 6, [4], [4]), /both adds and removes card 4/);
  assert.throws(() => list.applyDelta(5, 6, [4, -1], []), /card number must be an integer in 0\.\.4294967295, got -1/);
  assert.throws(() => list.applyDelta(5, 6, [7, 2 ** 32], []), /card number must be an integer/);
  assert.throws(() => list.applyDelta(5, 6, [1.5], []), /card number must be an integer/);
  unchanged();
  assert.throws(() => list.has(-3), /card number/);
  list.close();
});

test('replaceAll swaps the whole list atomically; a bad snapshot changes nothing', () => {
  const list = openFresh();
  list.applyDelta(0, 1, [5, 6], []);
  list.replaceAll(9, [8, 7, 7, 100]);
  assert.equal(list.version(), 9);
  assert.equal(list.size(), 3, 'duplicates count once');
  assert.deepEqual(
    [5, 6, 7, 8, 100].map((c) => list.has(c)),
    [false, false, true, true, true],
  );
  assert.throws(() => list.replaceAll(10, [1, 2, NaN]), /card number must be an integer/);
  assert.equal(list.version(), 9);
  assert.equal(list.size(), 3);
  assert.equal(list.has(7), true);
  list.close();
});

test('100k-entry snapshot, then lookups of members and non-members', () => {
  const list = openFresh();
  const count = 100_000;
  // An odd multiplier is a bijection on 32-bit numbers: i < count never collides with i >= count.
  const card = (i: number) => Math.imul(i + 1, 0x9e3779b1) >>> 0;
  list.replaceAll(
    1,
    (function* () {
      for (let i = 0; i < count; i++) yield card(i);
    })(),
  );
  assert.equal(list.size(), count);
  assert.equal(list.countEntries(), count);
  for (let i = 0; i < count; i += 97) assert.equal(list.has(card(i)), true, `member ${i}`);
  for (let i = count; i < count + 1000; i++) assert.equal(list.has(card(i)), false, `non-member ${i}`);
  list.applyDelta(1, 2, [card(count)], [card(0)]);
  assert.equal(list.has(card(0)), false);
  assert.equal(list.has(card(count)), true);
  assert.equal(list.size(), count);
  list.close();
});

test('a list file of schema 1 (no digest, no stage) is upgraded in place: digest computed once, version kept', async () => {
  const { openSqlite } = await import('../../../../base/sqlite-open.ts');
  const { ListDigest } = await import('../../../../protocol/index.ts');
  const path = join(dir, 'v1.db');
  const { db } = openSqlite({ path });
  db.exec(`CREATE TABLE blacklist (card INTEGER PRIMARY KEY NOT NULL) WITHOUT ROWID;
CREATE TABLE blacklist_meta (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, size INTEGER NOT NULL);
INSERT INTO blacklist_meta (id, version, size) VALUES (1, 7, 3);
INSERT INTO blacklist (card) VALUES (11), (22), (33);
PRAGMA user_version = 1;`);
  db.close();
  const list = Blacklist.open({ path, log: silentLogger });
  assert.deepEqual([list.version(), list.size(), list.has(22)], [7, 3, true]);
  assert.deepEqual(list.digest(), ListDigest.of('blacklist', [11, 22, 33]).bytes());
  list.applyDelta(7, 8, [44], [11], ListDigest.of('blacklist', [22, 33, 44]).bytes());
  assert.equal(list.stage.staged(), null);
  list.close();
});
