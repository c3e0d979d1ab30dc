import type { Scheduler } from '../../../base/scheduler.ts';
import { type Decoded, CcnetDecoder } from './decoder.ts';
import { ADR_BILL_VALIDATOR, CMD, encodeFrame, REPLY_ACK, REPLY_ILLEGAL_COMMAND, REPLY_NAK } from './frame.ts';

/** A serial line as the link needs it; serialport, binding-mock and the tests all fit behind it. */
export interface CcnetPort {
  write(bytes: Uint8Array): Promise<void>;
  onData(handler: (chunk: Uint8Array) => void): void;
  close(): Promise<void>;
}

/** The validator answers within 10 ms; a USB-serial adapter adds up to ~20 ms each way. */
export const RESPONSE_TIMEOUT_MS = 100;
/** The reference SDK tries a command 3 times. */
export const TRIES_MAX = 3;
/** Bus silence before the next frame (t-free ≥ 10 ms, 20 ms recommended). */
export const RETRY_GAP_MS = 20;

export type Exchange =
  | { kind: 'ack' }
  | { kind: 'data'; payload: Uint8Array }
  | { kind: 'illegal' }
  /** No valid answer after TRIES_MAX tries (silence, NAKs or CRC errors). */
  | { kind: 'no-reply'; detail: string };

/**
 * One command, one answer, half duplex: send, wait for a frame, NAK a
 * corrupt one and try again, ACK a data reply (the validator repeats it
 * until ACKed). Frames that arrive with no command waiting are dropped.
 */
export class CcnetLink {
  private readonly decoder = new CcnetDecoder();
  private waiter: ((d: Decoded | 'timeout') => void) | undefined;
  /** Counters for STATUS and the log. */
  readonly counters = { garbageBytes: 0, badCrc: 0, timeouts: 0 };

  constructor(
    private readonly port: CcnetPort,
    private readonly scheduler: Scheduler,
  ) {
    port.onData((chunk) => {
      for (const d of this.decoder.feed(chunk)) {
        if (d.kind === 'garbage') this.counters.garbageBytes += d.bytes;
        else if (d.kind === 'frame' && d.adr !== ADR_BILL_VALIDATOR) continue;
        else this.wake(d);
      }
    });
  }

  async exchange(payload: readonly number[], expectsData: boolean): Promise<Exchange> {
    let last = 'silence';
    for (let attempt = 1; attempt <= TRIES_MAX; attempt++) {
      if (attempt > 1) await this.pause(RETRY_GAP_MS);
      const reply = this.nextFrame();
      await this.port.write(encodeFrame(payload));
      const d = await reply;
      if (d === 'timeout') {
        this.counters.timeouts += 1;
        last = 'no answer';
        continue;
      }
      if (d.kind !== 'frame') {
        if (d.kind === 'bad-crc') this.counters.badCrc += 1;
        last = d.kind;
        await this.port.write(encodeFrame([CMD.nak]));
        continue;
      }
      const code = d.payload[0]!;
      if (d.payload.length === 1 && code === REPLY_NAK) {
        last = 'NAK from the validator';
        continue;
      }
      if (d.payload.length === 1 && code === REPLY_ILLEGAL_COMMAND) return { kind: 'illegal' };
      if (!expectsData && d.payload.length === 1 && code === REPLY_ACK) return { kind: 'ack' };
      await this.port.write(encodeFrame([CMD.ack]));
      return { kind: 'data', payload: d.payload };
    }
    return { kind: 'no-reply', detail: `${TRIES_MAX} tries, last: ${last}` };
  }

  private wake(d: Decoded): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.(d);
  }

  private nextFrame(): Promise<Decoded | 'timeout'> {
    return new Promise((resolve) => {
      const cancel = this.scheduler.after(RESPONSE_TIMEOUT_MS, () => {
        this.waiter = undefined;
        resolve('timeout');
      });
      this.waiter = (d) => {
        cancel();
        resolve(d);
      };
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => this.scheduler.after(ms, resolve));
  }
}
