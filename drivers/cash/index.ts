/** The cash drivers' contract as the rest of the runtime sees it: a bill table and a bill acceptor's events. */
export type { BillEntry } from './ccnet/bill-table.ts';
export type { CashEvent, StackedEvent } from './ccnet/events.ts';
