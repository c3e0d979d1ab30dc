import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KIND } from '../../../firmware/card-tx/records.ts';
import { owedCents } from '../../../firmware/kiosk/owed.ts';
import { screenText } from '../../../firmware/kiosk/screen.ts';
import { CUSTOMER, kioskRig, type KioskRig, PowerCut, sessionWithOneBill } from './rig.ts';

async function until(w: KioskRig, kind: string, max = 20): Promise<void> {
  for (let i = 0; i < max && w.driver.device.kind !== kind; i++) await w.run();
  assert.equal(w.driver.device.kind, kind, `validator stuck in ${w.driver.device.kind}, wanted ${kind}`);
}

/** The card leaves while its ¥20 is stacking: the bill finishes its life with no card to write. */
async function leaveOwing(w: KioskRig): Promise<void> {
  await w.tap(w.customer);
  await until(w, 'idle');
  w.emulator.insert(3);
  await until(w, 'stacking');
  await w.takeAway();
  await w.run(8);
}

const handovers = (w: KioskRig) => w.journal.after(0, 1_000).filter((r) => r.kind === KIND.cashHandover);

test('a card that leaves owing at a kiosk with a backend: the owed goes over as cash.handover, never paid here', async () => {
  const w = await kioskRig({ handOverOwed: true });
  await leaveOwing(w);
  assert.deepEqual(
    handovers(w).map((r) => [r.card, r.body]),
    [[CUSTOMER, { cardNumber: CUSTOMER, amountCents: 2_000 }]],
  );
  assert.equal(owedCents(w.journal, CUSTOMER), 0, 'the kiosk owes nothing once handed over');
  assert.deepEqual(w.kiosk.screen, { kind: 'card-gone', owedCents: 2_000, handedOver: true });
  assert.match(screenText(w.kiosk.screen)[1], /every terminal/);
  // Back at this kiosk before the backend's credit arrives: nothing is written here (the backend pays it).
  await w.tap(w.customer);
  assert.equal(await w.cardBalance(), 1_000);
  assert.deepEqual(w.receipts, []);
  assert.equal(handovers(w).length, 1);
  await w.close();
});

test('a standalone kiosk (no backend) keeps the owed and writes it at the next tap here', async () => {
  const w = await kioskRig({ handOverOwed: false });
  await leaveOwing(w);
  assert.deepEqual(handovers(w), []);
  assert.equal(owedCents(w.journal, CUSTOMER), 2_000);
  await w.tap(w.customer);
  assert.equal(await w.cardBalance(), 3_000);
  await w.close();
});

test('the backend switches the acceptor off: no bill type enabled, the screen says so, STATUS degraded; on again', async () => {
  const w = await kioskRig();
  await w.tap(w.customer);
  await until(w, 'idle');
  const enables = () => w.emulator.received.filter((p) => p[0] === 0x34).map((p) => [p[1], p[2], p[3]]);
  await w.kiosk.setAcceptorEnabled(false);
  await w.run(2);
  assert.deepEqual(enables().at(-1), [0, 0, 0], 'ENABLE BILL TYPES all zero');
  assert.deepEqual(w.kiosk.screen, { kind: 'disabled', balanceCents: 1_000 });
  assert.match(screenText(w.kiosk.screen)[1], /switched off/);
  assert.deepEqual(w.kiosk.health(), { kind: 'bill-acceptor', health: 'degraded' });
  assert.equal(w.driver.device.kind, 'disabled', 'the validator takes no bill in at all');
  await w.takeAway();
  assert.equal(w.kiosk.screen.kind, 'disabled', 'at rest too');
  await w.kiosk.setAcceptorEnabled(true);
  assert.deepEqual(w.kiosk.screen, { kind: 'idle' });
  assert.equal(w.kiosk.health().health, 'ok');
  await w.tap(w.customer);
  await w.run(2);
  assert.notDeepEqual(enables().at(-1), [0, 0, 0]);
  await w.close();
});

