import { open } from 'node:fs/promises';
import { connect } from 'node:net';
import type { Scheduler } from '../../base/scheduler.ts';
import { openSerialLine } from '../serial/open.ts';
import type { PrinterTransport } from './transport.ts';
import { StreamTransport } from './transport-stream.ts';

/** The raw-print port every network receipt printer listens on (JetDirect). */
export const NETWORK_PRINTER_PORT = 9100;

export type TransportResult = { ok: true; transport: PrinterTransport } | { ok: false; error: string };

/** A printer on the LAN answers a connect in milliseconds; the OS default (~2 min) would freeze a receipt. */
export const CONNECT_TIMEOUT_MS = 3_000;

/** TCP 9100. */
export function openNetwork(
  host: string,
  scheduler: Scheduler,
  port = NETWORK_PRINTER_PORT,
  timeoutMs = CONNECT_TIMEOUT_MS,
): Promise<TransportResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve({ ok: true, transport: new StreamTransport(socket, scheduler) });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ ok: false, error: `printer ${host}:${port}: no answer within ${timeoutMs} ms` });
    });
    socket.once('error', (e) => resolve({ ok: false, error: `printer ${host}:${port}: ${e.message}` }));
  });
}

/** Serial (USB-serial adapters and the Pi's UART); 9600 8N1 is the usual factory setting. */
export async function openSerial(
  path: string,
  scheduler: Scheduler,
  baudRate = 9600,
  field = 'peripherals.printer',
): Promise<TransportResult> {
  const opened = await openSerialLine({ field, path, baudRate });
  return opened.ok ? { ok: true, transport: new StreamTransport(opened.port, scheduler) } : opened;
}

/** USB line printer (`/dev/usb/lp0`, kernel usblp): write-only here, so status reads give null. */
export async function openLinePrinter(path: string): Promise<TransportResult> {
  try {
    // r+ never creates: a mistyped device path must fail, not become a regular file.
    const fh = await open(path, 'r+');
    const transport: PrinterTransport = {
      write: async (bytes) => {
        await fh.write(bytes);
      },
      query: async () => null,
      close: () => fh.close(),
    };
    return { ok: true, transport };
  } catch (e) {
    return { ok: false, error: `printer ${path}: ${(e as Error).message}` };
  }
}
