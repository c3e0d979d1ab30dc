import type { AlarmKind, DeviceState } from './device-state.ts';

/**
 * What the driver tells its caller. Events are queued and taken by the
 * caller (`takeEvents()`): no money moves inside a callback. A `stacked` event
 * is delivered once and stays open until the caller acknowledges it (after
 * journaling the credit); while one is open the driver keeps the validator
 * disabled, so a second bill cannot pile up behind an unrecorded one.
 */
export type CashEvent =
  /** A bill waits in escrow: call stack(), returnBill() or hold(). */
  | { kind: 'escrow'; billType: number; valueCents: number | undefined; currency: string | undefined }
  | {
      kind: 'stacked';
      id: number;
      billType: number;
      valueCents: number | undefined;
      currency: string | undefined;
      /** Seen with no escrow of ours before it in this run (the runtime restarted while the bill was stacking). */
      withoutEscrow: boolean;
    }
  | { kind: 'returned'; billType: number }
  /** inhibited: the validator refused a bill type ENABLE BILL TYPES did not name (a disabled note, 1C 68). */
  | { kind: 'rejected'; reason: number; text: string; inhibited: boolean }
  /** The validator powered up; `bill` says where a bill was left (in-stacker: it went in, settle against the journal). */
  | { kind: 'power-up'; bill: 'none' | 'in-validator' | 'in-stacker' }
  /** A bill was in escrow when this run started: nobody decided for it, so it is returned. */
  | { kind: 'escrow-at-start'; billType: number }
  /** The caller did not decide in time: the bill is returned. */
  | { kind: 'escrow-timeout'; billType: number }
  | { kind: 'alarm'; alarm: AlarmKind | 'no-response'; detail: string }
  | { kind: 'alarm-cleared' }
  | { kind: 'refused'; command: string; detail: string }
  | { kind: 'anomaly'; from: DeviceState['kind']; to: DeviceState['kind'] };

export type StackedEvent = Extract<CashEvent, { kind: 'stacked' }>;
