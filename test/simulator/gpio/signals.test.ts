import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../base/clock.ts';
import { Gpio } from '../../../drivers/gpio/port.ts';
import { checkPatternTable, DEFAULT_PATTERNS, type SignalName } from '../../../drivers/signal/patterns.ts';
import { Signals } from '../../../drivers/signal/signals.ts';
import { SimGpioLines } from '../../../simulator/gpio/sim-lines.ts';
import { VirtualScheduler } from '../../../simulator/net/virtual-scheduler.ts';

const BUZZER = 18;
const GREEN = 23;
const RED = 24;

async function play(name: SignalName) {
  const clock = new ManualClock(1_000_000);
  const scheduler = new VirtualScheduler(clock);
  const pins = new SimGpioLines(clock);
  // Red is active-low: its "on" is level 0.
  const signals = new Signals(new Gpio(pins, scheduler), scheduler, {
    buzzer: { line: BUZZER },
    green: { line: GREEN },
    red: { line: RED, activeLow: true },
  });
  const startUs = clock.nowMs() * 1000;
  signals.show(name);
  await scheduler.run(5_000);
  return { pins, startUs, changes: (line: number) => pins.changes(line, startUs) };
}

// The timelines a person sees and hears, written out by hand from the pattern descriptions.
test('accepted: one 120 ms beep, green for a second', async () => {
  const { changes } = await play('accepted');
  assert.deepEqual(changes(BUZZER), [
    [0, 0],
    [0, 1],
    [120, 0],
  ]);
  assert.deepEqual(changes(GREEN), [
    [0, 0],
    [0, 1],
    [1000, 0],
  ]);
  assert.deepEqual(changes(RED), [[0, 1]], 'red stays off (active-low: level 1)');
});

test('refused: three 100 ms beeps, red for 1.5 s', async () => {
  const { changes } = await play('refused');
  assert.deepEqual(changes(BUZZER), [
    [0, 0],
    [0, 1],
    [100, 0],
    [200, 1],
    [300, 0],
    [400, 1],
    [500, 0],
  ]);
  assert.deepEqual(changes(RED), [
    [0, 1],
    [0, 0],
    [1500, 1],
  ]);
  assert.deepEqual(changes(GREEN), [[0, 0]]);
});

test('error: one 600 ms tone, red blinking three times', async () => {
  const { changes } = await play('error');
  assert.deepEqual(changes(BUZZER), [
    [0, 0],
    [0, 1],
    [600, 0],
  ]);
  assert.deepEqual(changes(RED), [
    [0, 1],
    [0, 0],
    [200, 1],
    [400, 0],
    [600, 1],
    [800, 0],
    [1000, 1],
  ]);
});

test('tap-again: two chirps, green and red blinking together four times', async () => {
  const { changes } = await play('tap-again');
  assert.deepEqual(changes(BUZZER), [
    [0, 0],
    [0, 1],
    [60, 0],
    [200, 1],
    [260, 0],
  ]);
  const blinks = [0, 300, 600, 900].flatMap((t) => [t, t + 150]);
  assert.deepEqual(changes(GREEN), [[0, 0], ...blinks.map((t, i): [number, number] => [t, i % 2 === 0 ? 1 : 0])]);
  assert.deepEqual(changes(RED), [[0, 1], ...blinks.map((t, i): [number, number] => [t, i % 2 === 0 ? 0 : 1])]);
});

test('a new signal cuts the playing one short and leaves nothing on', async () => {
  const clock = new ManualClock(0);
  const scheduler = new VirtualScheduler(clock);
  const pins = new SimGpioLines(clock);
  const signals = new Signals(new Gpio(pins, scheduler), scheduler, { buzzer: { line: BUZZER }, red: { line: RED } });
  signals.show('refused');
  await scheduler.run(150);
  signals.show('accepted');
  await scheduler.run(5_000);
  assert.deepEqual(pins.changes(BUZZER), [
    [0, 0],
    [0, 1],
    [100, 0],
    [150, 1],
    [270, 0],
  ]);
  assert.deepEqual(pins.changes(RED), [
    [0, 0],
    [0, 1],
    [150, 0],
  ]);
});

test('a pattern table is checked before use: each problem names the pattern and the fix', () => {
  assert.deepEqual(checkPatternTable(DEFAULT_PATTERNS), []);
  const { error: _dropped, ...noError } = DEFAULT_PATTERNS;
  const bad = { ...noError, accepted: { buzzer: [{ onMs: 0, offMs: 0 }], green: [{ onMs: 5_000, offMs: 0 }] } };
  assert.deepEqual(checkPatternTable(bad), [
    'pattern accepted.buzzer[0]: onMs must be a whole number ≥ 1, offMs ≥ 0',
    'pattern accepted.green: 5000 ms, keep it within 3000 ms',
    'pattern error: missing (every table needs accepted, refused, error, tap-again)',
  ]);
});
