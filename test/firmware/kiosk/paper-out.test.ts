import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KIND } from '../../../firmware/card-tx/records.ts';
import { REPRINT_RETRY_MS } from '../../../firmware/kiosk/receipt-desk.ts';
import { owedCents } from '../../../firmware/kiosk/owed.ts';
import { screenText, screenView } from '../../../firmware/kiosk/screen.ts';
import { SimPrinter } from '../../../simulator/printer/sim-printer.ts';
import { CUSTOMER, kioskRig } from './rig.ts';

const kinds = (j: { after(s: number, n: number): { kind: string }[] }) => j.after(0, 1_000).map((r) => r.kind);

test('paper out mid-receipt: money on the card, a receipt.unprinted record, a clear message; a COPY once paper is back', async () => {
  const printer = new SimPrinter({ paperLinesLeft: 4 }); // runs out inside the first receipt
  const w = await kioskRig({ printer });
  await w.tap(w.customer);
  await w.run(6);
  w.emulator.insert(2); // ¥10
  await w.run(8);
  assert.equal(owedCents(w.journal, CUSTOMER), 0, 'the bill is on the card');
  const unprinted = w.journal.after(0, 1_000).filter((r) => r.kind === KIND.receiptUnprinted);
  assert.equal(unprinted.length, 1);
  assert.equal((unprinted[0]!.body as { reason: string }).reason, 'paper-out');
  assert.equal(w.kiosk.screen.kind, 'balance');
  assert.deepEqual(w.kiosk.screen, {
    kind: 'balance',
    balanceCents: 2_000,
    insertedCents: 1_000,
    roomCents: 19_000,
    receiptFault: 'paper-out',
  });
  assert.match(screenText(w.kiosk.screen)[1], /out of paper: topped up, the receipt prints later/);
  assert.deepEqual(w.kiosk.printerHealth(), { kind: 'printer', health: 'degraded' });
  assert.doesNotMatch(printer.transcript(), /COPY/);

  // The customer leaves; staff load paper; the kiosk tries again after its retry interval.
  await w.takeAway();
  printer.loadPaper();
  await w.run(2);
  assert.ok(!kinds(w.journal).includes(KIND.receiptReprinted), 'not before the retry interval');
  w.clock.advance(REPRINT_RETRY_MS);
  await w.run(1);
  assert.ok(kinds(w.journal).includes(KIND.receiptReprinted));
  assert.match(printer.transcript(), /TOP-UP COPY/);
  assert.match(printer.transcript(), /R201-\d+/, 'the reprint carries the top-up record reference');
  assert.deepEqual(w.kiosk.printerHealth(), { kind: 'printer', health: 'ok' });
  // Once only: a later retry prints nothing more.
  const bytes = printer.captured.length;
  w.clock.advance(REPRINT_RETRY_MS);
  await w.run(1);
  assert.equal(printer.captured.length, bytes);
  assert.equal(await w.cardBalance(), 2_000);
  await w.close();
});

test('the web screen says why no receipt came, and shows the balance of a kiosk switched off', () => {
  const faulty = screenView({
    kind: 'balance',
    balanceCents: 2_000,
    insertedCents: 1_000,
    roomCents: 19_000,
    receiptFault: 'paper-out',
  });
  assert.equal(faulty.lines.en, 'Printer out of paper: topped up, the receipt prints later');
  assert.equal(faulty.balance, '¥20.00');
  const off = screenView({ kind: 'disabled', balanceCents: 2_000 });
  assert.deepEqual([off.tone, off.balance], ['warn', '¥20.00']);
});
