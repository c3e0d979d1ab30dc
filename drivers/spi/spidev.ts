/**
 * The real SPI bus: Linux spidev (/dev/spidevB.C) through the npm package
 * `spi-device`. It is a native addon that only the terminal image installs,
 * so it is loaded on first open by dynamic import and is not a dependency of
 * this package: CI and the simulator never load it.
 */
import { loadOptionalAddon } from '../optional-addon.ts';
import type { SpiBus } from './index.ts';

export interface SpidevOptions {
  /** Device node, e.g. /dev/spidev0.0 (bus 0, chip select 0). */
  device: string;
  /** Clock; the MFRC522 allows up to 10 MHz, 4 MHz leaves margin for long jumper wires. */
  speedHz?: number;
}

export const SPI_SPEED_HZ_DEFAULT = 4_000_000;
const SPI_SPEED_HZ_MAX = 10_000_000;

/** The part of spi-device's API we use (its own typings are not available in CI). */
interface SpiDeviceMessage {
  sendBuffer: Buffer;
  receiveBuffer: Buffer;
  byteLength: number;
  speedHz: number;
  /** Release chip select after this transfer, before the next one of the same ioctl. */
  chipSelectChange?: boolean;
}
interface SpiDeviceHandle {
  transfer(messages: SpiDeviceMessage[], cb: (err: Error | null, messages: SpiDeviceMessage[]) => void): void;
  close(cb: (err: Error | null) => void): void;
}
interface SpiDeviceModule {
  open(
    busNumber: number,
    deviceNumber: number,
    options: { mode: number; maxSpeedHz: number },
    cb: (err: Error | null) => void,
  ): SpiDeviceHandle;
  MODE0: number;
}

async function loadSpiDevice(): Promise<SpiDeviceModule> {
  const r = await loadOptionalAddon<SpiDeviceModule>('spi-device');
  if (!r.ok) throw new Error(r.message);
  return r.module;
}

/** /dev/spidevB.C → [B, C]; anything else is a configuration error. */
export function parseSpidevPath(device: string): [number, number] {
  const m = /^\/dev\/spidev(\d+)\.(\d+)$/.exec(device);
  if (!m) throw new Error(`not a spidev device path (want /dev/spidevB.C): ${device}`);
  return [Number(m[1]), Number(m[2])];
}

export class SpidevBus implements SpiBus {
  private closed = false;

  private constructor(
    private readonly handle: SpiDeviceHandle,
    private readonly speedHz: number,
  ) {}

  /** Opens the device in SPI mode 0 (the MFRC522's mode: CPOL 0, CPHA 0, MSB first). */
  static async open(opts: SpidevOptions): Promise<SpidevBus> {
    const speedHz = opts.speedHz ?? SPI_SPEED_HZ_DEFAULT;
    if (!Number.isInteger(speedHz) || speedHz <= 0 || speedHz > SPI_SPEED_HZ_MAX) {
      throw new Error(`speedHz must be 1..${SPI_SPEED_HZ_MAX}, got ${speedHz}`);
    }
    const [bus, chip] = parseSpidevPath(opts.device);
    const spi = await loadSpiDevice();
    const handle = await new Promise<SpiDeviceHandle>((resolve, reject) => {
      const h = spi.open(bus, chip, { mode: spi.MODE0, maxSpeedHz: speedHz }, (err) =>
        err ? reject(err) : resolve(h),
      );
    });
    return new SpidevBus(handle, speedHz);
  }

  /** Async transfer: the ioctl runs on libuv's thread pool, so the event loop stays free. */
  transfer(tx: Uint8Array): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('SPI bus is closed'));
    const message: SpiDeviceMessage = {
      sendBuffer: Buffer.from(tx),
      receiveBuffer: Buffer.alloc(tx.length),
      byteLength: tx.length,
      speedHz: this.speedHz,
    };
    return new Promise((resolve, reject) => {
      this.handle.transfer([message], (err, messages) => {
        if (err) reject(err);
        else resolve(new Uint8Array(messages[0]!.receiveBuffer));
      });
    });
  }

  /** One ioctl (SPI_IOC_MESSAGE(n)), chip select released between the transfers: one thread-pool hop for all. */
  transferBatch(txs: readonly Uint8Array[]): Promise<Uint8Array[]> {
    if (this.closed) return Promise.reject(new Error('SPI bus is closed'));
    const messages: SpiDeviceMessage[] = txs.map((tx, i) => ({
      sendBuffer: Buffer.from(tx),
      receiveBuffer: Buffer.alloc(tx.length),
      byteLength: tx.length,
      speedHz: this.speedHz,
      chipSelectChange: i < txs.length - 1,
    }));
    return new Promise((resolve, reject) => {
      this.handle.transfer(messages, (err, done) => {
        if (err) reject(err);
        else resolve(done.map((m) => new Uint8Array(m.receiveBuffer)));
      });
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve, reject) => this.handle.close((err) => (err ? reject(err) : resolve())));
  }
}
