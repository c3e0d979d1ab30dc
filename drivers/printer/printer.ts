import { encodeJob } from './encode.ts';
import { statusQuery } from './escpos.ts';
import type { PrintJob } from './job.ts';
import { decodeErrorCause, decodeStatus, isStatusByte, notReadyReason, type PrinterStatus } from './status.ts';
import type { PrinterTransport } from './transport.ts';

/** A real-time status answer comes within a few ms; 500 ms covers a busy USB-serial adapter. */
export const STATUS_TIMEOUT_MS = 500;

export type StatusRead =
  | { known: true; status: PrinterStatus }
  /** No reply (write-only link, printer off) or a reply that is not a status byte. */
  | { known: false; reason: 'no-reply' | 'garbled' };

export type PrintOutcome =
  | { ok: true; before: StatusRead; after: StatusRead }
  /** Refused before a byte was sent: nothing was printed. */
  | { ok: false; stage: 'refused'; reason: 'encode' | 'paper-out' | 'cover-open' | 'error' | 'offline'; detail: string }
  /** Sent, but the printer reports a fault after it (paper ran out mid-receipt …): the receipt may be incomplete. */
  | {
      ok: false;
      stage: 'after';
      reason: 'paper-out' | 'cover-open' | 'error' | 'offline';
      after: StatusRead;
      detail: string;
    }
  | { ok: false; stage: 'io'; reason: 'io'; detail: string };

/**
 * The receipt printer as the rest of the runtime sees it. Contract: `print`
 * never throws; it reads status before the job (a printer without paper gets
 * nothing) and after it (a receipt cut short is reported, so the caller can
 * reprint it marked COPY).
 */
export interface ReceiptPrinter {
  status(): Promise<StatusRead>;
  print(job: PrintJob): Promise<PrintOutcome>;
  close(): Promise<void>;
}

function describeFault(s: StatusRead): string {
  if (!s.known) return s.reason;
  const reason = notReadyReason(s.status) ?? 'ready';
  return s.status.errorKind ? `${reason} (${s.status.errorKind})` : reason;
}

export class EscPosPrinter implements ReceiptPrinter {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly transport: PrinterTransport) {}

  async status(): Promise<StatusRead> {
    const printer = await this.ask(1);
    if (printer === null || !isStatusByte(printer))
      return { known: false, reason: printer === null ? 'no-reply' : 'garbled' };
    const offlineCause = await this.ask(2);
    const paper = await this.ask(4);
    if (offlineCause === null || paper === null) return { known: false, reason: 'no-reply' };
    if (!isStatusByte(offlineCause) || !isStatusByte(paper)) return { known: false, reason: 'garbled' };
    const status = decodeStatus({ printer, offlineCause, paper });
    if (!status.error) return { known: true, status };
    // Only asked when there is an error: a healthy printer costs three queries, not four.
    const cause = await this.ask(3);
    if (cause === null || !isStatusByte(cause)) return { known: true, status };
    return { known: true, status: { ...status, errorKind: decodeErrorCause(cause) } };
  }

  /** Jobs one after another: two receipts' bytes and status replies must never interleave. */
  print(job: PrintJob): Promise<PrintOutcome> {
    const run = this.queue.then(() => this.printNow(job));
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async printNow(job: PrintJob): Promise<PrintOutcome> {
    const encoded = encodeJob(job);
    if (!encoded.ok) return { ok: false, stage: 'refused', reason: 'encode', detail: encoded.error };
    try {
      const before = await this.status();
      const notReady = before.known ? notReadyReason(before.status) : undefined;
      if (notReady)
        return { ok: false, stage: 'refused', reason: notReady, detail: `printer not ready: ${describeFault(before)}` };
      await this.transport.write(encoded.bytes);
      const after = await this.status();
      const fault = after.known ? notReadyReason(after.status) : undefined;
      if (fault)
        return { ok: false, stage: 'after', reason: fault, after, detail: `printer reports ${fault} after the job` };
      return { ok: true, before, after };
    } catch (e) {
      return { ok: false, stage: 'io', reason: 'io', detail: (e as Error).message };
    }
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private ask(n: 1 | 2 | 3 | 4): Promise<number | null> {
    return this.transport.query(new Uint8Array(statusQuery(n)), STATUS_TIMEOUT_MS);
  }
}
