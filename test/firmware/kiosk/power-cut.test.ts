import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStacks } from '../../../firmware/kiosk/owed.ts';
import { assertNoMoneyLost, PowerCut, sessionWithOneBill } from './rig.ts';

/**
 * The power goes at every step of a bill's life, with the validator on the
 * same supply or not, and the kiosk boots again on the journal as the cut left
 * it (test/firmware/card-tx/power-cut.ts copies its files at that instant).
 * Whatever the step: every bill in the cassette ends on the card exactly once,
 * a bill given back is never credited, and the cash box counts what was credited.
 */
const CUTS = [
  // [where, the log event and field that mark it, whether the ¥20 bill ends in the cassette]
  ['escrowed (no decision yet)', 'kiosk.bill', 'step', 'escrowed', false],
  ['stacking (cash.stack journaled, STACK not sent)', 'kiosk.bill', 'step', 'stacking', false],
  ['STACK sent, validator stacking', 'ccnet.state', 'to', 'stacking', true],
  ['stacked reported, not journaled', 'kiosk.bill', 'step', 'stacked', true],
  ['stacked journaled, card not written', 'kiosk.bill', 'step', 'journaled', true],
  ['card written, no receipt', 'kiosk.bill', 'step', 'card-written', true],
  ['receipt printed', 'kiosk.bill', 'step', 'receipt-printed', true],
] as const;

for (const [where, event, field, value, inCassette] of CUTS) {
  for (const validatorLostPower of [false, true]) {
    const power = validatorLostPower ? 'validator too' : 'validator kept power';
    test(`power cut at ${where} (${power}): each stacked bill credited once, cash box = credited`, async () => {
      const w = await sessionWithOneBill(); // ¥10, through untouched
      w.log.at = { event, field, value };
      w.emulator.insert(3); // ¥20, cut on its way
      await assert.rejects(w.run(10), PowerCut);
      w.restart(validatorLostPower);
      await w.run(10);
      assert.deepEqual(openStacks(w.journal), [], 'every stack settled as stacked or returned');
      await w.tap(w.customer);
      await w.run(2);
      w.emulator.insert(1); // ¥5 after the restart: the kiosk takes bills again
      await w.run(8);

      assert.deepEqual(w.emulator.cassette, inCassette ? [2, 3, 1] : [2, 1]);
      await assertNoMoneyLost(w);
      await w.close();
    });
  }
}
