import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../../../simulator/scenario/schema.ts';
import { runScenario } from '../../../simulator/scenario/runner.ts';

/**
 * Door steps in scenarios: a door terminal's section is checked like a config
 * file, POS-only steps and checks on a door (and door ones on a POS) are
 * malformed, and each relay check fails when the relay did something else.
 */
const valid = JSON.parse(readFileSync('examples/door-valid-card.json', 'utf8'));
const door = valid.terminals[0];
const withSteps = (...steps: unknown[]) => ({ ...valid, steps });

const MALFORMED: [unknown, RegExp][] = [
  [withSteps({ keys: '1 confirm' }), /step 1 keys: a door terminal has no keypad/],
  [withSteps({ expect: { display: 'Paid' } }), /step 1 expect\.display: a door terminal has no display/],
  [withSteps({ expect: { beep: 'ok' } }), /step 1 expect\.beep: a door terminal has no beep/],
  [
    withSteps({ tap: 'alice', tearAfterBytes: 3 }),
    /step 1 tap: a door terminal only reads a card; tearing faults are for a POS or a car park's exit/,
  ],
  [
    { ...withSteps({ contact: 'open' }), terminals: [{ name: 'pos1', id: 1 }] },
    /step 1 contact: a POS terminal has no contact/,
  ],
  [
    { ...withSteps({ expect: { relayLevel: 1 } }), terminals: [{ name: 'pos1', id: 1 }] },
    /step 1 expect\.relayLevel: a POS terminal has no relay/,
  ],
  [
    { ...withSteps(), terminals: [{ ...door, door: undefined }] },
    /terminal "door1": role "door" needs a "door" section/,
  ],
  [{ ...withSteps(), terminals: [{ ...door, role: 'pos' }] }, /terminal "door1": a "door" section needs role "door"/],
  [
    {
      ...withSteps(),
      terminals: [{ ...door, door: { ...door.door, rules: [{ cardClass: 1, doors: 1, timeZoneId: 7 }] } }],
    },
    /terminal "door1": invalid field "door\.rules\[0\]\.timeZoneId": unknown time zone 7/,
  ],
  [withSteps({ contact: 'ajar' }), /invalid scenario at "steps\[0\]\.contact"/],
  [withSteps({ tap: 'alice', door: 2 }), /step 1 door: terminal "door1" has no door 2 \(has: 0\)/],
  [withSteps({ advance: '1s', door: 0 }), /step 1 door: only a tap, contact or push is at a door/],
  [withSteps({ expect: { door: 3, relayLevel: 0 } }), /step 1 expect\.door: terminal "door1" has no door 3/],
  [
    withSteps({ expect: { door: 0, journal: { kind: 'door.alarm', count: 0 } } }),
    /step 1 expect\.door: names a door but checks none of relayLevel, relayChanges/,
  ],
];

test('a door scenario the runner cannot carry out as written is malformed, naming the step and the field', () => {
  for (const [raw, said] of MALFORMED) {
    assert.throws(
      () => parseScenario(raw, 'f.json'),
      (e: Error) => said.test(e.message),
      JSON.stringify(raw),
    );
  }
});

test('each relay check fails, naming the line, when the relay did something else', async () => {
  const sc = parseScenario(
    withSteps(
      { tap: 'alice' },
      { expect: { relayLevel: 0 } },
      { expect: { relayChanges: 2 } },
      { advance: '3s' },
      { expect: { relayLevel: 1, relayChanges: 1 } },
    ),
    'wrong',
  );
  const r = await runScenario(sc);
  assert.deepEqual(r.failures, [
    'step 2: terminal door1 relay line 5: expected level 0, is 1',
    'step 3: terminal door1 relay line 5: expected 2 changes, found 1',
    'step 5: terminal door1 relay line 5: expected level 1, is 0',
    'step 5: terminal door1 relay line 5: expected 1 changes, found 2',
  ]);
});

test('a door keeps its relay timeline across a restart, and taps still open it afterwards', async () => {
  const sc = parseScenario(
    withSteps(
      { tap: 'alice' },
      { advance: '3s' },
      { restart: true },
      { expect: { relayLevel: 0, relayChanges: 2, journal: { kind: 'door.granted', count: 1 } } },
      { tap: 'alice' },
      { expect: { relayLevel: 1, relayChanges: 3, journal: { kind: 'door.granted', count: 2 } } },
    ),
    'restart',
  );
  const r = await runScenario(sc);
  assert.deepEqual(r.failures, []);
});

test('onecard sim --scenario on a door: exit 0 when it passes, 2 with one line for a keypad step at the door', () => {
  const ok = spawnSync('node', ['bin/onecard.js', 'sim', '--scenario', 'examples/door-lost-card.json'], {
    encoding: 'utf8',
  });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /door 0 refused: card 4004 is on the blacklist/);
  const file = join(mkdtempSync(join(tmpdir(), 'onecard-door-sc-')), 'keys.json');
  writeFileSync(file, JSON.stringify(withSteps({ keys: '1' })));
  const bad = spawnSync('node', ['bin/onecard.js', 'sim', '--scenario', file], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /invalid scenario: step 1 keys: a door terminal has no keypad\n$/);
  assert.doesNotMatch(bad.stderr, / {4}at /);
});

test('a tap names its door: a card for door 0 only opens door 0, and door 1 stays shut', async () => {
  // Door 1 on its own lines; the only rule (doors: 0b01) lets staff through door 0 alone.
  const second = { id: 1, relay: { line: 20, wiring: 'fail-secure', releaseMs: 3_000 }, heldOpenMs: 10_000 };
  const twoDoors = { ...door.door, doors: [door.door.doors[0], second] };
  const sc = parseScenario(
    {
      ...withSteps(
        { tap: 'alice', door: 1 },
        { expect: { door: 1, relayLevel: 0, relayChanges: 0, journal: { kind: 'door.refused', count: 1 } } },
        { expect: { relayChanges: 0 } },
        { tap: 'alice', door: 0 },
        { expect: { door: 0, relayLevel: 1, journal: { kind: 'door.granted', count: 1 } } },
        { expect: { door: 1, relayChanges: 0 } },
      ),
      terminals: [{ ...door, door: twoDoors }],
    },
    'two doors',
  );
  const r = await runScenario(sc);
  assert.deepEqual(r.failures, []);
  assert.match(r.transcript[0], /^step 1 door1: door 1 refused: /);
});
