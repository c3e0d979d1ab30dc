import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CARD_NUMBERS_FILE, openCardNumbers, seedCardNumbers, type CardNumbers } from '../../app/desk/card-numbers.ts';
import { SeededRandom } from '../../firmware/core/random.ts';
import { DESK_ID_MAX, deskRange } from '../../protocol/desk-range.ts';

/** The card numbers desks give out (docs/cards.md, "Card numbers"): never one number twice, across desks and crashes. */

/** The desk's numbers; a new data dir first told by the backend that it knows no card of this range. */
function opened(dir: string, id: number): CardNumbers {
  const first = openCardNumbers(dir, id);
  const o = first.ok && first.unknown ? seedCardNumbers(dir, id, null) : first;
  assert.ok(o.ok, o.ok ? '' : o.message);
  return o.numbers;
}

function inTemp(run: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'onecard-numbers-'));
  try {
    run(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('two desks of one tenant issuing alternately, restarting mid-issue now and then, never give one number twice', () =>
  inTemp((root) => {
    const random = new SeededRandom(5);
    const desks = [100, 101].map((id) => {
      const dir = join(root, String(id));
      mkdirSync(dir);
      return { id, dir, numbers: opened(dir, id) };
    });
    const given: { desk: number; n: number }[] = [];
    for (let i = 0; i < 400; i++) {
      const d = desks[i % 2];
      const n = d.numbers.next();
      assert.ok(n !== null);
      // The card arrived: the number is spent (on disk) before the card is written.
      d.numbers.used(n);
      given.push({ desk: d.id, n });
      // A crash right after (the card half written, or not at all): the desk starts again from its file.
      if (random.int(4) === 0) d.numbers = opened(d.dir, d.id);
    }
    assert.equal(new Set(given.map((g) => g.n)).size, given.length, 'no number twice');
    for (const d of desks) {
      const r = deskRange(d.id);
      assert.ok(r.ok);
      const mine = given.filter((g) => g.desk === d.id).map((g) => g.n);
      assert.ok(
        mine.every((n) => n >= r.range.first && n <= r.range.last),
        `desk ${d.id} inside its range`,
      );
      assert.equal(statSync(join(d.dir, CARD_NUMBERS_FILE)).mode & 0o777, 0o600);
    }
  }));

test('a desk restarting mid-issue does not reuse the number the cut issue took', () =>
  inTemp((dir) => {
    const before = opened(dir, 100);
    const n = before.next();
    assert.equal(n, 10_000_001);
    before.used(n); // the card is on the reader; the process dies before the card is written
    const after = opened(dir, 100);
    assert.equal(after.next(), 10_000_002);
  }));

test('desk ranges: every desk id its own, all inside a u32, and a bad id or file refused with the reason', () =>
  inTemp((dir) => {
    const ranges = [1, 2, 100, 101, DESK_ID_MAX].map((id) => deskRange(id));
    for (const [i, r] of ranges.entries()) {
      assert.ok(r.ok);
      assert.ok(r.range.last <= 0xffff_ffff);
      if (i > 0 && ranges[i - 1].ok)
        assert.ok(r.range.first > (ranges[i - 1] as { range: { last: number } }).range.last);
    }
    for (const id of [0, DESK_ID_MAX + 1, 0xff_ffff]) {
      const r = openCardNumbers(dir, id);
      assert.ok(!r.ok && /terminal\.id must be 1\.\.42948/.test(r.message), r.ok ? 'opened' : r.message);
    }
    // A file from before desks had ranges (numbers from 10001): this desk moves on to its own range.
    writeFileSync(join(dir, CARD_NUMBERS_FILE), '{"next": 10042}\n');
    assert.equal(opened(dir, 100).next(), 10_000_001);
    // A file from another desk's range (terminal.id changed): refused, left as it was.
    writeFileSync(join(dir, CARD_NUMBERS_FILE), '{"next": 10100007}\n');
    const moved = openCardNumbers(dir, 100);
    assert.ok(!moved.ok && /outside this desk's range 10000001\.\.10099999/.test(moved.message));
    assert.equal(readFileSync(join(dir, CARD_NUMBERS_FILE), 'utf8'), '{"next": 10100007}\n');
    // The range used up: no number, never the next desk's.
    writeFileSync(join(dir, CARD_NUMBERS_FILE), '{"next": 10100000}\n');
    assert.equal(opened(dir, 100).next(), null);
  }));

test('a new data dir issues nothing until the backend said where its range stands, then goes on after it', () =>
  inTemp((dir) => {
    const fresh = openCardNumbers(dir, 100);
    assert.ok(fresh.ok && fresh.unknown);
    assert.equal(fresh.numbers.next(), null, 'no number from a range whose cards in the field are unknown');
    assert.match(fresh.numbers.whyNone?.() ?? '', /no .*desk-card-numbers\.json.*--backend-db.*restore the file/);
    assert.throws(() => fresh.numbers.used(10_000_001), /a bug/);
    assert.equal(readdirSync(dir).length, 0, 'nothing written');
    // The backend knows cards up to 10000041 of desk 100 (the replaced device's): the new one goes on after.
    const seeded = seedCardNumbers(dir, 100, 10_000_041);
    assert.ok(seeded.ok && !seeded.unknown);
    assert.equal(seeded.numbers.next(), 10_000_042);
    assert.equal(statSync(join(dir, CARD_NUMBERS_FILE)).mode & 0o777, 0o600);
    // Once the file is there, offline starts number from it as before; a second seed never overwrites it.
    assert.equal(opened(dir, 100).next(), 10_000_042);
    const again = seedCardNumbers(dir, 100, null);
    assert.ok(!again.ok && /EEXIST/.test(again.message));
    assert.equal(opened(dir, 100).next(), 10_000_042);
  }));

test("a backend's highest number outside the desk's range is refused, no file written", () =>
  inTemp((dir) => {
    const r = seedCardNumbers(dir, 100, 10_100_001);
    assert.ok(!r.ok && /outside this desk's range/.test(r.message));
    assert.equal(readdirSync(dir).length, 0);
  }));
