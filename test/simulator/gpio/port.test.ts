import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../base/clock.ts';
import type { Level } from '../../../drivers/gpio/index.ts';
import { Gpio } from '../../../drivers/gpio/port.ts';
import { SimGpioLines } from '../../../simulator/gpio/sim-lines.ts';
import { VirtualScheduler } from '../../../simulator/net/virtual-scheduler.ts';

function rig() {
  const clock = new ManualClock(0);
  const scheduler = new VirtualScheduler(clock);
  const pins = new SimGpioLines(clock);
  return { clock, scheduler, pins, port: new Gpio(pins, scheduler) };
}

test('pulse: the level now, the opposite after the duration; a write cancels a pulse in progress', async () => {
  const { scheduler, pins, port } = rig();
  port.output(5, 0);
  port.pulse(5, 1, 250);
  await scheduler.run(1_000);
  port.pulse(5, 1, 250);
  await scheduler.run(100);
  port.write(5, 1);
  await scheduler.run(1_000);
  assert.deepEqual(pins.changes(5), [
    [0, 0],
    [0, 1],
    [250, 0],
    [1000, 1],
  ]);
  assert.equal(port.level(5), 1, 'the cancelled pulse never restored the line');
  assert.throws(() => port.pulse(5, 1, 0), /1\.\.60000/);
  assert.throws(() => port.write(6, 1), /not an output/);
});

test('edge events: falling, rising or both, with the source timestamp', () => {
  const { pins, port } = rig();
  const seen: Record<string, [number, Level][]> = { falling: [], rising: [], both: [] };
  for (const edge of ['falling', 'rising', 'both'] as const)
    port.watch(7, edge, (t, level) => seen[edge]!.push([t, level]));
  pins.drive(7, 0, 1_000);
  pins.drive(7, 1, 1_050);
  pins.drive(7, 1, 1_100); // same level again: no edge
  assert.deepEqual(seen, {
    falling: [[1_000, 0]],
    rising: [[1_050, 1]],
    both: [
      [1_000, 0],
      [1_050, 1],
    ],
  });
});

test('debounced input: a bouncing contact gives one edge once the level has held, timed at its start', async () => {
  const { clock, scheduler, pins, port } = rig();
  const seen: [number, Level][] = [];
  const unwatch = port.watch(8, 'both', (t, level) => seen.push([t, level]), { debounceUs: 5_000 });
  // Press: bounces for 0.9 ms, then stays low.
  for (const [t, level] of [
    [0, 0],
    [300, 1],
    [600, 0],
    [900, 1],
    [1_200, 0],
  ] as [number, Level][])
    pins.drive(8, level, t);
  await scheduler.run(4);
  assert.deepEqual(seen, [], 'not yet held for 5 ms');
  await scheduler.run(10);
  assert.deepEqual(seen, [[1_200, 0]]);
  // A 2 ms glitch high while pressed: dropped.
  pins.drive(8, 1, clock.nowMs() * 1000);
  await scheduler.run(2);
  pins.drive(8, 0, clock.nowMs() * 1000);
  await scheduler.run(20);
  assert.deepEqual(seen, [[1_200, 0]]);
  // Release: held, accepted.
  pins.drive(8, 1, clock.nowMs() * 1000);
  const releasedUs = clock.nowMs() * 1000;
  await scheduler.run(20);
  assert.deepEqual(seen, [
    [1_200, 0],
    [releasedUs, 1],
  ]);
  // Pressed again and unwatched while settling: no timer left behind, no late event.
  pins.drive(8, 0, clock.nowMs() * 1000);
  unwatch();
  assert.equal(scheduler.pending, 0, 'unwatch leaves no timer behind');
  await scheduler.run(20);
  assert.equal(seen.length, 2);
});

test('the twin keeps every pin change, in and out, in order', () => {
  const { clock, pins, port } = rig();
  port.output(2, 0);
  clock.advance(3);
  port.write(2, 1);
  port.write(2, 1);
  pins.drive(9, 0, 3_500);
  assert.deepEqual(pins.timeline, [
    { atUs: 0, line: 2, level: 0, direction: 'out' },
    { atUs: 3_000, line: 2, level: 1, direction: 'out' },
    { atUs: 3_500, line: 9, level: 0, direction: 'in' },
  ]);
});
