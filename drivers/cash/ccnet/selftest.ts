import type { BillEntry } from './bill-table.ts';
import type { DeviceState } from './device-state.ts';
import type { CcnetDriver } from './driver.ts';

/** Start-up takes RESET, a few POLLs of initialising and GET BILL TABLE: 20 cycles is ample. */
export const SELFTEST_CYCLES_MAX = 20;

export interface ValidatorSelftest {
  device: DeviceState;
  billTable: readonly BillEntry[] | undefined;
  counters: { garbageBytes: number; badCrc: number; timeouts: number };
}

/**
 * For the CLI: runs the driver until it has read the bill table (or gives up)
 * with the validator left disabled, and reports what it found. Takes no bill.
 */
export async function validatorSelftest(driver: CcnetDriver): Promise<ValidatorSelftest> {
  driver.disable();
  for (let i = 0; i < SELFTEST_CYCLES_MAX && driver.billTable === undefined; i++) await driver.cycle();
  return { device: driver.device, billTable: driver.billTable, counters: { ...driver.linkCounters } };
}

export function describeValidator(r: ValidatorSelftest): string[] {
  const lines = [`state: ${JSON.stringify(r.device)}`];
  if (!r.billTable) lines.push('bill table: not read');
  else for (const e of r.billTable) lines.push(`bill type ${e.billType}: ${e.valueCents} cents (${e.currency})`);
  lines.push(
    `link: ${r.counters.timeouts} timeouts, ${r.counters.badCrc} bad CRC, ${r.counters.garbageBytes} garbage bytes`,
  );
  return lines;
}
