/** The emulator at register level, driven by raw SPI bytes as a datasheet reader would. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mfrc522Emulator } from '../../../simulator/mfrc522/emulator.ts';
import { VirtualClassicCard } from '../../../simulator/card/virtual-classic.ts';
import { crcA, withCrcA } from '../../../drivers/card/mfrc522/crc.ts';
import { Cmd, Reg, spiReadAddress, spiWriteAddress } from '../../../drivers/card/mfrc522/registers.ts';

const hex = (b: Uint8Array | number[]) => Buffer.from(b).toString('hex');

function regs(emu: Mfrc522Emulator) {
  const r = (reg: number) => emu.transferSync(Uint8Array.of(spiReadAddress(reg), 0))[1]!;
  const w = (reg: number, ...values: number[]) => void emu.transferSync(Uint8Array.of(spiWriteAddress(reg), ...values));
  /** The usual Transceive sequence; returns [ComIrq, FIFO bytes, RxLastBits]. */
  const transceive = (bytes: number[] | Uint8Array, txLastBits = 0) => {
    w(Reg.Command, Cmd.Idle);
    w(Reg.ComIrq, 0x7f);
    w(Reg.FIFOLevel, 0x80);
    w(Reg.FIFOData, ...bytes);
    w(Reg.BitFraming, txLastBits);
    w(Reg.Command, Cmd.Transceive);
    w(Reg.BitFraming, 0x80 | txLastBits);
    const irq = r(Reg.ComIrq);
    const n = r(Reg.FIFOLevel);
    const fifo = Array.from({ length: n }, () => r(Reg.FIFOData));
    return { irq, fifo, lastBits: r(Reg.Control) & 7 };
  };
  const armTimer = () => {
    w(Reg.TMode, 0x80);
    w(Reg.TPrescaler, 0xa9);
    w(Reg.TReloadHi, 0x03);
    w(Reg.TReloadLo, 0xe8);
  };
  return { r, w, transceive, armTimer };
}

test('reset values, VersionReg, and burst reads of mixed registers', () => {
  const emu = new Mfrc522Emulator();
  const { r } = regs(emu);
  assert.equal(r(Reg.Version), 0x92);
  assert.equal(r(Reg.ComIrq), 0x14, 'IdleIRq and LoAlertIRq after reset');
  assert.equal(r(Reg.Mode), 0x3f);
  assert.equal(r(Reg.TxControl), 0x80, 'antenna off after reset');
  const rx = emu.transferSync(
    Uint8Array.of(spiReadAddress(Reg.Version), spiReadAddress(Reg.Mode), spiReadAddress(Reg.TxControl), 0),
  );
  assert.equal(hex(rx.subarray(1)), '923f80');
  assert.equal(
    new Mfrc522Emulator({ version: 0x88 }).transferSync(Uint8Array.of(spiReadAddress(Reg.Version), 0))[1],
    0x88,
  );
});

test('ComIrqReg Set1 and DivIrqReg Set2: bit 7 chooses set or clear of the marked bits', () => {
  const emu = new Mfrc522Emulator();
  const { r, w } = regs(emu);
  w(Reg.ComIrq, 0x7f);
  assert.equal(r(Reg.ComIrq), 0x00, '7F clears everything');
  w(Reg.ComIrq, 0x80 | 0x21);
  assert.equal(r(Reg.ComIrq), 0x21, 'Set1 sets only the marked bits');
  w(Reg.ComIrq, 0x01);
  assert.equal(r(Reg.ComIrq), 0x20, 'Set1=0 clears only the marked bits');
  w(Reg.ComIrq, 0x80);
  assert.equal(r(Reg.ComIrq), 0x20, 'nothing marked, nothing changes');

  w(Reg.DivIrq, 0x80 | 0x04);
  assert.equal(r(Reg.DivIrq), 0x04);
  // mfrc522-rpi's clearRegisterBitMask(DivIrqReg, 0x04) writes (04 & ~04) = 00: it marks nothing, so CRCIRq stays.
  w(Reg.DivIrq, r(Reg.DivIrq) & ~0x04);
  assert.equal(r(Reg.DivIrq), 0x04, 'the latent mfrc522-rpi bug (docs/hardware.md)');
  w(Reg.DivIrq, 0x04);
  assert.equal(r(Reg.DivIrq), 0x00);
});

