import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../../../simulator/scenario/schema.ts';
import { runCli, STACK_FRAME } from '../../app/run-cli.ts';

/**
 * A scenario the runner cannot evaluate as written is a malformed file, not a
 * pass: an expectation that checks nothing, a card check with no card, a
 * name nobody declared. Each names the step and the field.
 */
const base = {
  name: 'x',
  start: '2026-11-23T11:30:00+08:00',
  terminals: [{ name: 'pos1', id: 1 }],
  cards: [{ name: 'alice', uid: '04a1b2c3', number: 1001, class: 1, balance: '50.00' }],
};
const withSteps = (...steps: unknown[]) => ({ ...base, steps });

const MALFORMED: [unknown[], RegExp][] = [
  [[{ expect: { balance: '1.00' } }], /step 1 expect\.balance: needs "card"/],
  [[{ keys: '1 confirm' }, { expect: { subsidy: '1.00', counter: 7 } }], /step 2 expect\.subsidy: needs "card"/],
  [[{ expect: { counter: 7 } }], /step 1 expect\.counter: needs "card"/],
  [[{ expect: {} }], /step 1 expect: checks nothing/],
  [[{ expect: { card: 'alice' } }], /step 1 expect\.card: names a card but checks none of balance, subsidy, counter/],
  [[{ tap: 'bob' }], /step 1 tap: card "bob" is not declared \(have: alice\)/],
  [[{ expect: { card: 'bob', balance: '1.00' } }], /step 1 expect\.card: card "bob" is not declared/],
  [[{ terminal: 'pos9', keys: '1' }], /step 1 terminal: terminal "pos9" is not declared \(have: pos1\)/],
  [[{ expect: { terminal: 'pos9', display: 'x' } }], /step 1 expect\.terminal: terminal "pos9" is not declared/],
  [[{ keys: '1', tearAfterBytes: 3 }], /step 1 tearAfterBytes: only a "tap" step can tear/],
  [
    [{ expect: { journal: { kind: 'card.comit', count: 0 } } }],
    /step 1 expect\.journal\.kind: "card\.comit" is not a record kind/,
  ],
];

test('expectations that check nothing, and names nobody declared, are malformed: step and field named', () => {
  for (const [steps, said] of MALFORMED) {
    assert.throws(
      () => parseScenario(withSteps(...steps), 'f.json'),
      (e: Error) => said.test(e.message) && e.message.startsWith('f.json: invalid scenario: '),
      JSON.stringify(steps),
    );
  }
  assert.throws(
    () => parseScenario({ ...withSteps(), cards: [base.cards[0], base.cards[0]] }, 'f.json'),
    /cards: "alice" is defined twice/,
  );
  assert.doesNotThrow(() =>
    parseScenario(
      withSteps({ tap: 'alice' }, { expect: { card: 'alice', balance: '50.00' } }, { expect: { display: 'x' } }),
      'f.json',
    ),
  );
});

test('onecard sim --scenario with an unknown card: exit 2 and one line, no stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-sc-'));
  try {
    const file = join(dir, 'unknown-card.json');
    writeFileSync(file, JSON.stringify(withSteps({ tap: 'bob' })));
    const r = await runCli(['sim', '--scenario', file]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /unknown-card\.json: invalid scenario: step 1 tap: card "bob" is not declared/);
    assert.doesNotMatch(r.stderr, STACK_FRAME);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a mistyped amount in a scenario is malformed, with the reason of the one amount rule and the field', () => {
  const said: [string, RegExp][] = [
    ['1.005', /at "steps\[0\]\.expect\.balance": amount "1\.005": at most two decimals \(cents\)$/],
    ['1,000.00', /at "steps\[0\]\.expect\.balance": amount "1,000\.00": no thousands separators/],
    ['-1.00', /at "steps\[0\]\.expect\.balance": amount "-1\.00": must not be negative$/],
  ];
  for (const [balance, reason] of said)
    assert.throws(() => parseScenario(withSteps({ expect: { card: 'alice', balance } }), 'f.json'), reason, balance);
});
