import type { PrinterTransport } from '../../drivers/printer/transport.ts';
import type { SimPrinter } from './sim-printer.ts';

/** The driver's transport wired straight to a SimPrinter, in process: replies come back at once. */
export function simTransport(printer: SimPrinter): PrinterTransport {
  return {
    write: async (bytes) => {
      printer.receive(bytes);
    },
    query: async (q) => {
      const reply = printer.receive(q);
      return reply.length > 0 ? reply[0]! : null;
    },
    close: async () => {},
  };
}
