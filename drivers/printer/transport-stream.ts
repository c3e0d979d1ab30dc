import type { Duplex } from 'node:stream';
import type { Scheduler } from '../../base/scheduler.ts';
import type { PrinterTransport } from './transport.ts';

/**
 * A two-way printer link over any Duplex: a TCP socket (port 9100) or a serial
 * port. Bytes that arrive with no query waiting are dropped: ESC/POS printers
 * only speak when asked (we never enable automatic status back, GS a).
 */
export class StreamTransport implements PrinterTransport {
  private waiter: ((b: number) => void) | undefined;

  constructor(
    private readonly stream: Duplex,
    private readonly scheduler: Scheduler,
  ) {
    stream.on('data', (chunk: Buffer) => {
      const w = this.waiter;
      if (w && chunk.length > 0) {
        this.waiter = undefined;
        w(chunk[0]!);
      }
    });
    // An error surfaces on the next write; without a listener it would crash the process.
    stream.on('error', () => {});
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stream.write(bytes, (err) => (err ? reject(err) : resolve()));
    });
  }

  async query(query: Uint8Array, timeoutMs: number): Promise<number | null> {
    const reply = new Promise<number | null>((resolve) => {
      const cancel = this.scheduler.after(timeoutMs, () => {
        this.waiter = undefined;
        resolve(null);
      });
      this.waiter = (b) => {
        cancel();
        resolve(b);
      };
    });
    await this.write(query);
    return reply;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stream.destroyed) return resolve();
      this.stream.end(() => resolve());
      this.stream.destroy();
    });
  }
}
