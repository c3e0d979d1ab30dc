import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CardContext, initialMemory, type KioskMemory, next } from '../../../firmware/kiosk/machine.ts';
import { RMB_TABLE } from '../../../simulator/cash/ccnet/emulator.ts';
import { CAP_CENTS, RULES, TOPUP_MAX_CENTS } from './rig.ts';

/** The machine alone: no acceptor, no card, no journal. */
const facts = { billTable: RMB_TABLE, topupMaxCents: TOPUP_MAX_CENTS };
const card = (balance: number): CardContext => ({
  identity: {
    tenantId: 1,
    cardNumber: 1001,
    cardClass: 1,
    expiryDay: 11322,
    issueDay: 9823,
    flags: { frozen: false, pinRequired: false, countPurse: false },
    pinVerifier: new Uint8Array(4),
  },
  purse: { counter: 3, balance, subsidy: 0, lastCreditSeq: 0, day: 9823, spentToday: 0, writerTerminalId: 0 },
  rules: RULES,
});
const inTopup = (balance: number): KioskMemory =>
  next(initialMemory(), { kind: 'card', card: card(balance) }, facts).memory;

test('a tap enables only the bill types under the cap and the limit', () => {
  const step = next(initialMemory(), { kind: 'card', card: card(CAP_CENTS - 1_000) }, facts);
  assert.deepEqual(step.effects[0], { kind: 'enable', billTypes: [0, 1, 2] });
  assert.equal(step.memory.state.kind, 'topup');
});

test('escrow of a type not enabled, or of unknown value, goes back and nothing is stacked', () => {
  const m = inTopup(CAP_CENTS - 1_000);
  assert.deepEqual(next(m, { kind: 'escrow', billType: 4, valueCents: 5_000 }, facts).effects, [{ kind: 'return' }]);
  assert.deepEqual(next(m, { kind: 'escrow', billType: 1, valueCents: undefined }, facts).effects, [
    { kind: 'return' },
  ]);
});

test('a bill is credited on stacked, never on escrow', () => {
  const m = inTopup(1_000);
  const escrow = next(m, { kind: 'escrow', billType: 2, valueCents: 1_000 }, facts);
  assert.deepEqual(
    escrow.effects.map((e) => e.kind),
    ['stack', 'show'],
  );
  const stacked = next(escrow.memory, { kind: 'stacked', valueCents: 1_000 }, facts);
  assert.deepEqual(stacked.effects, [{ kind: 'credit', cardNumber: 1001 }]);
});

test('an alarm disables the acceptor, is journaled and shown; clearing it enables what fits again', () => {
  const m = inTopup(1_000);
  const alarm = next(m, { kind: 'alarm', alarm: 'jammed', detail: 'jammed' }, facts);
  assert.deepEqual(alarm.effects, [
    { kind: 'enable', billTypes: [] },
    { kind: 'journal-alarm', alarm: 'jammed', detail: 'jammed' },
    { kind: 'show', screen: { kind: 'alarm', alarm: 'jammed' } },
  ]);
  assert.deepEqual(next(alarm.memory, { kind: 'escrow', billType: 0, valueCents: 100 }, facts).effects, [
    { kind: 'return' },
  ]);
  const cleared = next(alarm.memory, { kind: 'alarm-cleared' }, facts);
  assert.deepEqual(cleared.effects[0], { kind: 'enable', billTypes: [0, 1, 2, 3, 4, 5] });
});
