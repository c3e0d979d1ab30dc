import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { openSerialPort } from '../../../drivers/customer-display/serial.ts';
import { openSerialLine, SERIAL_BAUD_RATES } from '../../../drivers/serial/open.ts';
import { parseConfig } from '../../../firmware/config/schema.ts';

test('a device path that is not under /dev is refused naming <field>.device, before any open', async () => {
  for (const path of ['ttyUSB0', '', '/tmp/x y']) {
    const r = await openSerialLine({ field: 'peripherals.printer', path, baudRate: 9600 });
    assert.equal(r.ok, false);
    assert.match(
      r.ok ? '' : r.error,
      /^peripherals\.printer\.device: .* is not a serial device \(like \/dev\/ttyUSB0\)$/,
    );
  }
});

test('a rate outside the standard set is refused naming <field>.baud and the rates it takes', async () => {
  for (const baudRate of [0, 9601, 250_000, -9600, 9600.5]) {
    const r = await openSerialLine({ field: 'peripherals.customerDisplay', path: '/dev/ttyUSB0', baudRate });
    assert.equal(r.ok, false);
    assert.equal(
      r.ok ? '' : r.error,
      `peripherals.customerDisplay.baud: ${baudRate} is not a serial rate (one of ${SERIAL_BAUD_RATES.join(', ')})`,
    );
  }
});

test('a device that does not exist is refused naming <field>.device and the path', async () => {
  const r = await openSerialLine({
    field: 'peripherals.billAcceptor',
    path: '/dev/onecard-no-such-tty',
    baudRate: 9600,
  });
  assert.match(
    r.ok ? '' : r.error,
    /^peripherals\.billAcceptor\.device: cannot open \/dev\/onecard-no-such-tty: No such file or directory$/,
  );
});

test('the customer display opens through the same opener: same refusals, its own field', async () => {
  const bad = await openSerialPort('/dev/onecard-no-such-pole', 2400);
  assert.match(
    bad.ok ? '' : bad.error,
    /^peripherals\.customerDisplay\.device: cannot open \/dev\/onecard-no-such-pole: /,
  );
  const rate = await openSerialPort('/dev/ttyUSB0', 2401);
  assert.match(rate.ok ? '' : rate.error, /^peripherals\.customerDisplay\.baud: 2401 is not a serial rate/);
});

test('the config check refuses the rates the opener would, naming the field', () => {
  const example = JSON.parse(readFileSync(new URL('../../../examples/terminal-sim.json', import.meta.url), 'utf8'));
  const withPole = (baud: number) => ({
    ...example,
    peripherals: { ...example.peripherals, customerDisplay: { kind: 'pole', device: '/dev/ttyUSB0', baud } },
  });
  assert.doesNotThrow(() => parseConfig(withPole(2400)));
  assert.throws(
    () => parseConfig(withPole(14_400), 'pos.json'),
    /^ConfigError: pos\.json: invalid field "peripherals\.customerDisplay\.baud": a standard serial rate: 1200, /,
  );
});
