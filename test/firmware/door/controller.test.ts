import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDoorWiring } from '../../../firmware/door/controller.ts';
import { LOST_CARD } from './fixtures.ts';
import { doorRig, HELD_OPEN_MS, PINS, RELEASE_MS, SETTLE_MS, wiring } from './rig.ts';

const RELAY = PINS.relay[0];
const ALARM = PINS.alarm[0];

test("a valid tap pulses the relay for the door's release time, on the twin's timeline", async () => {
  const rig = doorRig();
  await rig.run(1_000);
  const v = rig.controller.tap(0, rig.card());
  assert.equal(v.kind, 'open');
  assert.equal(rig.controller.state(0).kind, 'released');
  await rig.run(10_000);
  assert.deepEqual(rig.changes(RELAY), [
    [0, 0],
    [1_000, 1],
    [1_000 + RELEASE_MS, 0],
  ]);
  assert.equal(rig.controller.state(0).kind, 'locked', 'nobody went through: locked again');
  assert.deepEqual(rig.changes(PINS.buzzer).slice(1), [
    [1_000, 1],
    [1_120, 0],
  ]);
  assert.deepEqual(rig.records, [
    { kind: 'door.granted', doorId: 0, cause: 'schedule', cardNumber: 1001, direction: null, passbackViolation: false },
  ]);
});

test('fail-safe wiring (maglock) holds by energising and releases by letting go; an active-low board inverts both', async () => {
  const rig = doorRig([wiring(0, { relay: { line: RELAY, wiring: 'fail-safe', releaseMs: 500 } })]);
  rig.controller.tap(0, rig.card());
  await rig.run(1_000);
  assert.deepEqual(rig.changes(RELAY), [
    [0, 1],
    [0, 0],
    [500, 1],
  ]);
  const low = doorRig([wiring(0, { relay: { line: RELAY, wiring: 'fail-secure', releaseMs: 500, activeLow: true } })]);
  low.controller.tap(0, low.card());
  await low.run(1_000);
  assert.deepEqual(low.changes(RELAY), [
    [0, 1],
    [0, 0],
    [500, 1],
  ]);
});

test('a lost card is refused offline: the relay never moves, red and three beeps, a refusal recorded', async () => {
  const rig = doorRig();
  const v = rig.controller.tap(0, rig.card(LOST_CARD));
  assert.equal(v.kind === 'shut' && v.reason, 'blacklisted');
  await rig.run(5_000);
  assert.deepEqual(rig.changes(RELAY), [[0, 0]]);
  assert.equal(rig.changes(PINS.red).filter(([, l]) => l === 1).length, 1);
  assert.equal(rig.changes(PINS.buzzer).filter(([, l]) => l === 1).length, 3);
  assert.deepEqual(
    rig.records.map((r) => r.kind === 'door.refused' && r.reason),
    ['blacklisted'],
  );
});

test('held open: the alarm output comes on heldOpenMs after the door opened and goes off when it shuts', async () => {
  const rig = doorRig();
  rig.controller.tap(0, rig.card());
  await rig.run(1_000);
  rig.setContact(0, true);
  await rig.run(HELD_OPEN_MS + 500);
  assert.equal(rig.controller.state(0).kind, 'held-open');
  rig.setContact(0, false);
  await rig.run(1_000);
  assert.deepEqual(rig.changes(ALARM), [
    [0, 0],
    [1_000 + SETTLE_MS + HELD_OPEN_MS, 1],
    [1_000 + HELD_OPEN_MS + 500 + SETTLE_MS, 0],
  ]);
  assert.equal(rig.controller.state(0).kind, 'locked');
  const alarms = rig.records.filter((r) => r.kind === 'door.alarm');
  assert.deepEqual(alarms, [
    { kind: 'door.alarm', doorId: 0, alarm: 'held-open', on: true },
    { kind: 'door.alarm', doorId: 0, alarm: 'held-open', on: false },
  ]);
});

test('shutting the door relocks at once, not at the end of the pulse; a short open raises no alarm', async () => {
  const rig = doorRig();
  rig.controller.tap(0, rig.card());
  await rig.run(500);
  rig.setContact(0, true);
  await rig.run(1_000);
  rig.setContact(0, false);
  await rig.run(HELD_OPEN_MS * 2);
  assert.deepEqual(rig.changes(RELAY), [
    [0, 0],
    [0, 1],
    [1_500 + SETTLE_MS, 0],
  ]);
  assert.deepEqual(rig.changes(ALARM), [[0, 0]]);
});

test('forced open: the contact opens with no grant — alarm at once (after debounce) until shut; bounce alone is no alarm', async () => {
  const rig = doorRig();
  rig.setContact(0, true);
  await rig.run(5); // a bounce shorter than the debounce
  rig.setContact(0, false);
  await rig.run(1_000);
  assert.equal(rig.controller.state(0).kind, 'locked');
  rig.setContact(0, true);
  await rig.run(2_000);
  assert.equal(rig.controller.state(0).kind, 'forced');
  rig.setContact(0, false);
  await rig.run(1_000);
  assert.deepEqual(rig.changes(ALARM), [
    [0, 0],
    [1_005 + SETTLE_MS, 1],
    [3_005 + SETTLE_MS, 0],
  ]);
  assert.deepEqual(rig.changes(RELAY), [[0, 0]], 'the latch never moved');
  assert.deepEqual(
    rig.records.map((r) => r.kind === 'door.alarm' && `${r.alarm}:${r.on}`),
    ['forced:true', 'forced:false'],
  );
});

