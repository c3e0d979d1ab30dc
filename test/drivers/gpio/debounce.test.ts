import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type DebounceState, initialDebounce, nextDebounce } from '../../../drivers/gpio/debounce.ts';
import type { Level } from '../../../drivers/gpio/index.ts';

/** Feeds raw edges; a settle timer fires only where `settleAfter` says (the caller owns time). */
function run(edges: [number, Level][], debounceUs: number, settleLast: boolean) {
  let s: DebounceState = initialDebounce;
  const out: [number, Level][] = [];
  let armed: number | null = null;
  for (const [t, level] of edges) {
    const step = nextDebounce(s, { kind: 'raw', level, timestampUs: t }, debounceUs);
    s = step.state;
    out.push(...step.accepted.map((a): [number, Level] => [a.timestampUs, a.level]));
    if (step.armGeneration !== null) armed = step.armGeneration;
  }
  if (settleLast && armed !== null) {
    const step = nextDebounce(s, { kind: 'settled', generation: armed }, debounceUs);
    out.push(...step.accepted.map((a): [number, Level] => [a.timestampUs, a.level]));
  }
  return out;
}

test('a bouncing press counts once, from the start of the level that held', () => {
  const bounce: [number, Level][] = [
    [0, 0],
    [200, 1],
    [400, 0],
    [700, 1],
    [900, 0],
  ];
  assert.deepEqual(run(bounce, 5_000, true), [[900, 0]]);
});

test('a glitch shorter than the period is dropped; a stale settle timer changes nothing', () => {
  let s: DebounceState = { kind: 'stable', level: 1, generation: 0 };
  const down = nextDebounce(s, { kind: 'raw', level: 0, timestampUs: 1_000 }, 5_000);
  assert.equal(down.armGeneration, 1);
  s = nextDebounce(down.state, { kind: 'raw', level: 1, timestampUs: 2_000 }, 5_000).state;
  const stale = nextDebounce(s, { kind: 'settled', generation: 1 }, 5_000);
  assert.deepEqual(stale.accepted, []);
  assert.deepEqual(stale.state, { kind: 'stable', level: 1, generation: 2 });
});

test('a level that held is accepted by the next raw edge even before its timer fires', () => {
  assert.deepEqual(
    run(
      [
        [0, 0],
        [10_000, 1],
      ],
      5_000,
      false,
    ),
    [[0, 0]],
  );
});

test('debounce 0 passes every edge through at once (Wiegand)', () => {
  const edges: [number, Level][] = [
    [0, 0],
    [50, 1],
    [2_000, 0],
    [2_050, 1],
  ];
  assert.deepEqual(run(edges, 0, false), edges);
});
