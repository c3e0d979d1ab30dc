/**
 * Cross-check: the unmodified npm mfrc522-rpi (a driver nobody here wrote)
 * runs against our emulator. If our register map, IRQ semantics, FIFO or card
 * model were wrong in a way our own driver shares, this would catch it.
 * mfrc522-rpi requires `rpio` (GPIO, only for its reset/buzzer pins) at load
 * time: we stub it through require.cache so no native code is needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Mfrc522Emulator } from '../../../simulator/mfrc522/emulator.ts';
import { VirtualClassicCard } from '../../../simulator/card/virtual-classic.ts';

const require = createRequire(import.meta.url);

/** The slice of mfrc522-rpi's API we drive (index.js; docs/hardware.md). */
interface Mfrc522Rpi {
  reset(): void;
  findCard(): { status: boolean | null; bitSize: number | null };
  getUid(): { status: boolean; data: number[] };
  selectCard(uid: number[]): number;
  authenticate(block: number, key: number[], uid: number[]): boolean;
  getDataForBlock(block: number): number[];
  writeDataToBlock(block: number, data: number[]): void;
  stopCrypto(): void;
}
type Mfrc522RpiClass = new (spi: object) => Mfrc522Rpi;

function loadMfrc522Rpi(): Mfrc522RpiClass | string {
  let main: string;
  try {
    main = require.resolve('mfrc522-rpi');
  } catch {
    return 'mfrc522-rpi is not installed (npm install -D mfrc522-rpi with overrides.rpio ^2.4.2)';
  }
  const rpioPath = createRequire(main).resolve('rpio');
  const rpioStub = { open() {}, write() {}, close() {}, OUTPUT: 1, INPUT: 0, LOW: 0, HIGH: 1 };
  require.cache[rpioPath] = {
    id: rpioPath,
    filename: rpioPath,
    loaded: true,
    exports: rpioStub,
  } as unknown as NodeJS.Module;
  return require('mfrc522-rpi') as Mfrc522RpiClass;
}

const loaded = loadMfrc522Rpi();
const skip = typeof loaded === 'string' ? loaded : false;
const KEY = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const UID = Uint8Array.of(0xde, 0xad, 0xbe, 0xef);

/** mfrc522-rpi's SPI object (rpi-softspi's API), on top of the emulator. */
function softSpiOn(emu: Mfrc522Emulator) {
  return {
    open() {},
    close() {},
    write: (b: Uint8Array) => void emu.transferSync(b),
    transfer: (b: Uint8Array) => emu.transferSync(b),
  };
}

/** mfrc522-rpi reports writes with console.log only: capture what it says. */
function quietly<T>(fn: () => T): { value: T; said: string[] } {
  const said: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void said.push(args.join(' '));
  try {
    return { value: fn(), said };
  } finally {
    console.log = original;
  }
}

test('mfrc522-rpi detects, selects, authenticates, reads and writes a virtual card', { skip }, () => {
  const MFRC522 = loaded as Mfrc522RpiClass;
  const emu = new Mfrc522Emulator();
  const rc = new MFRC522(softSpiOn(emu));
  rc.reset();
  assert.equal(rc.findCard().status, false, 'an empty field has no card');

  const card = VirtualClassicCard.blank(UID);
  emu.place(card);
  assert.deepEqual(rc.findCard(), { status: true, bitSize: 16 });
  const uid = rc.getUid();
  assert.equal(uid.status, true);
  assert.deepEqual(uid.data, [0xde, 0xad, 0xbe, 0xef, 0xde ^ 0xad ^ 0xbe ^ 0xef]);
  assert.equal(rc.selectCard(uid.data), 0x08, 'SAK of a Classic 1K');

  assert.equal(rc.authenticate(8, KEY, uid.data), true);
  assert.equal(emu.crypto1On, true);
  assert.deepEqual(rc.getDataForBlock(8), new Array(16).fill(0));

  const data = Array.from({ length: 16 }, (_, i) => 0x40 + i);
  const { said } = quietly(() => rc.writeDataToBlock(9, data));
  assert.deepEqual(said, ['Data written successfully']);
  assert.deepEqual(Array.from(card.dump().subarray(9 * 16, 10 * 16)), data);
  assert.deepEqual(rc.getDataForBlock(9), data);
  rc.stopCrypto();
  assert.equal(emu.crypto1On, false);
});

test('mfrc522-rpi needs exactly the SPI operations traced on an independent fake (docs/hardware.md)', { skip }, () => {
  // Same counts as the fake-SPI trace in docs/hardware.md (mfrc522-rpi 2.1.3): our emulator answers each
  // command within the first IRQ poll, as that fake did, so the register traffic must match one for one.
  const MFRC522 = loaded as Mfrc522RpiClass;
  const emu = new Mfrc522Emulator();
  const rc = new MFRC522(softSpiOn(emu));
  rc.reset();
  const ops = <T>(fn: () => T): number => {
    emu.resetStats();
    quietly(fn);
    return emu.stats.transfers;
  };
  assert.equal(
    ops(() => rc.findCard()),
    18,
  );
  emu.place(VirtualClassicCard.blank(UID));
  assert.equal(
    ops(() => rc.findCard()),
    19,
  );
  const uid = rc.getUid().data;
  assert.equal(
    ops(() => rc.getUid()),
    23,
  );
  assert.equal(
    ops(() => rc.selectCard(uid)),
    42,
  );
  assert.equal(
    ops(() => rc.authenticate(8, KEY, uid)),
    24,
  );
  assert.equal(
    ops(() => rc.getDataForBlock(8)),
    45,
  );
  assert.equal(
    ops(() => rc.writeDataToBlock(9, new Array(16).fill(1))),
    88,
  );
});

test('mfrc522-rpi: a wrong key fails, and the card answers a new request afterwards', { skip }, () => {
  const MFRC522 = loaded as Mfrc522RpiClass;
  const emu = new Mfrc522Emulator();
  const rc = new MFRC522(softSpiOn(emu));
  rc.reset();
  emu.place(VirtualClassicCard.blank(UID));
  assert.equal(rc.findCard().status, true);
  const uid = rc.getUid().data;
  assert.equal(rc.selectCard(uid), 0x08);
  assert.equal(rc.authenticate(8, [1, 2, 3, 4, 5, 6], uid), false);
  assert.equal(emu.crypto1On, false);
  // A failed authentication sends the card to IDLE, where REQA wakes it again.
  assert.equal(rc.findCard().status, true);
  assert.equal(rc.selectCard(rc.getUid().data), 0x08);
  assert.equal(rc.authenticate(8, KEY, uid), true);
});
