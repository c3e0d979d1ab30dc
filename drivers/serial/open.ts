/**
 * The one way our drivers open a serial line (the customer display, a serial
 * receipt printer, the bill validator): 8N1 at a standard rate, the native
 * binding loaded on first open so only a device with a serial peripheral needs
 * it. A refusal is a value naming the config field it came from, so every
 * device reports a bad device path or rate the same way.
 */
import type { SerialPort } from 'serialport';
import { isSerialBaud, SERIAL_BAUD_RATES, SERIAL_DEVICE } from './config.ts';

export { SERIAL_BAUD_RATES } from './config.ts';

export interface SerialLineSpec {
  /** The config field the line comes from (e.g. `peripherals.printer`); every refusal names it. */
  field: string;
  path: string;
  baudRate: number;
}

export type SerialOpened = { ok: true; port: SerialPort } | { ok: false; error: string };

/** Why the spec cannot be opened, before any syscall; undefined when it may be tried. */
export function serialSpecProblem(spec: SerialLineSpec): string | undefined {
  if (!SERIAL_DEVICE.test(spec.path)) {
    return `${spec.field}.device: ${JSON.stringify(spec.path)} is not a serial device (like /dev/ttyUSB0)`;
  }
  if (!isSerialBaud(spec.baudRate)) {
    return `${spec.field}.baud: ${spec.baudRate} is not a serial rate (one of ${SERIAL_BAUD_RATES.join(', ')})`;
  }
  return undefined;
}

/** serialport says "Error: No such file or directory, cannot open /dev/x"; we say the field and path once. */
function reason(err: Error): string {
  return err.message.replace(/^Error: /, '').replace(/, cannot open \S+$/, '');
}

export async function openSerialLine(spec: SerialLineSpec): Promise<SerialOpened> {
  const problem = serialSpecProblem(spec);
  if (problem) return { ok: false, error: problem };
  // Loaded on first use: the native binding is only needed where a serial peripheral is configured.
  const { SerialPort } = await import('serialport');
  return new Promise((resolve) => {
    const port = new SerialPort({
      path: spec.path,
      baudRate: spec.baudRate,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      autoOpen: false,
    });
    port.open((err) =>
      resolve(
        err
          ? { ok: false, error: `${spec.field}.device: cannot open ${spec.path}: ${reason(err)}` }
          : { ok: true, port },
      ),
    );
  });
}