test('FIFO: level, flush, overflow sets BufferOvfl and ErrIRq, water-level alerts latch', () => {
  const emu = new Mfrc522Emulator();
  const { r, w } = regs(emu);
  w(Reg.ComIrq, 0x7f);
  w(Reg.FIFOData, ...new Array<number>(60).fill(0xaa));
  assert.equal(r(Reg.FIFOLevel), 60);
  assert.equal(r(Reg.ComIrq) & 0x08, 0x08, 'HiAlertIRq: free space fell to the water level (8)');
  w(Reg.FIFOData, 1, 2, 3, 4, 5);
  assert.equal(r(Reg.FIFOLevel), 64);
  assert.equal(r(Reg.Error) & 0x10, 0x10, 'BufferOvfl');
  assert.equal(r(Reg.ComIrq) & 0x02, 0x02, 'ErrIRq');
  w(Reg.FIFOLevel, 0x80);
  assert.equal(r(Reg.FIFOLevel), 0);
  assert.equal(r(Reg.Error), 0, 'flush clears BufferOvfl');
  assert.equal(r(Reg.FIFOData), 0, 'an empty FIFO reads 0');
});

test('CalcCRC puts CRC_A into CRCResultReg and keeps adding bytes until stopped', () => {
  const emu = new Mfrc522Emulator();
  const { r, w } = regs(emu);
  w(Reg.Mode, 0x3d);
  w(Reg.DivIrq, 0x04);
  w(Reg.FIFOData, 0x50, 0x00);
  w(Reg.Command, Cmd.CalcCRC);
  assert.equal(r(Reg.DivIrq) & 0x04, 0x04, 'CRCIRq');
  assert.equal(hex([r(Reg.CRCResultLSB), r(Reg.CRCResultMSB)]), '57cd');
  assert.equal(r(Reg.Command) & 0x0f, Cmd.CalcCRC, 'CalcCRC does not end by itself');
  w(Reg.FIFOData, 0x57, 0xcd);
  assert.equal(hex([r(Reg.CRCResultLSB), r(Reg.CRCResultMSB)]), '0000', 'CRC over data + its CRC is 0');
  assert.equal(r(Reg.Status1) & 0x40, 0x40, 'CRCOk');
});

test('no card: TimerIRq when TAuto is set, nothing at all when it is not; the RF log records the wait', () => {
  const emu = new Mfrc522Emulator();
  const { r, w, transceive, armTimer } = regs(emu);
  w(Reg.TxControl, 0x83);
  assert.equal(transceive([0x26], 7).irq & 0x01, 0x00, 'timer not armed: the command just waits');
  assert.equal(r(Reg.Command) & 0x0f, Cmd.Transceive);
  armTimer();
  const { irq } = transceive([0x26], 7);
  assert.equal(irq & 0x31, 0x01, 'TimerIRq, no RxIRq');
  const last = emu.field.exchanges.at(-1)!;
  assert.deepEqual(
    { op: last.op, answered: last.answered, timeoutUs: Math.round(last.timeoutUs) },
    { op: 'REQA', answered: false, timeoutUs: 25_025 },
  ); // (1000+1)·(2·169+1) / 13.56 MHz
});

test('a card answers REQA only as a 7-bit short frame, only with the antenna on, and HALT hears only WUPA', () => {
  const emu = new Mfrc522Emulator();
  const { w, transceive, armTimer } = regs(emu);
  armTimer();
  emu.place(VirtualClassicCard.blank(Uint8Array.of(1, 2, 3, 4)));
  assert.equal(transceive([0x26], 7).irq & 0x20, 0, 'antenna off: no field, no answer');
  w(Reg.TxControl, 0x83);
  assert.equal(transceive([0x26], 0).irq & 0x20, 0, '26 as a full byte is not REQA');
  const atqa = transceive([0x26], 7);
  assert.equal(hex(atqa.fifo), '0400');
  const cl1 = transceive([0x93, 0x20]);
  assert.equal(hex(cl1.fifo), '0102030404');
  const sak = transceive(withCrcA([0x93, 0x70, ...cl1.fifo]));
  assert.equal(hex(sak.fifo), hex(withCrcA([0x08])));
  transceive(withCrcA([0x50, 0x00]));
  assert.equal(emu.field.stateOf(emu.field.cards[0]!), 'halt');
  assert.equal(transceive([0x26], 7).irq & 0x20, 0, 'a halted card ignores REQA');
  assert.equal(hex(transceive([0x52], 7).fifo), '0400', 'WUPA wakes it');
});

