import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { parseSpidevPath, SpidevBus } from '../../../drivers/spi/spidev.ts';

function spiDeviceInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('spi-device');
    return true;
  } catch {
    return false;
  }
}

test('device paths: /dev/spidevB.C only', () => {
  assert.deepEqual(parseSpidevPath('/dev/spidev0.0'), [0, 0]);
  assert.deepEqual(parseSpidevPath('/dev/spidev1.2'), [1, 2]);
  assert.throws(() => parseSpidevPath('/dev/ttyUSB0'), /not a spidev device path/);
});

test('bad speeds are refused before anything is loaded', async () => {
  await assert.rejects(SpidevBus.open({ device: '/dev/spidev0.0', speedHz: 20_000_000 }), /speedHz must be/);
  await assert.rejects(SpidevBus.open({ device: '/dev/spidev0.0', speedHz: 0 }), /speedHz must be/);
});

test('without the native spi-device package, open says how to install it', {
  skip: spiDeviceInstalled() && 'spi-device is installed here',
}, async () => {
  await assert.rejects(SpidevBus.open({ device: '/dev/spidev0.0' }), {
    message: 'spi-device is not installed: npm install spi-device on the terminal',
  });
});
