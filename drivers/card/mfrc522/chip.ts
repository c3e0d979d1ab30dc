/**
 * MFRC522 register access and command execution over an SpiBus (datasheet
 * §8.1.2 for the SPI framing, §10 for the commands). Waiting for a command
 * polls the IRQ register and yields to the event loop before every poll, so a
 * card transaction never holds the loop for more than one SPI transfer; the
 * wait is bounded by a poll count and, with a clock, by a time limit. A
 * command that never finishes is a hung chip (ChipHungError), not "no card":
 * "no card" ends in TimerIRq because the reader arms the timer (TAuto).
 */
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import type { Clock } from '../../../base/clock.ts';
import { transferAll, type SpiBus } from '../../spi/index.ts';
import {
  BIT_FRAMING_START_SEND,
  Cmd,
  COM_IRQ_CLEAR_ALL,
  COMMAND_POWER_DOWN,
  ComIrq,
  CONTROL_RX_LAST_BITS_MASK,
  DivIrq,
  Err,
  FIFO_BYTES,
  FIFO_FLUSH,
  FIFO_LEVEL_MASK,
  Reg,
  spiReadAddress,
  spiWriteAddress,
  STATUS2_MF_CRYPTO1_ON,
} from './registers.ts';

export interface ChipOptions {
  /** IRQ polls before a command counts as hung. 2000 covers the 25 ms timer at ≥ 12.5 µs per poll. */
  pollLimit?: number;
  /** With a clock, a command also counts as hung after this long (must exceed the chip's own 25 ms timer). */
  clock?: Clock;
  commandTimeoutMs?: number;
  /** How to let other work run between polls; default: the next turn of the event loop (setImmediate). */
  yieldToLoop?: () => Promise<unknown>;
}

export const POLL_LIMIT_DEFAULT = 2000;
export const COMMAND_TIMEOUT_MS_DEFAULT = 100;

/** A command never finished: the chip is wedged and needs a reset. */
export class ChipHungError extends Error {
  constructor(readonly what: string) {
    super(`MFRC522 ${what} did not complete`);
    this.name = 'ChipHungError';
  }
}

/** What came back from a Transceive. `bits` counts valid bits (4 for an ACK). */
export type TransceiveResult =
  | { kind: 'answer'; bytes: Uint8Array; bits: number }
  | { kind: 'timeout' }
  | { kind: 'error'; errorReg: number };

/** Errors that void a reception; CRCErr is not among them because the hardware CRC check is off. */
const RX_ERRORS = Err.BufferOvfl | Err.Coll | Err.Parity | Err.Protocol;

export class Mfrc522Chip {
  private readonly pollLimit: number;
  private readonly timeoutMs: number;
  private readonly yieldToLoop: () => Promise<unknown>;
  /** IRQ polls made so far (a benchmark or health counter). */
  polls = 0;

  constructor(
    private readonly bus: SpiBus,
    private readonly opts: ChipOptions = {},
  ) {
    this.pollLimit = opts.pollLimit ?? POLL_LIMIT_DEFAULT;
    this.timeoutMs = opts.commandTimeoutMs ?? COMMAND_TIMEOUT_MS_DEFAULT;
    this.yieldToLoop = opts.yieldToLoop ?? (() => yieldImmediate());
  }

  async read(reg: number): Promise<number> {
    const rx = await this.bus.transfer(Uint8Array.of(spiReadAddress(reg), 0x00));
    return rx[1]!;
  }

  /** Several registers in one chip-select: the MFRC522 answers address i in MISO byte i+1. */
  async readMany(regs: readonly number[]): Promise<number[]> {
    const tx = new Uint8Array(regs.length + 1);
    regs.forEach((r, i) => (tx[i] = spiReadAddress(r)));
    const rx = await this.bus.transfer(tx);
    return Array.from(rx.subarray(1));
  }

  async write(reg: number, value: number): Promise<void> {
    await this.bus.transfer(writeFrame(reg, value));
  }

  async setBits(reg: number, mask: number): Promise<void> {
    await this.write(reg, (await this.read(reg)) | mask);
  }

  async clearBits(reg: number, mask: number): Promise<void> {
    await this.write(reg, (await this.read(reg)) & ~mask);
  }

  /** Flushes the FIFO and fills it with `data` in one burst. */
  async loadFifo(data: Uint8Array): Promise<void> {
    await transferAll(this.bus, fifoFrames(data));
  }

  async readFifo(n: number): Promise<Uint8Array> {
    if (n === 0) return new Uint8Array(0);
    return Uint8Array.from(await this.readMany(new Array<number>(n).fill(Reg.FIFOData)));
  }

  /** SoftReset, then wait for PowerDown to clear (the oscillator restarting). */
  async softReset(): Promise<void> {
    await this.write(Reg.Command, Cmd.SoftReset);
    await this.waitFor('SoftReset', [Reg.Command], ([v]) => (v! & COMMAND_POWER_DOWN) === 0);
  }