test('MFCrypto1On: set by MFAuthent only, cleared by software, SoftReset, and a 4-bit ACK sets RxLastBits', () => {
  const emu = new Mfrc522Emulator();
  const { r, w, transceive, armTimer } = regs(emu);
  armTimer();
  w(Reg.TxControl, 0x83);
  emu.place(VirtualClassicCard.blank(Uint8Array.of(1, 2, 3, 4)));
  w(Reg.Status2, 0x08);
  assert.equal(r(Reg.Status2) & 0x08, 0, 'software cannot set MFCrypto1On');
  transceive([0x26], 7);
  transceive(withCrcA([0x93, 0x70, 1, 2, 3, 4, 4]));
  w(Reg.Command, Cmd.Idle);
  w(Reg.ComIrq, 0x7f);
  w(Reg.FIFOData, 0x60, 7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4);
  w(Reg.Command, Cmd.MFAuthent);
  assert.equal(r(Reg.ComIrq) & 0x10, 0x10, 'IdleIRq: MFAuthent ended by itself');
  assert.equal(r(Reg.Status2) & 0x08, 0x08);
  const ack = transceive(withCrcA([0xa0, 5]));
  assert.deepEqual({ fifo: hex(ack.fifo), lastBits: ack.lastBits }, { fifo: '0a', lastBits: 4 });
  w(Reg.Status2, 0x00);
  assert.equal(r(Reg.Status2) & 0x08, 0);
  assert.equal(
    transceive(withCrcA(new Uint8Array(16))).irq & 0x20,
    0,
    'the card no longer understands the clear frame',
  );
  w(Reg.Command, Cmd.SoftReset);
  assert.equal(r(Reg.TxControl), 0x80);
});

test('wedge: commands never complete until SoftReset', () => {
  const emu = new Mfrc522Emulator();
  const { r, w, transceive, armTimer } = regs(emu);
  armTimer();
  w(Reg.TxControl, 0x83);
  emu.wedge();
  assert.equal(transceive([0x26], 7).irq & 0x31, 0, 'no Rx, no Idle, no Timer');
  w(Reg.Command, Cmd.SoftReset);
  assert.equal(emu.isWedged, false);
  armTimer();
  assert.equal(transceive([0x26], 7).irq & 0x01, 0x01);
  assert.ok(r(Reg.Version));
});

test('irqLatencyPolls holds IRQ bits back for that many IRQ reads; SPI traffic is counted', () => {
  const emu = new Mfrc522Emulator({ irqLatencyPolls: 3 });
  const { r, w } = regs(emu);
  w(Reg.Mode, 0x3d);
  w(Reg.DivIrq, 0x04);
  emu.resetStats();
  w(Reg.FIFOData, 0x30, 0x04);
  w(Reg.Command, Cmd.CalcCRC);
  assert.deepEqual([r(Reg.DivIrq), r(Reg.DivIrq), r(Reg.DivIrq)], [0, 0, 0x04]);
  assert.equal(hex([r(Reg.CRCResultLSB), r(Reg.CRCResultMSB)]), hex(crcA([0x30, 0x04])));
  assert.deepEqual(emu.stats, { transfers: 7, frames: 7, bytes: 3 + 2 + 3 * 2 + 2 * 2 });
});

test('a batch of transfers is one bus operation of several chip selects, applied in order', async () => {
  const emu = new Mfrc522Emulator();
  emu.resetStats();
  const [, , , crc] = await emu.transferBatch([
    Uint8Array.of(spiWriteAddress(Reg.Mode), 0x3d), // CRC preset 6363
    Uint8Array.of(spiWriteAddress(Reg.FIFOData), 0x30, 0x04),
    Uint8Array.of(spiWriteAddress(Reg.Command), Cmd.CalcCRC),
    Uint8Array.of(spiReadAddress(Reg.CRCResultLSB), spiReadAddress(Reg.CRCResultMSB), 0),
  ]);
  assert.equal(hex([crc![1]!, crc![2]!]), hex(crcA([0x30, 0x04])), 'each frame saw the ones before it');
  assert.deepEqual(emu.stats, { transfers: 1, frames: 4, bytes: 2 + 3 + 2 + 3 });
});
