import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Scheduler } from '../../../base/scheduler.ts';
import { SerialPortMock } from 'serialport';
import { encodeJob } from '../../../drivers/printer/encode.ts';
import { EscPosPrinter } from '../../../drivers/printer/printer.ts';
import { describeStatus, printerSelftest } from '../../../drivers/printer/selftest.ts';
import { StreamTransport } from '../../../drivers/printer/transport-stream.ts';
import { openLinePrinter, openNetwork, openSerial } from '../../../drivers/printer/transports.ts';
import { SimPrinter } from '../../../simulator/printer/sim-printer.ts';
import { listenSimPrinter } from '../../../simulator/printer/tcp-server.ts';
import { simTransport } from '../../../simulator/printer/transport.ts';
import { SAMPLE_RECEIPT } from '../../vectors/printer/sample-receipt.ts';

/** For links where an answer always comes: a status timeout that never fires keeps the tests free of time. */
const never: Scheduler = { after: () => () => {} };

const bytesOf = (job = SAMPLE_RECEIPT) => {
  const r = encodeJob(job);
  assert.ok(r.ok);
  return r.bytes;
};

test('a ready printer prints the job and reports status before and after', async () => {
  const sim = new SimPrinter({ nearEnd: true });
  const out = await new EscPosPrinter(simTransport(sim)).print(SAMPLE_RECEIPT);
  assert.ok(out.ok);
  assert.ok(out.before.known && out.before.status.paperNearEnd && !out.before.status.paperOut);
  assert.match(sim.transcript(), /一号食堂 Canteen 1/);
});

test('paper out or cover open before the job: refused, not one job byte sent', async () => {
  for (const fault of ['paper-out', 'cover-open'] as const) {
    const sim = new SimPrinter();
    if (fault === 'paper-out') sim.runOutOfPaper();
    else sim.openCover();
    const out = await new EscPosPrinter(simTransport(sim)).print(SAMPLE_RECEIPT);
    assert.deepEqual(out.ok ? undefined : [out.stage, out.reason], ['refused', fault]);
    // Only the status queries (DLE EOT 1, 2, 4) reached the printer.
    assert.deepEqual(sim.captured, [0x10, 4, 1, 0x10, 4, 2, 0x10, 4, 4]);
    assert.equal(sim.printed.length, 0);
  }
});

test('paper running out mid-receipt is reported after the job', async () => {
  const sim = new SimPrinter({ paperLinesLeft: 3 });
  const out = await new EscPosPrinter(simTransport(sim)).print(SAMPLE_RECEIPT);
  assert.deepEqual(out.ok ? undefined : [out.stage, out.reason], ['after', 'paper-out']);
  assert.equal(sim.printed.filter((e) => e.kind === 'line').length, 3);
});

test('a job with a bad item is refused before the printer is even asked', async () => {
  const sim = new SimPrinter();
  const out = await new EscPosPrinter(simTransport(sim)).print({ items: [{ kind: 'text', text: 'bad\x10' }] });
  assert.deepEqual(out.ok ? undefined : [out.stage, out.reason], ['refused', 'encode']);
  assert.equal(sim.captured.length, 0);
});

test('network transport: TCP 9100 on loopback carries the job and the status replies', async () => {
  const { printer: sim, port, server } = await listenSimPrinter();
  const link = await openNetwork('127.0.0.1', never, port);
  assert.ok(link.ok);
  const printer = new EscPosPrinter(link.transport);
  const result = await printerSelftest(printer, 'tcp');
  assert.equal(describeStatus(result.before), 'ready');
  assert.ok(result.outcome.ok);
  await printer.close();
  await new Promise((r) => server.close(r));
  assert.match(sim.transcript(), /打印机自检 Printer self-test/);
  assert.deepEqual(sim.unknown, []);
});

test('network transport: a closed port is an error value, not a throw', async () => {
  const link = await openNetwork('127.0.0.1', never, 1);
  assert.equal(link.ok, false);
});

