/**
 * DLE EOT replies decoded into what the terminal acts on. Every reply byte has
 * bits 1 and 4 set and bits 0 and 7 clear; anything else is not a status
 * byte (line noise, or a printer that does not speak DLE EOT).
 */
export interface PrinterStatus {
  offline: boolean;
  coverOpen: boolean;
  paperOut: boolean;
  paperNearEnd: boolean;
  /** Cutter jam, head overheat …: the printer stopped on an error. */
  error: boolean;
  /** What kind, when `error` (DLE EOT 3); undefined otherwise. */
  errorKind?: ErrorKind;
}

export type ErrorKind = 'autocutter' | 'unrecoverable' | 'auto-recoverable' | 'recoverable';

/** DLE EOT 3: the most serious bit wins (unrecoverable needs a power cycle; a cutter jam needs hands). */
export function decodeErrorCause(r: number): ErrorKind {
  if (r & 0x20) return 'unrecoverable';
  if (r & 0x08) return 'autocutter';
  if (r & 0x40) return 'auto-recoverable';
  return 'recoverable';
}

export type StatusReplies = { printer: number; offlineCause: number; paper: number };

export const STATUS_FIXED_MASK = 0x93;
export const STATUS_FIXED_BITS = 0x12;

export const isStatusByte = (b: number): boolean => (b & STATUS_FIXED_MASK) === STATUS_FIXED_BITS;

export function decodeStatus(r: StatusReplies): PrinterStatus {
  return {
    offline: (r.printer & 0x08) !== 0,
    coverOpen: (r.offlineCause & 0x04) !== 0,
    // Paper end shows in n=2 bit 5 (stopped by paper end) and n=4 bits 5+6.
    paperOut: (r.paper & 0x60) === 0x60 || (r.offlineCause & 0x20) !== 0,
    paperNearEnd: (r.paper & 0x0c) === 0x0c,
    error: (r.offlineCause & 0x40) !== 0,
  };
}

/** Why the printer cannot take a job now, or undefined when it can (near end still prints). */
export function notReadyReason(s: PrinterStatus): 'paper-out' | 'cover-open' | 'error' | 'offline' | undefined {
  if (s.paperOut) return 'paper-out';
  if (s.coverOpen) return 'cover-open';
  if (s.error) return 'error';
  if (s.offline) return 'offline';
  return undefined;
}
