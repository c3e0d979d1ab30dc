import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { silentLogger } from '../../../base/log.ts';
import { AttendanceSim } from '../../../simulator/cli/sim-attendance.ts';
import { GATE_PINS, ParkingSim } from '../../../simulator/cli/sim-parking.ts';

const sim = (...args: string[]) =>
  spawnSync('node', ['bin/onecard.js', 'sim', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('onecard sim --help names every role', () => {
  const r = sim('--help');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /--role ROLE[\s\S]*pos \(default\), door[\s\S]*attendance[\s\S]*parking/);
});

test('sim --role attendance and --role parking run their demo with stdin closed and exit 0', () => {
  const attendance = sim('--role', 'attendance', '--quiet');
  assert.equal(attendance.status, 0, attendance.stderr);
  assert.match(attendance.stdout, /built-in demo/);
  assert.match(attendance.stdout, /alice: already punched in 20 s ago, card 1001: not stored again/);
  assert.match(attendance.stdout, /lost: refused — card 4004 is on the blacklist/);
  assert.match(attendance.stdout, /punches journaled: 4\n/);
  const parking = sim('--role', 'parking', '--quiet');
  assert.equal(parking.status, 0, parking.stderr);
  assert.match(parking.stdout, /exit alice: barrier stays down — card left mid-write/);
  assert.match(parking.stdout, /exit alice: barrier up — fee 14\.00, balance 86\.00/);
  assert.equal(attendance.stderr + parking.stderr, '', 'a demo with --quiet writes nothing on stderr');
});

test('a role demo without --quiet shows only warnings and errors on stderr, as the POS demo does', () => {
  const r = sim('--role', 'desk');
  assert.equal(r.status, 0, r.stderr);
  const levels = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as { level: string }).level);
  assert.deepEqual(
    levels.filter((l) => l !== 'warn' && l !== 'error'),
    [],
    'no info lines among the screens',
  );
  const asked = sim('--role', 'desk', '--log-level', 'info');
  assert.match(asked.stderr, /"level":"info"/, 'info lines when asked for');
});

test("sim --role refuses the POS world's options by name", () => {
  const r = sim('--role', 'parking', '--panel', '20x4');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--role parking runs on its own; --panel do not apply/);
});

test('attendance sim: a repeat inside the window is shown and not stored; after it, a punch again', async () => {
  const s = await AttendanceSim.open(1, silentLogger);
  try {
    assert.match((await s.exec('tap alice'))![0]!, /alice: punch in, card 1001$/);
    await s.exec('wait 59s');
    assert.match((await s.exec('tap alice'))![0]!, /already punched in 59 s ago, card 1001: not stored again$/);
    assert.deepEqual(await s.exec('key 7'), ['key 7 does not choose a punch (F1 in, F2 out, F3 break)']);
    await s.exec('wait 1s');
    assert.match((await s.exec('tap alice'))![0]!, /alice: punch in, card 1001$/, 'the window is over');
    assert.deepEqual(await s.exec('out'), ['next punch: out (F2)']);
    assert.match((await s.exec('tap alice'))![0]!, /punch out/, 'another type is a correction, stored at once');
    assert.match((await s.exec('tap lost'))![0]!, /refused — card 4004 is on the blacklist/);
    assert.deepEqual(await s.exec('punches'), [
      'punches journaled: 3',
      '  #1 card 1001 in (by key)',
      '  #2 card 1001 in (by key)',
      '  #3 card 1001 out (by key)',
    ]);
    assert.deepEqual(await s.exec('wait soon'), ['wait: a duration like 4000 (ms), 30s, 5m, 3h; at most 1d']);
  } finally {
    s.close();
  }
});

test('parking sim: a car inside cannot enter again; a torn exit keeps the barrier down and pays once', async () => {
  const s = await ParkingSim.open(1, silentLogger);
  const lifts = async (gate: 'entry' | 'exit') =>
    ((await s.exec('barriers')) ?? []).join('\n').split(`${gate} barrier`)[1]!.match(/ 1$/gm)?.length ?? 0;
  try {
    assert.deepEqual(await s.exec('tap alice'), ['tap CARD entry|exit: which barrier is the car at?']);
    assert.deepEqual((await s.exec('tap alice entry'))!.slice(1), [
      `entry relay: *click* line ${GATE_PINS.entry} → 1 (up)`,
    ]);
    assert.match((await s.exec('tap alice entry'))![0]!, /barrier stays down — card 1001 entered at/);
    assert.equal(await lifts('entry'), 1);
    await s.exec('wait 3h');
    await s.exec('wait 30m'); // 22:10 → 01:40: four steps, two each side of midnight
    assert.deepEqual(await s.exec('tap alice exit tear 32'), [
      '2026-12-08 01:40 exit alice: barrier stays down — card left mid-write (card left the field); tap again',
    ]);
    assert.equal(await lifts('exit'), 0, 'no barrier without the payment');
    assert.match((await s.exec('tap alice exit'))![0]!, /exit alice: barrier up — fee 14\.00, balance 86\.00$/);
    assert.equal(await lifts('exit'), 1);
    assert.match((await s.exec('cards'))![0]!, /alice +balance 86\.00/, 'the fee was taken once');
    assert.match((await s.exec('tap bob exit'))![0]!, /barrier stays down — no entry recorded for card 1002/);
  } finally {
    s.close();
  }
});
