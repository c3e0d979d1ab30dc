import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPeripherals } from '../../app/registry.ts';
import { silentLogger } from '../../base/log.ts';
import { MISSED_REPLIES_MAX } from '../../drivers/cash/ccnet/core.ts';
import { PeripheralsSchema } from '../../firmware/config/schema.ts';
import { SpinTime } from '../../simulator/cash/ccnet/spin-time.ts';

/** The kiosk's cash peripherals as the config names them (app/registry-cash.ts). */
const time = new SpinTime(); // a silent validator times out at once; an answering one never does
const deps = { clock: time, scheduler: time, nowUs: () => 0, log: silentLogger };
const open = (cash: Record<string, unknown>) =>
  openPeripherals(PeripheralsSchema.parse({ reader: { kind: 'virtual' }, ...cash }), deps);

test('twins: the real CCNET and ESC/POS drivers on the emulator and printer twin; a silent one fails', async () => {
  const opened = await open({ billAcceptor: { kind: 'twin' }, printer: { kind: 'twin' } });
  assert.ok(opened.ok, opened.ok ? '' : opened.message);
  const { cash } = opened.value;
  try {
    assert.ok(cash?.twins.emulator && cash.twins.printer);
    for (let i = 0; i < 6; i++) await cash.cash.acceptor.cycle();
    assert.equal(cash.cash.acceptor.billTable?.length, 6, 'the emulator answered through the driver');
    const read = await cash.cash.printer.status();
    assert.ok(read.known, 'the printer twin answers DLE EOT');
    assert.deepEqual(opened.value.health(), [
      { kind: 'reader', health: 'ok' },
      { kind: 'bill-acceptor', health: 'ok' },
    ]);
    cash.twins.emulator.powerOff();
    for (let i = 0; i < MISSED_REPLIES_MAX; i++) await cash.cash.acceptor.cycle();
    assert.deepEqual(opened.value.health()[1], { kind: 'bill-acceptor', health: 'failed' });
  } finally {
    await opened.value.close();
  }
});

test('an acceptor or printer that will not open is refused naming its field; one without the other too', async () => {
  const r = await open({ billAcceptor: { kind: 'twin' }, printer: { kind: 'tcp', host: '127.0.0.1', port: 1 } });
  assert.match(r.ok ? '' : r.message, /^peripherals\.printer: printer 127\.0\.0\.1:1: /);
  const lp = await open({ billAcceptor: { kind: 'twin' }, printer: { kind: 'usb-lp', device: '/dev/usb/lp97' } });
  assert.match(lp.ok ? '' : lp.message, /^peripherals\.printer: printer \/dev\/usb\/lp97: ENOENT/);
  const absent = '/dev/ttyUSB-onecard-absent';
  const serial = await open({ billAcceptor: { kind: 'ccnet', device: absent }, printer: { kind: 'twin' } });
  assert.match(
    serial.ok ? '' : serial.message,
    /^peripherals\.billAcceptor\.device: cannot open \/dev\/ttyUSB-onecard-absent: No such file/,
  );
  const one = await open({ printer: { kind: 'twin' } });
  assert.match(one.ok ? '' : one.message, /^peripherals\.billAcceptor: .*name both/);
});
