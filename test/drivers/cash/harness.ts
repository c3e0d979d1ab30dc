import { CcnetDriver } from '../../../drivers/cash/ccnet/driver.ts';
import type { StateKind } from '../../../drivers/cash/ccnet/device-state.ts';
import { JsonLogger, MemorySink } from '../../../base/log.ts';
import { CcnetEmulator } from '../../../simulator/cash/ccnet/emulator.ts';
import { openEmulatedValidator } from '../../../simulator/cash/ccnet/mock-port.ts';

/** The driver's virtual time (simulator/cash/ccnet/spin-time.ts), under the name these tests know it by. */
export { SpinTime as VirtualTime } from '../../../simulator/cash/ccnet/spin-time.ts';
import { SpinTime as VirtualTime } from '../../../simulator/cash/ccnet/spin-time.ts';

let portNo = 0;

export async function rig(emulator = new CcnetEmulator()) {
  const time = new VirtualTime();
  const opened = await openEmulatedValidator(`/dev/ttyCCNET${portNo++}`, emulator);
  const sink = new MemorySink();
  const logger = new JsonLogger(sink, () => time.now);
  const driver = new CcnetDriver(opened.port, { scheduler: time, clock: time, logger });
  return { driver, emulator, time, log: sink.lines, close: opened.close, port: opened.port };
}

export async function cycles(driver: CcnetDriver, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await driver.cycle();
}

/** Cycles until the driver sees `kind` (at most `max` cycles, then throws with where it got stuck). */
export async function until(driver: CcnetDriver, kind: StateKind, max = 15): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (driver.device.kind === kind) return;
    await driver.cycle();
  }
  if (driver.device.kind !== kind) throw new Error(`validator stuck in ${driver.device.kind}, wanted ${kind}`);
}

/** Power-up → RESET → bill table → enabled and idle. */
export async function ready(driver: CcnetDriver, billTypes = [0, 1, 2, 3, 4, 5]): Promise<void> {
  driver.enable(billTypes);
  await until(driver, 'idle');
}
