import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cashboxCount, owedCents } from '../../../firmware/kiosk/owed.ts';
import { KIND } from '../../../firmware/card-tx/records.ts';
import { screenText } from '../../../firmware/kiosk/screen.ts';
import { CAP_CENTS, CUSTOMER, kioskRig, type KioskRig, OPERATOR } from './rig.ts';

/** Polls until the kiosk has acted on the validator reaching `kind` (at most `max` cycles). */
async function until(w: KioskRig, kind: string, max = 20): Promise<void> {
  for (let i = 0; i < max && w.driver.device.kind !== kind; i++) await w.run();
  assert.equal(w.driver.device.kind, kind, `validator stuck in ${w.driver.device.kind}, wanted ${kind}`);
}

/** One bill in at the slot and through to the end of its life (credited, returned or rejected). */
async function insert(w: KioskRig, billType: number): Promise<void> {
  w.emulator.insert(billType);
  await w.run(8);
}

test('a bill stacked is journaled, then credited to the card, then a receipt; balance and cash box move together', async () => {
  const w = await kioskRig();
  await w.tap(w.customer);
  await until(w, 'idle');
  await insert(w, 2); // ¥10
  await insert(w, 3); // ¥20
  assert.equal(await w.cardBalance(), 1_000 + 1_000 + 2_000);
  assert.deepEqual(
    w.receipts.map((r) => r.amountCents),
    [1_000, 2_000],
  );
  assert.deepEqual(cashboxCount(w.journal), { count: 2, amountCents: 3_000 });
  assert.equal(owedCents(w.journal, CUSTOMER), 0);
  assert.deepEqual(w.kiosk.screen, { kind: 'balance', balanceCents: 4_000, insertedCents: 3_000, roomCents: 17_000 });
  await w.close();
});

test('card taken away with a bill in escrow: the bill goes back, nothing is credited or owed', async () => {
  const w = await kioskRig();
  await w.tap(w.customer);
  await until(w, 'idle');
  w.emulator.insert(3);
  await w.driver.cycle(); // accepting
  await w.driver.cycle(); // escrow, not yet acted on: the card leaves first
  await w.takeAway();
  await w.run(8);
  assert.deepEqual(w.emulator.cassette, []);
  assert.equal(owedCents(w.journal, CUSTOMER), 0);
  assert.equal(await w.cardBalance(), 1_000);
  assert.deepEqual(cashboxCount(w.journal), { count: 0, amountCents: 0 });
  assert.deepEqual(w.kiosk.screen, { kind: 'idle' });
  await w.close();
});

test('card taken away while its bill is stacking: the bill is owed, journaled, and written at its next tap', async () => {
  const w = await kioskRig();
  await w.tap(w.customer);
  await until(w, 'idle');
  w.emulator.insert(3);
  await until(w, 'stacking');
  await w.takeAway();
  await w.run(8);
  assert.deepEqual(w.emulator.cassette, [3]);
  assert.equal(owedCents(w.journal, CUSTOMER), 2_000);
  assert.deepEqual(w.kiosk.screen, { kind: 'card-gone', owedCents: 2_000, handedOver: false });
  assert.equal(await w.cardBalance(), 1_000);
  await w.tap(w.customer);
  assert.equal(owedCents(w.journal, CUSTOMER), 0);
  assert.equal(await w.cardBalance(), 3_000);
  assert.deepEqual(cashboxCount(w.journal), { count: 1, amountCents: 2_000 });
  await w.close();
});

test('bill types that would pass the balance cap or the top-up limit are disabled before insertion', async () => {
  const w = await kioskRig({ balanceCents: CAP_CENTS - 2_500 });
  await w.tap(w.customer);
  await until(w, 'idle');
  const enables = () => w.emulator.received.filter((p) => p[0] === 0x34).map((p) => p[3]);
  // ¥1, ¥5, ¥10, ¥20 fit under the cap (¥25 of room); ¥50 and ¥100 are off before anything is inserted.
  assert.equal(enables().at(-1), 0b1111);
  w.emulator.insert(4); // ¥50: the validator refuses it itself, it never reaches escrow
  await w.run(4);
  assert.deepEqual(w.emulator.cassette, []);
  await insert(w, 3); // ¥20: room is ¥5 now
  assert.equal(enables().at(-1), 0b11);
  assert.equal(await w.cardBalance(), CAP_CENTS - 500);
  await w.close();
});

test('a note over the limits comes back named on the screen ("100 yuan notes are not accepted"); its reason in the log', async () => {
  const w = await kioskRig({ balanceCents: CAP_CENTS - 8_000 }); // ¥80 of room: ¥100 is off
  await w.tap(w.customer);
  await until(w, 'idle');
  w.emulator.insert(5); // ¥100
  await w.run(4);
  assert.deepEqual(w.kiosk.screen, { kind: 'not-taken', notesCents: [10_000], roomCents: 8_000 });
  assert.deepEqual(screenText(w.kiosk.screen), [
    '本机现不收 100 元纸币，本次还可投入 ¥80.00',
    '100 yuan notes are not accepted here now: up to ¥80.00 more',
  ]);
  assert.ok(w.log.lines.includes('kiosk.bill-rejected {"reason":"inhibited denomination","code":104}'));
  // A note the validator could not verify is not one "not taken": its screen says it came back.
  w.emulator.insert(2, true); // a forged ¥10
  await w.run(4);
  assert.equal(w.kiosk.screen.kind, 'bill-back');
  assert.deepEqual(w.emulator.cassette, []);
  assert.equal(await w.cardBalance(), CAP_CENTS - 8_000);
  await w.close();
});

test('pending credits (subsidies) are written at the tap, before the top-up', async () => {
  const w = await kioskRig();
  w.credits.credits.push({ card: CUSTOMER, creditSeq: 1, balanceCents: 0, subsidyCents: 1_500, expiryDay: 0 });
  await w.tap(w.customer);
  await until(w, 'idle');
  assert.deepEqual(w.kiosk.screen, { kind: 'balance', balanceCents: 2_500, insertedCents: 0, roomCents: 20_000 });
  assert.equal(await w.cardBalance(), 2_500);
  assert.deepEqual(w.credits.credits, []);
  await w.close();
});

test('operator card: the cash-box count and the day total; emptying journals the count and starts it again', async () => {
  const w = await kioskRig();
  await w.tap(w.customer);
  await until(w, 'idle');
  await insert(w, 2);
  await insert(w, 1);
  await w.takeAway();
  await w.tap(w.operator);
  assert.deepEqual(w.kiosk.screen, { kind: 'cashbox', count: 2, amountCents: 1_500, dayCents: 1_500 });
  w.emulator.removeCassette();
  await w.run(2);
  w.emulator.insertCassette(true);
  assert.deepEqual(w.kiosk.emptied(OPERATOR), { count: 2, amountCents: 1_500 });
  assert.deepEqual(cashboxCount(w.journal), { count: 0, amountCents: 0 });
  const emptied = w.journal.after(0, 100).filter((r) => r.kind === KIND.cashEmptied);
  assert.deepEqual(
    emptied.map((r) => r.body),
    [{ operator: OPERATOR, count: 2, amountCents: 1_500 }],
  );
  await w.close();
});