test('serial transport over binding-mock: status replies from the port reach the driver', async () => {
  SerialPortMock.binding.createPort('/dev/ttyPRN0', { echo: false, record: true });
  const port = new SerialPortMock({ path: '/dev/ttyPRN0', baudRate: 9600 });
  await new Promise((r) => port.once('open', r));
  const sim = new SimPrinter();
  sim.runOutOfPaper();
  // The mock port hands what the driver writes to the emulator, and its replies back.
  const mock = port.port!;
  const write = mock.write.bind(mock);
  mock.write = async (buf: Buffer) => {
    await write(buf);
    const reply = sim.receive(buf);
    if (reply.length > 0) mock.emitData(Buffer.from(reply));
  };
  const out = await new EscPosPrinter(new StreamTransport(port, never)).print(SAMPLE_RECEIPT);
  assert.deepEqual(out.ok ? undefined : out.reason, 'paper-out');
  await new Promise((r) => port.close(r));
  SerialPortMock.binding.reset();
});

test('USB line printer as a file: the job is written whole, status unknown (write-only)', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'lp-')), 'lp0');
  writeFileSync(path, '');
  const link = await openLinePrinter(path);
  assert.ok(link.ok);
  const printer = new EscPosPrinter(link.transport);
  const out = await printer.print(SAMPLE_RECEIPT);
  await printer.close();
  assert.ok(out.ok && !out.before.known && out.before.reason === 'no-reply');
  assert.deepEqual(new Uint8Array(readFileSync(path)), bytesOf());
});

test('two jobs started together print one after the other, never interleaved', async () => {
  const sim = new SimPrinter();
  const printer = new EscPosPrinter(simTransport(sim));
  const one = {
    items: [
      { kind: 'text' as const, text: 'first' },
      { kind: 'cut' as const, partial: true },
    ],
  };
  const two = {
    items: [
      { kind: 'text' as const, text: 'second' },
      { kind: 'cut' as const, partial: true },
    ],
  };
  const outcomes = await Promise.all([printer.print(one), printer.print(two)]);
  assert.ok(outcomes.every((o) => o.ok));
  // Each job: its status read (DLE EOT 1, 2, 4), its bytes, its status read — in one piece.
  const status = [0x10, 4, 1, 0x10, 4, 2, 0x10, 4, 4];
  const job = (j: typeof one) => [...status, ...bytesOf(j), ...status];
  assert.deepEqual(sim.captured, [...job(one), ...job(two)]);
});

test('a printer stopped on an error is refused, and the error kind is read (DLE EOT 3)', async () => {
  const sim = new SimPrinter();
  sim.jamCutter();
  const printer = new EscPosPrinter(simTransport(sim));
  const status = await printer.status();
  assert.ok(status.known && status.status.error && status.status.errorKind === 'autocutter');
  const out = await printer.print(SAMPLE_RECEIPT);
  assert.deepEqual(out.ok ? undefined : [out.stage, out.reason, out.detail], [
    'refused',
    'error',
    'printer not ready: error (autocutter)',
  ]);
  assert.equal(sim.printed.length, 0);
});

test('a serial printer path or a line-printer path that does not exist is an error value naming it', async () => {
  const serial = await openSerial('/dev/onecard-no-such-printer', never);
  assert.match(
    serial.ok ? '' : serial.error,
    /^peripherals\.printer\.device: cannot open \/dev\/onecard-no-such-printer: /,
  );
  const lp = await openLinePrinter('/dev/usb/onecard-no-such-lp');
  assert.match(lp.ok ? '' : lp.error, /^printer \/dev\/usb\/onecard-no-such-lp: .*ENOENT/);
});

test('a printer that never answers status: the job still goes out, its status is unknown (no-reply)', async () => {
  const received: Buffer[] = [];
  const server = createServer((socket) => socket.on('data', (chunk) => received.push(chunk)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // The status timeout fires as soon as the event loop has had a turn: no reply is ever coming.
  const soon: Scheduler = {
    after: (_ms, fn) => {
      const i = setImmediate(fn);
      return () => clearImmediate(i);
    },
  };
  const link = await openNetwork('127.0.0.1', soon, port);
  assert.ok(link.ok);
  const printer = new EscPosPrinter(link.transport);
  const out = await printer.print(SAMPLE_RECEIPT);
  await printer.close();
  await new Promise((r) => server.close(r));
  assert.ok(out.ok && !out.before.known && out.before.reason === 'no-reply' && !out.after.known);
  assert.ok(Buffer.concat(received).includes(Buffer.from(bytesOf())));
});