test('the exit button releases the latch (debounced), and the opening that follows is no forced alarm', async () => {
  const rig = doorRig();
  await rig.press(0);
  assert.equal(rig.controller.state(0).kind, 'released');
  rig.setContact(0, true);
  await rig.run(1_000);
  rig.setContact(0, false);
  await rig.run(5_000);
  assert.deepEqual(rig.changes(RELAY), [
    [0, 0],
    [SETTLE_MS, 1],
    [1_100 + SETTLE_MS, 0],
  ]);
  assert.deepEqual(rig.changes(ALARM), [[0, 0]]);
  assert.deepEqual(
    rig.records.map((r) => r.kind === 'door.granted' && r.cause),
    ['exit-button'],
  );
});

test('interlock (mantrap): the inner door stays shut while the outer is released or open', async () => {
  const rig = doorRig([wiring(0, {}, { partnerId: 1 }), wiring(1, {}, { partnerId: 0 })]);
  rig.controller.tap(0, rig.card());
  const inner = rig.controller.tap(1, rig.card());
  assert.equal(inner.kind === 'shut' && inner.reason, 'interlock');
  rig.setContact(0, true);
  await rig.run(1_000);
  await rig.press(1);
  rig.setContact(0, false);
  await rig.run(1_000);
  assert.equal(rig.controller.state(0).kind, 'locked');
  assert.equal(rig.controller.tap(1, rig.card()).kind, 'open');
  await rig.run(RELEASE_MS);
  assert.deepEqual(rig.changes(PINS.relay[1]), [
    [0, 0],
    [2_100, 1],
    [2_100 + RELEASE_MS, 0],
  ]);
  assert.deepEqual(
    rig.records.map((r) => `${r.doorId}:${r.kind === 'door.refused' ? r.reason : r.kind}`),
    ['0:door.granted', '1:interlock', '1:interlock', '1:door.granted'],
    'the tap and the exit button on door 1 were both held back while door 0 was released, then open',
  );
  assert.equal(rig.controller.remoteOpen(0).kind, 'open', 'door 1 is shut again');
});

test('lockdown: cards and remote opens are refused, a release in progress is cut, the exit button still works', async () => {
  const rig = doorRig();
  rig.controller.tap(0, rig.card());
  await rig.run(1_000);
  rig.controller.setMode('lockdown');
  assert.equal(rig.controller.state(0).kind, 'locked');
  const v = rig.controller.tap(0, rig.card());
  assert.equal(v.kind === 'shut' && v.reason, 'lockdown');
  assert.equal(rig.controller.remoteOpen(0).kind, 'shut');
  await rig.run(1_000);
  await rig.press(0);
  await rig.run(5_000);
  assert.deepEqual(rig.changes(RELAY), [
    [0, 0],
    [0, 1],
    [1_000, 0],
    [2_000 + SETTLE_MS, 1],
    [2_000 + SETTLE_MS + RELEASE_MS, 0],
  ]);
});

test('free passage holds the latch released with no held-open alarm; back to normal holds it again', async () => {
  const rig = doorRig();
  rig.controller.setMode('free-passage');
  rig.setContact(0, true);
  await rig.run(HELD_OPEN_MS * 3);
  assert.equal(rig.controller.tap(0, rig.card(LOST_CARD)).kind, 'open', 'the door stands open anyway');
  rig.setContact(0, false);
  await rig.run(1_000);
  rig.controller.setMode('normal');
  await rig.run(1_000);
  assert.deepEqual(rig.changes(RELAY), [
    [0, 0],
    [0, 1],
    [HELD_OPEN_MS * 3 + 1_000, 0],
  ]);
  assert.deepEqual(rig.changes(ALARM), [[0, 0]]);
  assert.equal(rig.controller.state(0).kind, 'locked');
});

test('wiring mistakes are refused with every problem named, before any line is claimed', () => {
  const five = [0, 1, 2, 3, 4].map((id) =>
    wiring(0, { relay: { line: 40 + id, wiring: 'fail-secure', releaseMs: 0 } }, { id }),
  );
  const problems = checkDoorWiring([...five, wiring(0, {}, { partnerId: 9 })]);
  assert.match(problems.join('\n'), /doors: 6, a controller drives 1\.\.4/);
  assert.equal(problems.filter((p) => /releaseMs/.test(p)).length, 5);
  assert.match(problems.join('\n'), /door 0: id used twice/);
  assert.match(problems.join('\n'), /interlock partner 9/);
  assert.throws(() => doorRig(five), /door wiring: doors: 5/);
});

test('four doors on one controller: each relay pulses on its own line for its own release time', async () => {
  const doors = [0, 1, 2, 3].map((id) =>
    wiring(id, {
      relay: { line: 40 + id, wiring: 'fail-secure', releaseMs: 1_000 * (id + 1) },
      contact: null,
      exitButton: null,
      alarm: null,
    }),
  );
  const rig = doorRig(doors);
  for (const id of [0, 1, 2, 3]) assert.equal(rig.controller.remoteOpen(id).kind, 'open', `door ${id}`);
  await rig.run(5_000);
  for (const id of [0, 1, 2, 3]) {
    assert.deepEqual(rig.changes(40 + id), [
      [0, 0],
      [0, 1],
      [1_000 * (id + 1), 0],
    ]);
  }
});
