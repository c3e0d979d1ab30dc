import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../firmware/core/clock.ts';
import { JsonLogger, MemorySink } from '../../../firmware/core/log.ts';
import { ClockWatch } from '../../../firmware/sync/clock-watch.ts';

const T = 1_795_000_000_000;

function setup(stepper?: (from: number, to: number) => boolean) {
  const clock = new ManualClock(T);
  const sink = new MemorySink();
  const journaled: { kind: string; body: unknown }[] = [];
  const w = new ClockWatch(
    clock,
    new JsonLogger(sink, () => clock.nowMs()),
    { append: (kind, body) => journaled.push({ kind, body }) },
    stepper ? { stepClock: stepper } : undefined,
  );
  /** A TIME exchange with a 100 ms round trip against a backend `offsetMs` ahead. */
  const exchange = (offsetMs: number) => {
    const req = w.request();
    clock.advance(50);
    const t2 = clock.nowMs() + offsetMs;
    clock.advance(50);
    w.onResponse({ type: 'timeResponse', t1Ms: req.t1Ms, t2Ms: t2, t3Ms: t2, utcOffsetMinutes: 480 });
  };
  return { clock, sink, journaled, w, exchange };
}

test('small drift is measured and reported, nothing moves', () => {
  const { w, exchange, journaled } = setup();
  assert.equal(w.state, 'unknown');
  exchange(700);
  assert.equal(w.state, 'synced');
  assert.equal(w.clockDriftMs, 700);
  assert.deepEqual(journaled, []);
});

test('without a stepper a jump is logged and reported (estimated, with the drift), never applied silently', () => {
  const { w, exchange, sink, journaled, clock } = setup();
  const before = clock.nowMs();
  exchange(-3_600_000);
  assert.equal(w.clockDriftMs, -3_600_000);
  assert.equal(w.state, 'estimated', 'a clock an hour off that could not be stepped is not synced');
  assert.equal(clock.nowMs(), before + 100);
  assert.ok(sink.lines.some((l) => l.includes('"sync.clock-ahead"')));
  assert.deepEqual(journaled, []);
});

test('with a stepper, a jump is applied and journaled as clock.step', () => {
  const steps: [number, number][] = [];
  const { w, exchange, journaled } = setup((from, to) => steps.push([from, to]) > 0);
  exchange(10_000);
  assert.equal(steps.length, 1);
  assert.equal(steps[0][1] - steps[0][0], 10_000);
  assert.deepEqual(journaled, [
    { kind: 'clock.step', body: { fromMs: steps[0][0], toMs: steps[0][1], offsetMs: 10_000 } },
  ]);
  assert.equal(w.clockDriftMs, 0);
});

test('a sample with a round trip over 2 s is dropped', () => {
  const { w, clock } = setup();
  const req = w.request();
  clock.advance(2_500);
  w.onResponse({ type: 'timeResponse', t1Ms: req.t1Ms, t2Ms: T + 9_000, t3Ms: T + 9_000, utcOffsetMinutes: 480 });
  assert.equal(w.state, 'unknown');
});

test('WELCOME steps only an obviously wrong clock; the TIME exchange the rest', () => {
  const steps: [number, number][] = [];
  const { w, journaled, clock } = setup((from, to) => {
    steps.push([from, to]);
    return true;
  });
  w.welcomed(clock.nowMs() + 30_000);
  assert.deepEqual(steps, [], 'within WELCOME_STEP_MS: the one-way delay could be most of it');
  assert.equal(w.state, 'estimated');
  w.welcomed(clock.nowMs() + 3_600_000);
  assert.deepEqual(steps, [[T, T + 3_600_000]]);
  assert.deepEqual(journaled, [{ kind: 'clock.step', body: { fromMs: T, toMs: T + 3_600_000, offsetMs: 3_600_000 } }]);
  assert.equal(w.state, 'estimated', 'synced only after a TIME exchange');
});
