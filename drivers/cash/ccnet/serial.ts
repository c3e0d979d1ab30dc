import type { Duplex } from 'node:stream';
import { openSerialLine } from '../../serial/open.ts';
import type { CcnetPort } from './link.ts';

/** CCNET runs at 9600 8N1 (the validator's factory setting). */
export const CCNET_BAUD = 9600;

/** Any Duplex (a SerialPort, a binding-mock port) as a CcnetPort. */
export function streamPort(stream: Duplex): CcnetPort {
  stream.on('error', () => {}); // surfaces as no reply; without a listener it would crash the process
  return {
    write: (bytes) => new Promise((resolve, reject) => stream.write(bytes, (e) => (e ? reject(e) : resolve()))),
    onData: (handler) => stream.on('data', (chunk: Buffer) => handler(new Uint8Array(chunk))),
    close: () => new Promise((resolve) => (stream.destroyed ? resolve() : stream.end(() => resolve()))),
  };
}

export async function openCcnetSerial(
  path: string,
  baudRate: number = CCNET_BAUD,
  field = 'peripherals.billAcceptor',
): Promise<{ ok: true; port: CcnetPort } | { ok: false; error: string }> {
  const opened = await openSerialLine({ field, path, baudRate });
  return opened.ok ? { ok: true, port: streamPort(opened.port) } : opened;
}
