import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../../firmware/config/schema.ts';
import { next, type PosFacts } from '../../../firmware/pos/machine.ts';
import { rulesFor } from '../../../firmware/pos/config-swap.ts';
import type { PosMemory } from '../../../firmware/pos/state.ts';

/** The POS's decisions as a pure function (firmware/pos/machine.ts), driven here with no card, journal or clock. */
const config = parseConfig({
  terminal: { id: 101, name: 'Canteen 1', tenantId: 1 },
  storage: { dataDir: '/var/lib/onecard', keyFile: '/etc/onecard/keys.json' },
  cardClasses: [{ id: 1, name: { zh: '员工', en: 'Staff' }, dailyLimitCents: 10_000 }],
});
const facts: PosFacts = {
  config,
  rules: rulesFor(config),
  operator: null,
  nowMs: 0,
  context: () => assert.fail('no card is looked up for a key'),
};
const idle: PosMemory = { state: { mode: 'idle' }, lastSale: null, unsettled: [] };

function run(keys: string[]): { memory: PosMemory; kinds: string[] } {
  let memory = idle;
  const kinds: string[] = [];
  for (const key of keys) {
    const step = next(memory, { kind: 'key', key }, facts);
    memory = step.memory;
    kinds.push(...step.effects.map((e) => e.kind));
  }
  return { memory, kinds };
}

test('keys move the state through next() alone: same keys, same state, inputs untouched', () => {
  const before = JSON.stringify(idle);
  const a = run(['1', '2', '.', '5', 'confirm']);
  assert.deepEqual(a.memory.state, {
    mode: 'await-card',
    request: { kind: 'sale', amountCents: 1_250, lines: [] },
    pinFor: null,
  });
  assert.deepEqual(new Set(a.kinds), new Set(['show']), 'a key only shows: no write, no journal');
  assert.deepEqual(run(['1', '2', '.', '5', 'confirm']), a);
  assert.equal(JSON.stringify(idle), before);
  assert.deepEqual(run(['1', 'cancel']).memory.state, { mode: 'idle' });
  assert.deepEqual(run(['undo']).memory, idle, 'nothing to undo: nothing moves');
});

test('PosApp assigns its state in one place, move()', () => {
  const source = readFileSync(new URL('../../../firmware/pos/pos.ts', import.meta.url), 'utf8');
  const assignments = source.split('\n').filter((l) => /this\.memory\s*=[^=]/.test(l));
  assert.equal(assignments.length, 2, `the constructor and move(), found:\n${assignments.join('\n')}`);
  const moveBody = source.slice(source.indexOf('private move('), source.indexOf('private step('));
  assert.match(moveBody, /this\.memory\s*=[^=]/);
});
