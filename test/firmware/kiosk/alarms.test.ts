import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KIND } from '../../../firmware/card-tx/records.ts';
import { screenText } from '../../../firmware/kiosk/screen.ts';
import { assertNoMoneyLost, type KioskRig, sessionWithOneBill } from './rig.ts';

const alarms = (w: KioskRig) =>
  w.journal
    .after(0, 1_000)
    .filter((r) => r.kind === KIND.cashAlarm)
    .map((r) => (r.body as { alarm: string }).alarm);

for (const [fault, make, fix, message] of [
  ['jammed', (w: KioskRig) => w.emulator.jam(), (w: KioskRig) => w.emulator.clearJam(), 'Bill jammed'],
  [
    'cassette-removed',
    (w: KioskRig) => w.emulator.removeCassette(),
    (w: KioskRig) => w.emulator.insertCassette(false),
    'Cash box removed',
  ],
  ['cheated', (w: KioskRig) => w.emulator.cheat(), () => {}, 'Tampering'],
] as const) {
  test(`${fault}: a clear message, a cash.alarm record, STATUS degraded; after it the kiosk takes bills again`, async () => {
    const w = await sessionWithOneBill();
    make(w);
    await w.run(1); // a cheat is over at the next poll: the message shows for what it was
    assert.deepEqual(alarms(w), [fault]);
    assert.deepEqual(w.kiosk.screen, { kind: 'alarm', alarm: fault });
    assert.match(screenText(w.kiosk.screen)[1], new RegExp(message));
    assert.deepEqual(w.kiosk.health(), { kind: 'bill-acceptor', health: 'degraded' });
    fix(w);
    await w.run(4);
    assert.equal(w.kiosk.health().health, 'ok');
    assert.equal(w.kiosk.screen.kind, 'balance');
    w.emulator.insert(1);
    await w.run(8);
    await assertNoMoneyLost(w);
    await w.close();
  });
}

test('a jam with the bill stacking, its "stacked" never reported: the STACK went out, so it is credited once the jam clears', async () => {
  const w = await sessionWithOneBill();
  w.emulator.insert(3);
  for (let i = 0; i < 10 && w.driver.device.kind !== 'stacking'; i++) await w.run();
  w.emulator.jam();
  await w.run(2);
  assert.deepEqual(alarms(w), ['jammed']);
  w.emulator.clearJam();
  // The bill had reached the cassette; the jam took the place of its "stacked" report, which never came.
  assert.deepEqual(w.emulator.cassette, [2, 3]);
  await w.run(4);
  await assertNoMoneyLost(w);
  await w.close();
});

test('the validator loses power mid-stack: "not answering", a record, and the bill in the stacker is credited once', async () => {
  const w = await sessionWithOneBill();
  w.emulator.insert(3);
  for (let i = 0; i < 10 && w.driver.device.kind !== 'escrow'; i++) await w.run();
  await w.driver.cycle(); // STACK goes out; the bill is moving into the stacker
  assert.equal(w.emulator.state, 'stacking');
  w.emulator.powerOff();
  await w.run(4);
  assert.deepEqual(alarms(w), ['no-response']);
  assert.match(screenText(w.kiosk.screen)[1], /not answering/);
  w.emulator.powerOn();
  await w.run(12);
  assert.deepEqual(w.emulator.cassette, [2, 3]);
  await assertNoMoneyLost(w);
  await w.close();
});