  /**
   * Transceive `data`; `txLastBits` 7 sends a short frame (REQA/WUPA). Three bus
   * operations when the card answers at the first poll: the start (every write
   * below, batched), the poll, which reads the result registers along with the
   * IRQs, and the FIFO.
   */
  async transceive(data: Uint8Array, txLastBits = 0): Promise<TransceiveResult> {
    await transferAll(this.bus, [
      ...startFrames(data),
      // StartSend must be clear while the command is set, or the chip would send at once.
      writeFrame(Reg.BitFraming, txLastBits),
      writeFrame(Reg.Command, Cmd.Transceive),
      writeFrame(Reg.BitFraming, BIT_FRAMING_START_SEND | txLastBits),
    ]);
    // Read in the same chip select as the IRQs that say the reception ended, so they describe it.
    const [irq, errorReg, levelReg, control] = (await this.waitFor(
      'Transceive',
      [Reg.ComIrq, Reg.Error, Reg.FIFOLevel, Reg.Control],
      ([v]) => (v! & (ComIrq.Rx | ComIrq.Idle | ComIrq.Timer)) !== 0,
    )) as [number, number, number, number];
    if ((irq & (ComIrq.Rx | ComIrq.Idle)) === 0) return { kind: 'timeout' };
    if (errorReg & RX_ERRORS) return { kind: 'error', errorReg };
    const level = levelReg & FIFO_LEVEL_MASK;
    const lastBits = control & CONTROL_RX_LAST_BITS_MASK;
    const bytes = await this.readFifo(level);
    return { kind: 'answer', bytes, bits: level === 0 ? 0 : (level - 1) * 8 + (lastBits || 8) };
  }

  /** Transmit only (HLTA: a card never answers it, so waiting for the timer would waste 25 ms). */
  async transmit(data: Uint8Array): Promise<void> {
    await transferAll(this.bus, [
      ...startFrames(data),
      writeFrame(Reg.BitFraming, 0),
      writeFrame(Reg.Command, Cmd.Transmit),
    ]);
    await this.waitFor('Transmit', [Reg.ComIrq], ([v]) => (v! & (ComIrq.Idle | ComIrq.Tx)) !== 0);
  }

  /** MFAuthent with FIFO `[60|61, block, key×6, uid×4]`; true when MFCrypto1On came on. */
  async mfAuthent(fifo: Uint8Array): Promise<boolean> {
    const start = [...startFrames(fifo), writeFrame(Reg.Command, Cmd.MFAuthent)];
    try {
      await transferAll(this.bus, start);
    } finally {
      for (const frame of start) frame.fill(0); // the FIFO burst holds the key: no copy left lying around
    }
    const [irq, status2] = (await this.waitFor(
      'MFAuthent',
      [Reg.ComIrq, Reg.Status2],
      ([v]) => (v! & (ComIrq.Idle | ComIrq.Timer | ComIrq.Err)) !== 0,
    )) as [number, number];
    // MFCrypto1On alone does not tell: a nested authentication (another sector while one is open) that
    // fails leaves it set from the earlier one, and the card has dropped to IDLE. Only a command that
    // ended by itself, with Crypto1 on (read in the poll that saw it end), authenticated.
    if ((irq & ComIrq.Idle) !== 0) return (status2 & STATUS2_MF_CRYPTO1_ON) !== 0;
    // A failed authentication leaves the command running: stop it before anything else.
    await this.write(Reg.Command, Cmd.Idle);
    return false;
  }

  /** Ends the Crypto1 session (clears MFCrypto1On; the other writable Status2 bits stay 0). */
  async stopCrypto(): Promise<void> {
    await this.write(Reg.Status2, 0x00);
  }

  /** The CRC coprocessor's CRC_A of `data`, [LSB, MSB] (used by the self-test). */
  async calcCrc(data: Uint8Array): Promise<Uint8Array> {
    await transferAll(this.bus, [
      writeFrame(Reg.Command, Cmd.Idle),
      writeFrame(Reg.DivIrq, DivIrq.CRC), // Set2 = 0: clears CRCIRq
      ...fifoFrames(data),
      writeFrame(Reg.Command, Cmd.CalcCRC),
    ]);
    await this.waitFor('CalcCRC', [Reg.DivIrq], ([v]) => (v! & DivIrq.CRC) !== 0);
    const [lsb, msb] = (await this.readMany([Reg.CRCResultLSB, Reg.CRCResultMSB])) as [number, number];
    await this.write(Reg.Command, Cmd.Idle); // CalcCRC runs until stopped
    return Uint8Array.of(lsb, msb);
  }

  /**
   * Polls `regs` (the first decides) until `done`, yielding to the event loop
   * before each read; returns the registers as read in the poll that ended it.
   * Throws ChipHungError past the limits.
   */
  private async waitFor(what: string, regs: readonly number[], done: (values: number[]) => boolean) {
    const clock = this.opts.clock;
    const deadlineMs = clock ? clock.nowMs() + this.timeoutMs : Infinity;
    for (let i = 0; i < this.pollLimit; i++) {
      await this.yieldToLoop();
      this.polls++;
      const values = await this.readMany(regs);
      if (done(values)) return values;
      if (clock && clock.nowMs() > deadlineMs) break;
    }
    throw new ChipHungError(what);
  }
}

const writeFrame = (reg: number, value: number) => Uint8Array.of(spiWriteAddress(reg), value);

/** Flush, then `data` as one burst into FIFOData (the chip keeps the address: §8.1.2.2). */
function fifoFrames(data: Uint8Array): Uint8Array[] {
  if (data.length > FIFO_BYTES) throw new RangeError(`FIFO holds ${FIFO_BYTES} bytes, got ${data.length}`);
  const flush = writeFrame(Reg.FIFOLevel, FIFO_FLUSH);
  if (data.length === 0) return [flush];
  const burst = new Uint8Array(data.length + 1);
  burst[0] = spiWriteAddress(Reg.FIFOData);
  burst.set(data, 1);
  return [flush, burst];
}

/** The common start of a command: stop whatever runs, clear every IRQ, load the FIFO. */
function startFrames(data: Uint8Array): Uint8Array[] {
  return [writeFrame(Reg.Command, Cmd.Idle), writeFrame(Reg.ComIrq, COM_IRQ_CLEAR_ALL), ...fifoFrames(data)];
}
