export type { BillEntry } from './bill-table.ts';
export { ESCROW_DECISION_MS } from './core.ts';
export type { AlarmKind, DeviceState } from './device-state.ts';
export { CcnetDriver, type CcnetDeps, POLL_INTERVAL_MS, startPolling } from './driver.ts';
export type { CashEvent, StackedEvent } from './events.ts';
export type { CcnetPort } from './link.ts';
export { describeValidator, validatorSelftest } from './selftest.ts';
export { openCcnetSerial, streamPort } from './serial.ts';
