import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../firmware/core/random.ts';
import { Backoff } from '../../../firmware/sync/backoff.ts';

test('backoff doubles from the base up to the cap, with half of each delay jittered', () => {
  const b = new Backoff(new SeededRandom(1), { baseMs: 500, maxMs: 30_000 });
  const ceilings = [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000];
  for (const ceil of ceilings) {
    const d = b.nextDelayMs();
    assert.ok(d >= ceil / 2 && d <= ceil, `${d} within [${ceil / 2}, ${ceil}]`);
  }
  b.reset();
  assert.ok(b.nextDelayMs() <= 500, 'a reset starts from the base again');
});

test('backoff is seeded: the same seed gives the same delays, other seeds spread a fleet out', () => {
  const run = (seed: number) => {
    const b = new Backoff(new SeededRandom(seed));
    return Array.from({ length: 8 }, () => b.nextDelayMs());
  };
  assert.deepEqual(run(7), run(7));
  const fleet = new Set(Array.from({ length: 50 }, (_, i) => run(i)[5]));
  assert.ok(fleet.size > 40, `50 terminals retry at ${fleet.size} different moments`);
});

test('backoff refuses a policy that is not a range', () => {
  assert.throws(() => new Backoff(new SeededRandom(1), { baseMs: 0, maxMs: 10 }), RangeError);
  assert.throws(() => new Backoff(new SeededRandom(1), { baseMs: 100, maxMs: 10 }), RangeError);
});
