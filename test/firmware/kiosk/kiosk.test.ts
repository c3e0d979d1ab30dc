import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cashboxCount, owedCents } from '../../../firmware/kiosk/owed.ts';
import { CUSTOMER, kioskRig, type KioskRig } from './rig.ts';

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

test('a bill stacked is journaled, then credited to the card, then a receipt: balance, cash box and day total move together', async () => {
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
