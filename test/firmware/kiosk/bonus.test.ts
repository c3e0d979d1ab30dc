import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cashboxCount, owedCents } from '../../../firmware/kiosk/owed.ts';
import { CUSTOMER, kioskRig, RULES } from './rig.ts';
import { KIND } from '../../../firmware/card-tx/records.ts';
import { REPRINT_RETRY_MS } from '../../../firmware/kiosk/receipt-desk.ts';
import { SimPrinter } from '../../../simulator/printer/sim-printer.ts';

/**
 * Issue 15 item 6 at the kiosk: a top-up bonus tier from the config's points rules lands in the
 * subsidy wallet with the bill, and what the kiosk owes the card counts the cash alone — the bonus
 * is never taken for a bill paid, so no bill is paid twice or short.
 */
const POINTS = {
  saleCentsPerPoint: 0,
  topupCentsPerPoint: 0,
  topupBonuses: [{ minTopupCents: 2_000, bonusSubsidyCents: 200 }],
};

test('a ¥20 bill earns its ¥2 bonus in the subsidy wallet; the kiosk owes nothing more', async () => {
  const w = await kioskRig({ rules: { ...RULES, points: POINTS } });
  await w.tap(w.customer);
  for (let i = 0; i < 20 && w.driver.device.kind !== 'idle'; i++) await w.run();
  w.emulator.insert(3); // ¥20
  await w.run(8);
  w.emulator.insert(2); // ¥10: below the tier, no bonus
  await w.run(8);
  assert.equal(await w.cardBalance(), 1_000 + 2_000 + 200 + 1_000);
  assert.deepEqual(
    w.receipts.map((r) => r.amountCents),
    [2_000, 1_000],
  );
  assert.equal(owedCents(w.journal, CUSTOMER), 0);
  assert.deepEqual(cashboxCount(w.journal), { count: 2, amountCents: 3_000 });
  await w.close();
});

test('a top-up earns member points on its cash as at the POS: journaled on its intent, on its receipt', async () => {
  const points = { ...POINTS, topupCentsPerPoint: 100 }; // a point per ¥1 of cash; the ¥2 bonus earns none
  const printer = new SimPrinter();
  const w = await kioskRig({ rules: { ...RULES, points }, printer });
  await w.tap(w.customer);
  for (let i = 0; i < 20 && w.driver.device.kind !== 'idle'; i++) await w.run();
  w.emulator.insert(3); // ¥20
  await w.run(8);
  const intents = w.journal.after(0, 1_000).filter((r) => r.kind === KIND.intent);
  assert.deepEqual(
    intents.map((r) => (r.body as { points?: number }).points),
    [20],
  );
  assert.match(printer.transcript(), /Points +\+20/);
  // Paper out: the COPY printed later is rebuilt from the intent, with the cash (not cash + bonus) and the points.
  printer.runOutOfPaper();
  w.emulator.insert(3);
  await w.run(8);
  printer.loadPaper();
  w.clock.advance(REPRINT_RETRY_MS);
  await w.run(1);
  assert.deepEqual(
    w.receipts.map((r) => [r.amountCents, r.points, r.copy]),
    [
      [2_000, 20, false],
      [2_000, 20, false],
      [2_000, 20, true],
    ],
  );
  await w.close();
});
