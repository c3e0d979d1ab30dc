import { sessionWithOneBill } from './rig.ts';

/**
 * A kiosk run that journals every cash.* record kind: a bill stacked and
 * credited, a bill returned (cut before its STACK), a jam, the cassette emptied.
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
}