test('a top-up torn mid-write is not handed over (it may have paid): the next tap here settles it, paid once', async () => {
  const w = await kioskRig({ handOverOwed: true });
  await w.tap(w.customer);
  await until(w, 'idle');
  w.customer.armTear(20); // the card leaves inside the MAC block of the purse write: did it land? (uncertain)
  w.emulator.insert(3);
  await w.run(8);
  w.customer.disarm();
  assert.deepEqual(handovers(w), [], 'an uncertain write keeps the owed here');
  assert.deepEqual(w.kiosk.screen, { kind: 'card-gone', owedCents: 2_000, handedOver: false });
  await w.takeAway();
  await w.tap(w.customer);
  assert.equal(owedCents(w.journal, CUSTOMER), 0);
  assert.equal(await w.cardBalance(), 3_000, 'the ¥20 on the card once');
  await w.close();
});

// A power cut leaves the owed here; at start the kiosk hands it over, as if the card had left owing.
for (const [where, event, field, value] of [
  ['cash.stacked journaled, card not written', 'kiosk.bill', 'step', 'journaled'],
  ['STACK sent (the stack closes after the restart)', 'ccnet.state', 'to', 'stacking'],
] as const) {
  test(`power cut at ${where}, kiosk with a backend: the owed is handed over at start, never paid here`, async () => {
    const w = await sessionWithOneBill({ handOverOwed: true }); // ¥10 through untouched
    w.log.at = { event, field, value };
    w.emulator.insert(3); // ¥20, cut on its way
    await assert.rejects(w.run(10), PowerCut);
    w.restart();
    await w.run(10);
    assert.deepEqual(
      handovers(w).map((r) => r.body),
      [{ cardNumber: CUSTOMER, amountCents: 2_000 }],
      'the ¥20 handed over once',
    );
    assert.equal(owedCents(w.journal, CUSTOMER), 0);
    w.restart(); // a second start finds nothing more to hand over
    await w.tap(w.customer);
    await w.run(2);
    assert.equal(await w.cardBalance(), 2_000, 'the ¥10 only: the ¥20 is the backend credit now');
    assert.equal(handovers(w).length, 1);
    await w.close();
  });
}

test('a write of unknown outcome is not handed over at start: the next tap here settles it and pays once', async () => {
  const w = await kioskRig({ handOverOwed: true });
  await w.tap(w.customer);
  await until(w, 'idle');
  w.customer.armTear(20); // the purse write torn: did it land? (uncertain)
  w.emulator.insert(3);
  await w.run(8);
  w.customer.disarm();
  w.restart();
  await w.run(6);
  assert.deepEqual(handovers(w), [], 'the write may have paid it: kept here');
  assert.equal(owedCents(w.journal, CUSTOMER), 2_000);
  await w.tap(w.customer);
  assert.equal(owedCents(w.journal, CUSTOMER), 0);
  assert.equal(await w.cardBalance(), 3_000, 'the ¥20 on the card once');
  w.restart();
  assert.deepEqual(handovers(w), [], 'paid: nothing left to hand over');
  await w.close();
});

test('the card back on the reader before its stack closes after a restart: the bill is written to it, not handed over', async () => {
  const w = await sessionWithOneBill({ handOverOwed: true }); // ¥10 through untouched
  w.log.at = { event: 'ccnet.state', field: 'to', value: 'stacking' };
  w.emulator.insert(3); // ¥20, cut on its way into the cassette
  await assert.rejects(w.run(10), PowerCut);
  w.restart();
  await w.tap(w.customer); // before the first poll of the new run: the stack is still open
  await w.run(10);
  assert.deepEqual(handovers(w), []);
  assert.equal(owedCents(w.journal, CUSTOMER), 0);
  assert.equal(w.kiosk.screen.kind, 'balance');
  assert.equal(await w.cardBalance(), 1_000 + 1_000 + 2_000, 'the ¥20 on the card once');
  await w.close();
});
