import { REPRINT_RETRY_MS } from '../../../firmware/kiosk/receipt-desk.ts';
import { SimPrinter } from '../../../simulator/printer/sim-printer.ts';
import { kioskRig, sessionWithOneBill } from './rig.ts';

/**
 * A kiosk run that journals every cash.* record kind: a bill stacked and
 * credited, a bill returned (cut before its STACK), a jam, the cassette emptied;
 * then, on the printer twin, a receipt cut short by the paper and reprinted, and
 * a card leaving owing at a kiosk that hands its owed to the backend.
 * The protocol's schema test runs it to see each kind's body as the firmware writes it.
 */
export async function kioskTour(): Promise<void> {
  const w = await sessionWithOneBill();
  w.log.at = { event: 'kiosk.bill', field: 'step', value: 'stacking' };
  w.emulator.insert(1);
  try {
    await w.run(8);
  } catch {
    w.restart();
  }
  await w.run(8);
  w.emulator.jam();
  await w.run(3);
  w.emulator.clearJam();
  await w.run(3);
  w.kiosk.emptied(9001);
  await w.close();

  const printer = new SimPrinter({ paperLinesLeft: 4 });
  const k = await kioskRig({ printer, handOverOwed: true });
  await k.tap(k.customer);
  await k.run(6);
  k.emulator.insert(2); // receipt.unprinted: the paper runs out mid-receipt
  await k.run(8);
  printer.loadPaper();
  k.emulator.insert(3);
  await k.run(2); // the ¥20 on its way in; the card leaves: cash.handover
  await k.takeAway();
  await k.run(8);
  k.clock.advance(REPRINT_RETRY_MS);
  await k.run(1); // receipt.reprinted
  await k.close();
}
