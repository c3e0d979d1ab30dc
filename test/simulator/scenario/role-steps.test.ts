import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseScenario } from '../../../simulator/scenario/schema.ts';
import { runScenario } from '../../../simulator/scenario/runner.ts';

/**
 * Attendance and parking steps, and paired door readers, in scenarios: a step
 * or check the terminal's role has not is malformed (naming the step and the
 * field), and each role check fails when the terminal did something else.
 * The examples themselves run in test/simulator/scenarios.test.ts.
 */
const example = (f: string) => JSON.parse(readFileSync(`examples/${f}`, 'utf8'));
const parking = example('parking-lost-ticket.json');
const attendance = example('attendance-punches.json');
const passback = example('door-antipassback.json');
const withSteps = (sc: Record<string, unknown>, ...steps: unknown[]) => ({ ...sc, steps });

const MALFORMED: [unknown, RegExp][] = [
  [withSteps(parking, { tap: 'bob' }), /step 1 gate: a tap at a car park names its barrier/],
  [withSteps(parking, { keys: '1' }), /step 1 keys: a parking terminal has no keypad/],
  [withSteps(parking, { override: 'open-exit' }), /step 1 override: needs "operator"/],
  [withSteps(parking, { override: 'lost-ticket', operator: 'op' }), /step 1 override: a lost ticket needs "card"/],
  [withSteps(parking, { override: 'open-exit', operator: 'op', card: 'bob' }), /step 1 card: "open-exit" takes no/],
  [withSteps(parking, { override: 'open-exit', operator: 'eve' }), /step 1 operator: card "eve" is not declared/],
  [withSteps(parking, { expect: { relayLevel: 1 } }), /step 1 expect\.relayLevel: needs "gate"/],
  [withSteps(parking, { expect: { gate: 'exit', display: 'x' } }), /step 1 expect\.gate: names a barrier but/],
  [withSteps(parking, { tap: 'bob', gate: 'exit', reader: 'in' }), /step 1 reader: a parking terminal has no reader/],
  [withSteps(attendance, { tap: 'alice', gate: 'exit' }), /step 1 gate: an attendance terminal has no barrier/],
  [
    withSteps(attendance, { expect: { relayLevel: 0 } }),
    /step 1 expect\.relayLevel: an attendance terminal has no relay/,
  ],
  [withSteps(attendance, { tap: 'alice', tearAfterBytes: 4 }), /step 1 tap: an attendance terminal only reads a card/],
  [withSteps(attendance, { expect: { passbackViolations: 0 } }), /expect\.passbackViolations: an attendance terminal/],
  [withSteps(passback, { tap: 'alice', reader: 'break' }), /step 1 reader: a door's paired readers are "in" or "out"/],
  [withSteps(passback, { advance: '1s', reader: 'in' }), /step 1 reader: only a tap is at a reader/],
  [withSteps(passback, { expect: { gate: 'entry', relayLevel: 0 } }), /step 1 expect\.gate: a door terminal has no/],
  [
    { ...withSteps(parking), terminals: [{ ...parking.terminals[0], parking: { rates: {} } }] },
    /terminal "park1": invalid field "parking\.entryRelay"/,
  ],
  [{ ...withSteps(parking), terminals: [{ ...parking.terminals[0], role: 'pos' }] }, /a "parking" section needs role/],
];

test('a role scenario the runner cannot carry out as written is malformed, naming the step and the field', () => {
  for (const [raw, said] of MALFORMED) {
    assert.throws(
      () => parseScenario(raw, 'f.json'),
      (e: Error) => said.test(e.message),
      JSON.stringify((raw as { steps: unknown }).steps),
    );
  }
});

test('each role check fails when the terminal did something else', async () => {
  const wrongParking = parseScenario(
    withSteps(
      parking,
      { tap: 'bob', gate: 'exit' },
      { expect: { gate: 'exit', relayChanges: 1, display: 'barrier up' } },
      { override: 'open-exit', operator: 'op' },
      { expect: { gate: 'entry', relayLevel: 1 } },
    ),
    'wrong',
  );
  assert.deepEqual((await runScenario(wrongParking)).failures, [
    'step 2: terminal park1 relay line 12: expected 1 changes, found 0',
    'step 2: terminal park1 display: expected to contain "barrier up", ' +
      'shows ["exit: barrier stays down — no entry recorded for card 1002"]',
    'step 4: terminal park1 relay line 5: expected level 1, is 0',
  ]);
  const wrongDoor = parseScenario(
    withSteps(
      passback,
      { tap: 'alice', reader: 'in' },
      { tap: 'alice', reader: 'in', door: 1 },
      { expect: { passbackViolations: 0 } },
    ),
    'wrong',
  );
  assert.deepEqual((await runScenario(wrongDoor)).failures, [
    'step 3: terminal gate1 passback violations: expected 0 flagged, found 1',
  ]);
});
