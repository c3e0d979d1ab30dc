/**
 * A full-duplex SPI link to one chip, as a protocol driver needs it (the
 * MFRC522 driver talks to this, never to a device file). Implemented by
 * `SpidevBus` (drivers/spi/spidev.ts, /dev/spidev* on the Pi) and by the
 * MFRC522 emulator (simulator/mfrc522), so the same driver code runs in CI.
 *
 * Contract:
 * - One `transfer` = one chip-select assertion: `tx.length` bytes are clocked
 *   out and the same number clocked in; the result has `tx.length` bytes.
 * - Transfers never interleave: a caller awaits one before starting the next.
 * - A rejected promise means the bus itself failed (device gone, ioctl error);
 *   the chip's answer is never an error at this layer.
 * - After `close()` every transfer rejects.
 */
export interface SpiBus {
  transfer(tx: Uint8Array): Promise<Uint8Array>;
  /**
   * Several transfers, each its own chip-select assertion, in order, as one
   * bus operation (spidev: one ioctl, chip select released between them). On
   * a Pi the per-operation cost (the ioctl and libuv's thread-pool hop, tens of
   * µs) dwarfs the bytes, so a driver that knows its next few transfers sends
   * them together. Optional: `transferAll` falls back to one by one.
   */
  transferBatch?(txs: readonly Uint8Array[]): Promise<Uint8Array[]>;
  close(): Promise<void>;
}

/** `txs` through transferBatch when the bus has it, else one transfer at a time: the same bytes either way. */
export async function transferAll(bus: SpiBus, txs: readonly Uint8Array[]): Promise<Uint8Array[]> {
  if (txs.length === 1) return [await bus.transfer(txs[0]!)];
  if (bus.transferBatch) return bus.transferBatch(txs);
  const out: Uint8Array[] = [];
  for (const tx of txs) out.push(await bus.transfer(tx));
  return out;
}

/** Longest single transfer we issue: a full 64-byte FIFO burst plus its address byte. */
export const SPI_TRANSFER_BYTES_MAX = 65;
