/**
 * The kiosk's cash peripherals (`peripherals.billAcceptor`, `.printer`)
 * mapped to their drivers or to the simulator's twins: the CCNET driver on a
 * serial port or on the validator emulator, the ESC/POS driver on a serial
 * port, a USB line printer, TCP 9100 or the printer twin. A failure names
 * the field; what opened before it is closed again.
 */
import { CcnetDriver } from '../drivers/cash/ccnet/driver.ts';
import { openCcnetSerial } from '../drivers/cash/ccnet/serial.ts';
import type { CcnetPort } from '../drivers/cash/ccnet/link.ts';
import { EscPosPrinter, type ReceiptPrinter } from '../drivers/printer/printer.ts';
import type { PrinterTransport } from '../drivers/printer/transport.ts';
import { openLinePrinter, openNetwork, openSerial } from '../drivers/printer/transports.ts';
import type { BillAcceptorConfig, PrinterConfig } from '../firmware/config/cash-schema.ts';
import type { PeripheralHealth } from '../protocol/index.ts';
// The twins are loaded only when a config names them: a device's run never loads simulator code.
import type { CcnetEmulator } from '../simulator/cash/ccnet/emulator.ts';
import type { SimPrinter } from '../simulator/printer/sim-printer.ts';
import type { Opened, RegistryDeps } from './registry.ts';

export interface OpenedCash {
  /** What composeTerminal hands the kiosk role (TerminalDeps.cash). */
  cash: { acceptor: CcnetDriver; printer: ReceiptPrinter };
  /** The validator as the link sees it: failed while it does not answer its polls. */
  health(): PeripheralHealth[];
  /** The simulator's twins, when the config names them (a test inserts bills and takes paper away here). */
  twins: { emulator?: CcnetEmulator; printer?: SimPrinter };
  close(): Promise<void>;
}

type Port = { port: CcnetPort; close(): Promise<void>; emulator?: CcnetEmulator };
type Transport = { transport: PrinterTransport; printer?: SimPrinter };

/** Each emulated validator gets its own mock path: serialport's mock binding is one table per process. */
let emulatedPorts = 0;

async function openAcceptorPort(c: BillAcceptorConfig): Promise<Opened<Port>> {
  if (c.kind === 'twin') {
    const { openEmulatedValidator } = await import('../simulator/cash/ccnet/mock-port.ts');
    const opened = await openEmulatedValidator(`/dev/ttyRunKiosk${emulatedPorts++}`);
    return { ok: true, value: { port: opened.port, close: opened.close, emulator: opened.emulator } };
  }
  const opened = await openCcnetSerial(c.device, c.baud);
  // The serial opener's refusal already names the field.
  if (!opened.ok) return { ok: false, message: opened.error };
  return { ok: true, value: { port: opened.port, close: () => opened.port.close() } };
}

async function openPrinterTransport(c: PrinterConfig, d: RegistryDeps): Promise<Opened<Transport>> {
  if (c.kind === 'twin') {
    const { SimPrinter } = await import('../simulator/printer/sim-printer.ts');
    const { simTransport } = await import('../simulator/printer/transport.ts');
    const printer = new SimPrinter();
    return { ok: true, value: { transport: simTransport(printer), printer } };
  }
  const opened =
    c.kind === 'serial'
      ? await openSerial(c.device, d.scheduler, c.baud)
      : c.kind === 'usb-lp'
        ? await openLinePrinter(c.device)
        : await openNetwork(c.host, d.scheduler, c.port);
  // The serial opener's refusal already names its field (peripherals.printer.device/.baud).
  if (!opened.ok)
    return { ok: false, message: c.kind === 'serial' ? opened.error : `peripherals.printer: ${opened.error}` };
  return { ok: true, value: { transport: opened.transport } };
}

/** The bill acceptor and the printer; the kiosk needs both (the config check says so), so they open together. */
export async function openCash(
  acceptor: BillAcceptorConfig,
  printer: PrinterConfig,
  d: RegistryDeps,
): Promise<Opened<OpenedCash>> {
  const port = await openAcceptorPort(acceptor);
  if (!port.ok) return port;
  const transport = await openPrinterTransport(printer, d);
  if (!transport.ok) {
    await port.value.close();
    return transport;
  }
  const driver = new CcnetDriver(port.value.port, { scheduler: d.scheduler, clock: d.clock, logger: d.log });
  return {
    ok: true,
    value: {
      cash: { acceptor: driver, printer: new EscPosPrinter(transport.value.transport) },
      health: () => [{ kind: 'bill-acceptor', health: driver.device.kind === 'no-response' ? 'failed' : 'ok' }],
      twins: {
        ...(port.value.emulator ? { emulator: port.value.emulator } : {}),
        ...(transport.value.printer ? { printer: transport.value.printer } : {}),
      },
      close: async () => {
        await transport.value.transport.close();
        await port.value.close();
      },
    },
  };
}
