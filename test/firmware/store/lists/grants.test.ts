import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../../firmware/core/log.ts';
import { cardMinute, Grants, type Grant } from '../../../../firmware/store/lists/grants.ts';
import { ListDigest } from '../../../../protocol/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'onecard-grants-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A meeting on 2026-11-23 from 14:00 to 15:30 UTC+8, as card-epoch minutes (UTC).
const FROM = cardMinute(Date.parse('2026-11-23T14:00:00+08:00'));
const UNTIL = FROM + 90;
const meeting: Grant = { cardNumber: 1001, doors: 0b101, validFromMinute: FROM, validUntilMinute: UNTIL };

test('cardMinute counts minutes since 2000-01-01T00:00Z', () => {
  assert.equal(cardMinute(Date.UTC(2000, 0, 1)), 0);
  assert.equal(cardMinute(Date.UTC(2000, 0, 1, 1, 0, 59) + 999), 60, 'whole minutes, rounded down');
  assert.equal(cardMinute(Date.UTC(2000, 0, 2)), 1_440);
});

test('grantFor answers by time: from inclusive, until exclusive; opens() by door bit', () => {
  const g = Grants.open({ path: ':memory:', log: silentLogger });
  g.applyDelta(0, 1, [meeting], []);
  assert.equal(g.grantFor(1001, FROM - 1), null, 'a minute early');
  assert.deepEqual(g.grantFor(1001, FROM), meeting);
  assert.deepEqual(g.grantFor(1001, UNTIL - 1), meeting);
  assert.equal(g.grantFor(1001, UNTIL), null, 'until is exclusive');
  assert.equal(g.grantFor(1002, FROM), null, 'no grant');
  assert.deepEqual(
    [0, 1, 2, 31].map((door) => g.opens(1001, door, FROM + 10)),
    [true, false, true, false],
  );
  assert.throws(() => g.opens(1001, 32, FROM), /door must be 0\.\.31/);
  g.close();
});

test('one grant per card: an add replaces, the digest follows, and everything persists', () => {
  const path = join(dir, 'grants.db');
  let g = Grants.open({ path, log: silentLogger });
  const other: Grant = { cardNumber: 2002, doors: 1, validFromMinute: FROM, validUntilMinute: UNTIL };
  g.applyDelta(0, 1, [meeting, other], [], ListDigest.of('grants', [meeting, other]).bytes());
  const moved = { ...meeting, doors: 0b10, validUntilMinute: UNTIL + 60 };
  g.applyDelta(1, 2, [moved], [2002], ListDigest.of('grants', [moved]).bytes());
  assert.deepEqual([g.version(), g.size()], [2, 1]);
  assert.deepEqual(g.grantFor(1001, UNTIL + 30), moved);
  assert.equal(g.grantFor(2002, FROM), null);
  g.close();
  g = Grants.open({ path, log: silentLogger });
  assert.deepEqual([g.version(), g.size(), g.grantFor(1001, FROM)?.doors], [2, 1, 0b10]);
  assert.deepEqual(g.digest(), ListDigest.of('grants', [moved]).bytes());
  g.close();
});

test('a grants delta whose digest differs rolls back; a malformed grant writes nothing', () => {
  const g = Grants.open({ path: ':memory:', log: silentLogger });
  g.applyDelta(0, 1, [meeting], []);
  const wrong = ListDigest.of('grants', [{ ...meeting, doors: 0b111 }]).bytes();
  assert.throws(
    () => g.applyDelta(1, 2, [{ ...meeting, doors: 0b11 }], [], wrong),
    (e: Error & { status?: string }) => e.status === 'digest-mismatch',
  );
  assert.deepEqual([g.version(), g.grantFor(1001, FROM)?.doors], [1, 0b101]);
  assert.throws(() => g.applyDelta(1, 2, [{ ...meeting, validUntilMinute: FROM - 1 }], []), /until ≥ from/);
  assert.equal(g.version(), 1);
  g.close();
});
