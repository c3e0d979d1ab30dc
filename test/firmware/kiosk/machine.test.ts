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

test('switched off mid-bill: the bill finishes its life, then nothing is enabled and an escrow goes back', () => {
  const escrow = next(inTopup(1_000), { kind: 'escrow', billType: 2, valueCents: 1_000 }, facts);
  const off = next(escrow.memory, { kind: 'remote', enabled: false }, facts);
  assert.deepEqual(off.effects, [], 'nothing interrupts the bill on its way in');
  const stacked = next(off.memory, { kind: 'stacked', valueCents: 1_000 }, facts);
  const credited = next(
    stacked.memory,
    { kind: 'credited', card: card(2_000), amountCents: 1_000, receiptFault: null },
    facts,
  );
  assert.deepEqual(credited.effects, [
    { kind: 'enable', billTypes: [] },
    { kind: 'show', screen: { kind: 'disabled', balanceCents: 2_000 } },
  ]);
  assert.deepEqual(next(credited.memory, { kind: 'escrow', billType: 0, valueCents: 100 }, facts).effects, [
    { kind: 'return' },
  ]);
});

test('a credit cut short hands over only when the shell found nothing in the way', () => {
  const cut = (handOver: boolean) =>
    next(inTopup(1_000), { kind: 'credit-cut', cardNumber: 1001, owedCents: 2_000, handOver }, facts).effects;
  assert.deepEqual(cut(true).at(-1), { kind: 'hand-over', cardNumber: 1001 });
  assert.deepEqual(cut(true).at(-2), {
    kind: 'show',
    screen: { kind: 'card-gone', owedCents: 2_000, handedOver: true },
  });
  assert.ok(!cut(false).some((e) => e.kind === 'hand-over'));
});

test('a receipt the printer did not finish shows on the balance until the printer is back', () => {
  const faulty = next(
    inTopup(1_000),
    { kind: 'credited', card: card(2_000), amountCents: 1_000, receiptFault: 'paper-out' },
    facts,
  );
  assert.equal(faulty.memory.printerFault, 'paper-out');
  const shown = faulty.effects.find((e) => e.kind === 'show');
  assert.deepEqual(shown, {
    kind: 'show',
    screen: {
      kind: 'balance',
      balanceCents: 2_000,
      insertedCents: 1_000,
      roomCents: 19_000,
      receiptFault: 'paper-out',
    },
  });
  const back = next(faulty.memory, { kind: 'printer-back' }, facts);
  assert.equal(back.memory.printerFault, null);
  assert.ok(
    back.effects.some((e) => e.kind === 'show' && e.screen.kind === 'balance' && !('receiptFault' in e.screen)),
  );
});
