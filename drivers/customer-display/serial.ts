import { openSerialLine } from '../serial/open.ts';

/**
 * The serial port under the customer displays: a `serialport` stream, opened
 * by `openSerialPort` (drivers/serial/open.ts) on the terminal (native bindings, loaded on first open)
 * or by the twin over `@serialport/binding-mock` in CI. The drivers write
 * through `SerialLink` either way, so the code under test is the code that
 * ships.
 */
export interface SerialPortLike {
  write(data: Buffer, cb: (err?: Error | null) => void): boolean;
  drain(cb: (err?: Error | null) => void): void;
  close(cb: (err?: Error | null) => void): void;
  /** A stream emits 'error' beside the write callback (e.g. a write cancelled by close). */
  on?(event: 'error', listener: (err: Error) => void): unknown;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class SerialLink {
  constructor(
    private readonly port: SerialPortLike,
    readonly name: string,
  ) {
    // The write's callback already turns the failure into a value; unheard, the event would end the process.
    port.on?.('error', () => {});
  }

  /** Resolves once the bytes have left the kernel's buffer (drain); a failure is a value. */
  write(bytes: readonly number[]): Promise<{ ok: true } | { ok: false; error: string }> {
    return new Promise((resolve) => {
      const fail = (err: unknown) => resolve({ ok: false, error: `${this.name}: ${errorText(err)}` });
      try {
        this.port.write(Buffer.from(bytes), (err) => {
          if (err) return fail(err);
          this.port.drain((e) => (e ? fail(e) : resolve({ ok: true })));
        });
      } catch (err) {
        fail(err);
      }
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}

/** A real port, e.g. /dev/ttyUSB0 at 2400 baud, 8N1; a refusal names the config field. */
export async function openSerialPort(
  path: string,
  baudRate: number,
  field = 'peripherals.customerDisplay',
): Promise<{ ok: true; port: SerialPortLike } | { ok: false; error: string }> {
  return openSerialLine({ field, path, baudRate });
}
