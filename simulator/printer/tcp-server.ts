import { createServer, type Server } from 'node:net';
import { SimPrinter } from './sim-printer.ts';

/** A SimPrinter listening like a network printer (TCP 9100), for loopback tests of the real transport. */
export async function listenSimPrinter(
  printer = new SimPrinter(),
): Promise<{ printer: SimPrinter; port: number; server: Server }> {
  const server = createServer((socket) => {
    socket.on('data', (chunk) => {
      const reply = printer.receive(chunk);
      if (reply.length > 0) socket.write(reply);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { printer, port, server };
}
