import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseScenario } from '../../../simulator/scenario/schema.ts';
import { runScenario } from '../../../simulator/scenario/runner.ts';

const topup = () => JSON.parse(readFileSync('examples/kiosk-topup.json', 'utf8'));
const withSteps = (steps: unknown[], terminals?: unknown[]) => ({
  ...topup(),
  ...(terminals ? { terminals } : {}),
  steps,
});
const refused = (raw: unknown) => {
  try {
    parseScenario(raw, 'k.json');
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

test('malformed kiosk scenarios are refused whole, naming the step and the fix', () => {
  const pos = { name: 'pos1', id: 101 };
  const kiosk = topup().terminals[0];
  assert.equal(
    refused(withSteps([{ terminal: 'pos1', bill: '10' }], [kiosk, pos])),
    'k.json: invalid scenario: step 1 bill: only a kiosk terminal takes a bill step',
  );
  assert.equal(
    refused(withSteps([{ keys: '5 confirm' }])),
    'k.json: invalid scenario: step 1 keys: a kiosk has no keypad (its steps: tap, bill, fault, remove)',
  );
  assert.equal(
    refused(withSteps([{ expect: { beep: 'ok' } }])),
    'k.json: invalid scenario: step 1 expect.beep: a kiosk has no beep',
  );
  assert.equal(
    refused(withSteps([], [{ name: 'k', id: 3, role: 'kiosk' }])),
    'k.json: invalid scenario: terminal "k": role "kiosk" needs a "kiosk" section',
  );
  assert.match(refused(withSteps([{ fault: 'fire' }])), /invalid scenario at "steps\[0\]\.fault"/);
  assert.match(refused(withSteps([{ bill: '10', remove: true }])), /each step does exactly one of/);
  assert.match(refused(withSteps([{ bill: '0' }])), /step 1 bill: a bill is worth something/);
  assert.match(
    refused(withSteps([], [{ ...kiosk, kiosk: { topupMaxCents: -1 } }])),
    /kiosk\.topupMaxCents/,
    "the section is checked as a config file's",
  );
});

test('a kiosk scenario whose expectation is wrong fails naming the step; a bill the slot does not take is said', async () => {
  const sc = parseScenario(
    withSteps([
      { tap: 'alice' },
      { bill: '7' },
      { bill: '10' },
      { expect: { card: 'alice', balance: '25.00' } },
      { expect: { receipt: 'no such line' } },
    ]),
    'k.json',
  );
  const r = await runScenario(sc);
  assert.deepEqual(r.failures, [
    'step 4: card alice balance: expected 25.00, found 20.00',
    'step 5: terminal kiosk1 receipt: expected a line containing "no such line"',
  ]);
  assert.match(r.transcript[1]!, /step 2 kiosk1: no 7 yuan bill/);
});
