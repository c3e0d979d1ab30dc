/**
 * `onecard selftest reader`: resets and self-tests the MFRC522, prints its
 * version, then reads the UID, ATQA and SAK of a presented card. On a Pi it
 * talks to /dev/spidev*; in the simulator to the register-level emulator with
 * a virtual card already in its field. Exit codes: 0 card read, 1 chip fault,
 * 2 no card presented.
 */
import { Mfrc522InitError, Mfrc522Reader } from '../../drivers/card/mfrc522/reader.ts';
import type { SpiBus } from '../../drivers/spi/index.ts';
import { SPI_SPEED_HZ_DEFAULT, SpidevBus } from '../../drivers/spi/spidev.ts';

export interface SelftestReaderOptions {
  reader: 'emulator' | 'spidev';
  /** spidev only; default /dev/spidev0.0. */
  device?: string;
  speedHz?: number;
  /** Detect attempts before giving up: each waits out the chip's 25 ms timer, so 200 ≈ 5 s to present a card. */
  attempts?: number;
  out: (line: string) => void;
}

export const EXIT_OK = 0;
export const EXIT_CHIP_FAULT = 1;
export const EXIT_NO_CARD = 2;
const DEVICE_DEFAULT = '/dev/spidev0.0';
const ATTEMPTS_SPIDEV_DEFAULT = 200;
/** The emulator's demo card: a 7-byte UID, so the output shows two cascade levels at work. */
const DEMO_UID = Uint8Array.of(0x04, 0xa2, 0x3b, 0x4c, 0x5d, 0x6e, 0x7f);

const SAK_NAMES: ReadonlyMap<number, string> = new Map([
  [0x08, 'MIFARE Classic 1K'],
  [0x18, 'MIFARE Classic 4K'],
  [0x09, 'MIFARE Mini'],
  [0x00, 'MIFARE Ultralight / NTAG'],
  [0x20, 'ISO 14443-4 (DESFire, Plus, bank card)'],
]);
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

async function openBus(opts: SelftestReaderOptions): Promise<{ bus: SpiBus; label: string }> {
  if (opts.reader === 'emulator') {
    // Loaded only when asked for: a terminal image ships without the simulator.
    const { Mfrc522Emulator } = await import('../../simulator/mfrc522/emulator.ts');
    const { VirtualClassicCard } = await import('../../simulator/card/virtual-classic.ts');
    const emu = new Mfrc522Emulator();
    emu.place(VirtualClassicCard.blank(DEMO_UID));
    return { bus: emu, label: 'MFRC522 emulator with a virtual MIFARE Classic 1K in its field' };
  }
  const device = opts.device ?? DEVICE_DEFAULT;
  const speedHz = opts.speedHz ?? SPI_SPEED_HZ_DEFAULT;
  return { bus: await SpidevBus.open({ device, speedHz }), label: `${device} at ${speedHz / 1e6} MHz` };
}

export async function selftestReader(opts: SelftestReaderOptions): Promise<number> {
  const { out } = opts;
  let bus: SpiBus;
  let label: string;
  try {
    ({ bus, label } = await openBus(opts));
  } catch (err) {
    out(`reader: cannot open SPI: ${(err as Error).message}`);
    return EXIT_CHIP_FAULT;
  }
  out(`reader: ${label}`);
  let reader: Mfrc522Reader;
  try {
    reader = await Mfrc522Reader.open(bus);
  } catch (err) {
    await bus.close().catch(() => undefined);
    // Mfrc522InitError: the chip answered wrongly; anything else: the SPI transfer itself failed.
    const why = err instanceof Mfrc522InitError ? err.message : `SPI failure: ${(err as Error).message}`;
    out(`chip: self-test FAILED: ${why}`);
    return EXIT_CHIP_FAULT;
  }
  const v = reader.version();
  out(
    `chip: ${v.name}, VersionReg 0x${v.code.toString(16)}${v.genuine ? '' : ' (clone: works, but not an NXP part)'}; self-test passed (reset, CRC coprocessor)`,
  );
  try {
    const attempts = opts.attempts ?? (opts.reader === 'emulator' ? 1 : ATTEMPTS_SPIDEV_DEFAULT);
    if (opts.reader === 'spidev') out(`card: present a card to the reader…`);
    for (let i = 0; i < attempts; i++) {
      const session = await reader.detect();
      if (session === null) continue;
      const kind = SAK_NAMES.get(session.sak) ?? 'unknown card type';
      out(
        `card: UID ${hex(session.uid)} (${session.uid.length} bytes), ATQA ${hex(session.atqa)}, SAK ${session.sak.toString(16).padStart(2, '0')} (${kind})`,
      );
      await session.halt();
      return EXIT_OK;
    }
    out(`card: none presented (${attempts} attempts)`);
    return EXIT_NO_CARD;
  } catch (err) {
    out(`chip: fault while reading: ${(err as Error).message}`);
    return EXIT_CHIP_FAULT;
  } finally {
    await reader.close().catch(() => undefined);
  }
}
