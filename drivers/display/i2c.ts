import { loadOptionalAddon } from '../optional-addon.ts';

/**
 * An I2C bus as the display drivers need it: whole writes to one 7-bit
 * address. Implemented by `openI2cBus` (Linux /dev/i2c-N through the npm
 * package `i2c-bus`) and by the twins in simulator/display, so the same
 * driver code runs in CI.
 *
 * `i2c-bus` is a native addon only the terminal image installs: it is loaded
 * on first open through drivers/optional-addon.ts (as spi-device) and is not a dependency of this package.
 */
export interface I2cBus {
  /** One START … STOP write of `bytes` to `address`; rejects when the bus fails or nothing ACKs. */
  write(address: number, bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

interface PromisifiedBus {
  i2cWrite(address: number, length: number, buffer: Buffer): Promise<{ bytesWritten: number }>;
  close(): Promise<void>;
}
interface I2cBusModule {
  openPromisified(busNumber: number): Promise<PromisifiedBus>;
}

/** /dev/i2c-N → N; anything else is a configuration error. */
export function parseI2cPath(device: string): number {
  const m = /^\/dev\/i2c-(\d+)$/.exec(device);
  if (!m) throw new Error(`not an i2c device path (want /dev/i2c-N): ${device}`);
  return Number(m[1]);
}

export async function openI2cBus(device: string): Promise<I2cBus> {
  const busNumber = parseI2cPath(device);
  const addon = await loadOptionalAddon<I2cBusModule>('i2c-bus');
  if (!addon.ok) throw new Error(addon.message);
  const bus = await addon.module.openPromisified(busNumber);
  return {
    async write(address, bytes) {
      const { bytesWritten } = await bus.i2cWrite(address, bytes.length, Buffer.from(bytes));
      if (bytesWritten !== bytes.length) throw new Error(`i2c: ${bytesWritten} of ${bytes.length} bytes written`);
    },
    close: () => bus.close(),
  };
}
