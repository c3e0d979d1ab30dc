import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenText, screenView } from '../../../firmware/kiosk/screen.ts';
import { KioskScreenTwin } from '../../../simulator/kiosk-screen/twin.ts';
import { kioskRig } from './rig.ts';

test('screenView: amounts formatted once, progress toward what the session may take, a tone per kind', () => {
  const balance = screenView({ kind: 'balance', balanceCents: 2_000, insertedCents: 1_000, roomCents: 9_000 });
  assert.deepEqual(
    { ...balance, lines: undefined },
    {
      kind: 'balance',
      tone: 'calm',
      lines: undefined,
      balance: '¥20.00',
      inserted: '¥10.00',
      room: '¥90.00',
      progressPercent: 10,
    },
  );
  assert.match(balance.lines.en, /Insert bills/, 'the amounts have their places: the message says what to do');
  const atCap = screenView({ kind: 'balance', balanceCents: 50_000, insertedCents: 0, roomCents: 0 });
  assert.equal(atCap.progressPercent, 100, 'nothing more may go in: the bar is full');
  assert.match(atCap.lines.zh, /已达充值上限/);
  const alarm = screenView({ kind: 'alarm', alarm: 'jammed' });
  assert.deepEqual([alarm.tone, alarm.balance, alarm.progressPercent], ['alarm', null, null]);
  assert.deepEqual(alarm.lines, { zh: '纸币卡住，请联系工作人员', en: 'Bill jammed: please call staff' });
  assert.equal(screenView({ kind: 'accepting', valueCents: 1_000 }).tone, 'busy');
  assert.equal(screenView({ kind: 'card-gone', owedCents: 1_000, handedOver: false }).tone, 'warn');
});

test('the kiosk pushes each screen: idle at boot, the balance, the bill, the risen balance, an alarm', async () => {
  const twin = new KioskScreenTwin();
  const w = await kioskRig({ screenDisplay: twin });
  assert.equal(twin.current?.kind, 'idle', 'the screen is there from boot, before any event');
  await w.run(6);
  await w.tap(w.customer);
  await w.run(2);
  assert.equal(twin.current?.balance, '¥10.00');
  w.emulator.insert(2);
  await w.run(8);
  assert.deepEqual(
    twin.views.map((v) => [v.kind, v.balance]),
    [
      ['idle', null],
      ['balance', '¥10.00'],
      ['accepting', null],
      ['balance', '¥20.00'],
    ],
  );
  assert.deepEqual(twin.current, screenView(w.kiosk.screen), 'what the kiosk keeps is what it pushed');
  w.emulator.jam();
  await w.run(1);
  assert.deepEqual([twin.current?.kind, twin.current?.tone], ['alarm', 'alarm']);
  await w.close();
});

test('notes not taken are named, several of them too, with what the top-up may still take', () => {
  assert.deepEqual(screenText({ kind: 'not-taken', notesCents: [2_000, 5_000, 10_000], roomCents: 1_500 }), [
    '本机现不收 20、50、100 元纸币，本次还可投入 ¥15.00',
    '20, 50 and 100 yuan notes are not accepted here now: up to ¥15.00 more',
  ]);
  assert.equal(screenView({ kind: 'not-taken', notesCents: [10_000], roomCents: 0 }).tone, 'warn');
});
