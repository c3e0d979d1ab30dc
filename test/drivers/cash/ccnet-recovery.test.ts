import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CcnetDriver } from '../../../drivers/cash/ccnet/driver.ts';
import type { CashEvent } from '../../../drivers/cash/ccnet/events.ts';
import { cycles, ready, rig, until, VirtualTime } from './harness.ts';

const of = <K extends CashEvent['kind']>(events: CashEvent[], kind: K) =>
  events.filter((e): e is Extract<CashEvent, { kind: K }> => e.kind === kind);

test('runtime restart with a bill in escrow: the new run returns it, credits nothing', async () => {
  const r = await rig();
  await ready(r.driver);
  r.emulator.insert(4);
  await until(r.driver, 'escrow');
  // The runtime dies here; a new driver opens the same validator.
  const time = new VirtualTime();
  const fresh = new CcnetDriver(r.port, { scheduler: time, clock: time });
  await until(fresh, 'returned');
  await cycles(fresh, 2);
  const events = fresh.takeEvents();
  assert.deepEqual(of(events, 'escrow-at-start'), [{ kind: 'escrow-at-start', billType: 4 }]);
  assert.deepEqual(of(events, 'stacked'), []);
  assert.deepEqual(of(events, 'escrow'), []);
  assert.deepEqual(r.emulator.cassette, []);
  // Nobody may stack it on the new run's behalf.
  assert.equal(fresh.stack().ok, false);
  await r.close();
});

for (const [pollsBeforeDeath, firstSeen] of [
  [0, 'stacking'],
  [1, 'stacked'],
] as const) {
  test(`runtime restart while the bill is stacking (new run first sees ${firstSeen}): stacked reported once, for the journal to settle`, async () => {
    const r = await rig();
    await ready(r.driver);
    r.emulator.insert(5);
    await until(r.driver, 'escrow');
    r.driver.stack();
    await cycles(r.driver, 1 + pollsBeforeDeath); // STACK sent and ACKed; the runtime dies
    const time = new VirtualTime();
    const fresh = new CcnetDriver(r.port, { scheduler: time, clock: time });
    await cycles(fresh, 5);
    const stacked = of(fresh.takeEvents(), 'stacked');
    assert.equal(stacked.length, 1);
    assert.equal(stacked[0]!.valueCents, undefined); // no bill table read yet in this run: the journal knows the value
    assert.equal(stacked[0]!.billType, 5);
    // Seen with no escrow or stacking of this run before it: the caller must look for its own STACK_SENT record.
    assert.equal(stacked[0]!.withoutEscrow, firstSeen === 'stacked');
    assert.deepEqual(r.emulator.cassette, [5]);
    await r.close();
  });
}

test('validator power loss mid-stack: silence is an alarm, the power-up says the bill is in the stacker', async () => {
  const r = await rig();
  await ready(r.driver);
  r.emulator.insert(2);
  await until(r.driver, 'escrow');
  r.driver.stack();
  await cycles(r.driver, 1);
  r.emulator.powerOff();
  await until(r.driver, 'no-response');
  assert.deepEqual(
    of(r.driver.takeEvents(), 'alarm').map((e) => e.alarm),
    ['no-response'],
  );
  r.emulator.powerOn();
  await until(r.driver, 'idle', 20);
  const events = r.driver.takeEvents();
  assert.deepEqual(of(events, 'power-up'), [{ kind: 'power-up', bill: 'in-stacker' }]);
  assert.deepEqual(of(events, 'stacked'), []);
  assert.deepEqual(r.emulator.cassette, [2]);
  await r.close();
});

test('validator power loss with a bill in escrow: power-up reports it in the validator (returned), nothing stacked', async () => {
  const r = await rig();
  await ready(r.driver);
  r.driver.takeEvents();
  r.emulator.insert(0);
  await until(r.driver, 'escrow');
  r.emulator.powerOff();
  await until(r.driver, 'no-response');
  r.emulator.powerOn();
  await until(r.driver, 'idle', 20);
  assert.deepEqual(of(r.driver.takeEvents(), 'power-up'), [{ kind: 'power-up', bill: 'in-validator' }]);
  assert.deepEqual(r.emulator.cassette, []);
  await r.close();
});

test('jam, cassette removed, cheat: each an alarm event once, cleared when the device recovers', async () => {
  const r = await rig();
  await ready(r.driver);
  r.driver.takeEvents();
  const faults: [() => void, () => void, string][] = [
    [() => r.emulator.jam(), () => r.emulator.clearJam(), 'jammed'],
    [() => r.emulator.removeCassette(), () => r.emulator.insertCassette(), 'cassette-removed'],
    [() => r.emulator.cheat(), () => {}, 'cheated'],
  ];
  for (const [fault, fix, alarm] of faults) {
    fault();
    await cycles(r.driver, 3);
    fix();
    await until(r.driver, 'idle');
    const events = r.driver.takeEvents();
    assert.deepEqual(
      of(events, 'alarm').map((e) => e.alarm),
      [alarm],
    );
    assert.equal(of(events, 'alarm-cleared').length, 1);
  }
  await r.close();
});

test('cassette full: the stacked bill still counts, then the alarm', async () => {
  const { CcnetEmulator, RMB_TABLE } = await import('../../../simulator/cash/ccnet/emulator.ts');
  const r = await rig(new CcnetEmulator(RMB_TABLE, 1));
  await ready(r.driver);
  r.emulator.insert(1);
  await until(r.driver, 'escrow');
  r.driver.stack();
  await until(r.driver, 'alarm');
  const events = r.driver.takeEvents();
  assert.equal(of(events, 'stacked').length, 1);
  assert.deepEqual(
    of(events, 'alarm').map((e) => e.alarm),
    ['cassette-full'],
  );
  await r.close();
});

test('a failure is an alarm until the validator is power-cycled', async () => {
  const r = await rig();
  await ready(r.driver);
  r.driver.takeEvents();
  r.emulator.fail();
  await cycles(r.driver, 3);
  assert.deepEqual(
    of(r.driver.takeEvents(), 'alarm').map((e) => e.detail),
    ['failure: stack motor'],
  );
  r.emulator.powerOff();
  r.emulator.powerOn();
  await until(r.driver, 'idle', 20);
  assert.equal(of(r.driver.takeEvents(), 'alarm-cleared').length, 1);
  await r.close();
});
