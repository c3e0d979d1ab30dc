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
import type { SpiBus } from '../../spi/index.ts';
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
    await this.bus.transfer(Uint8Array.of(spiWriteAddress(reg), value));
  }

  async setBits(reg: number, mask: number): Promise<void> {
    await this.write(reg, (await this.read(reg)) | mask);
  }

  async clearBits(reg: number, mask: number): Promise<void> {
    await this.write(reg, (await this.read(reg)) & ~mask);
  }

  /** Flushes the FIFO and fills it with `data` in one burst. */
  async loadFifo(data: Uint8Array): Promise<void> {
    if (data.length > FIFO_BYTES) throw new RangeError(`FIFO holds ${FIFO_BYTES} bytes, got ${data.length}`);
    await this.write(Reg.FIFOLevel, FIFO_FLUSH);
    if (data.length === 0) return;
    const tx = new Uint8Array(data.length + 1);
    tx[0] = spiWriteAddress(Reg.FIFOData);
    tx.set(data, 1);
    await this.bus.transfer(tx);
  }

  async readFifo(n: number): Promise<Uint8Array> {
    if (n === 0) return new Uint8Array(0);
    return Uint8Array.from(await this.readMany(new Array<number>(n).fill(Reg.FIFOData)));
  }

  /** SoftReset, then wait for PowerDown to clear (the oscillator restarting). */
  async softReset(): Promise<void> {
    await this.write(Reg.Command, Cmd.SoftReset);
    await this.waitFor('SoftReset', Reg.Command, (v) => (v & COMMAND_POWER_DOWN) === 0);
  }

  /** Stops whatever runs, clears every IRQ and loads the FIFO: the common start of a command. */
  private async prepare(data: Uint8Array): Promise<void> {
    await this.write(Reg.Command, Cmd.Idle);
    await this.write(Reg.ComIrq, COM_IRQ_CLEAR_ALL);
    await this.loadFifo(data);
  }

  /** Transceive `data`; `txLastBits` 7 sends a short frame (REQA/WUPA). */
  async transceive(data: Uint8Array, txLastBits = 0): Promise<TransceiveResult> {
    await this.prepare(data);
    // StartSend must be clear while the command is set, or the chip would send at once.
    await this.write(Reg.BitFraming, txLastBits);
    await this.write(Reg.Command, Cmd.Transceive);
    await this.write(Reg.BitFraming, BIT_FRAMING_START_SEND | txLastBits);
    const irq = await this.waitFor(
      'Transceive',
      Reg.ComIrq,
      (v) => (v & (ComIrq.Rx | ComIrq.Idle | ComIrq.Timer)) !== 0,
    );
    if ((irq & (ComIrq.Rx | ComIrq.Idle)) === 0) return { kind: 'timeout' };
    const [errorReg, levelReg, control] = (await this.readMany([Reg.Error, Reg.FIFOLevel, Reg.Control])) as [
      number,
      number,
      number,
    ];
    if (errorReg & RX_ERRORS) return { kind: 'error', errorReg };
    const level = levelReg & FIFO_LEVEL_MASK;
    const lastBits = control & CONTROL_RX_LAST_BITS_MASK;
    const bytes = await this.readFifo(level);
    return { kind: 'answer', bytes, bits: level === 0 ? 0 : (level - 1) * 8 + (lastBits || 8) };
  }

  /** Transmit only (HLTA: a card never answers it, so waiting for the timer would waste 25 ms). */
  async transmit(data: Uint8Array): Promise<void> {
    await this.prepare(data);
    await this.write(Reg.BitFraming, 0);
    await this.write(Reg.Command, Cmd.Transmit);
    await this.waitFor('Transmit', Reg.ComIrq, (v) => (v & (ComIrq.Idle | ComIrq.Tx)) !== 0);
  }

  /** MFAuthent with FIFO `[60|61, block, key×6, uid×4]`; true when MFCrypto1On came on. */
  async mfAuthent(fifo: Uint8Array): Promise<boolean> {
    await this.prepare(fifo);
    await this.write(Reg.Command, Cmd.MFAuthent);
    const irq = await this.waitFor(
      'MFAuthent',
      Reg.ComIrq,
      (v) => (v & (ComIrq.Idle | ComIrq.Timer | ComIrq.Err)) !== 0,
    );
    // A failed authentication leaves the command running: stop it before anything else.
    const ended = (irq & ComIrq.Idle) !== 0;
    if (!ended) await this.write(Reg.Command, Cmd.Idle);
    // MFCrypto1On alone does not tell: a nested authentication (another sector while one is open) that
    // fails leaves it set from the earlier one, and the card has dropped to IDLE. Only a command that
    // ended by itself, with Crypto1 on, authenticated.
    const status2 = await this.read(Reg.Status2);
    return ended && (status2 & STATUS2_MF_CRYPTO1_ON) !== 0;
  }

  /** Ends the Crypto1 session (clears MFCrypto1On; the other writable Status2 bits stay 0). */
  async stopCrypto(): Promise<void> {
    await this.write(Reg.Status2, 0x00);
  }

  /** The CRC coprocessor's CRC_A of `data`, [LSB, MSB] (used by the self-test). */
  async calcCrc(data: Uint8Array): Promise<Uint8Array> {
    await this.write(Reg.Command, Cmd.Idle);
    await this.write(Reg.DivIrq, DivIrq.CRC); // Set2 = 0: clears CRCIRq
    await this.loadFifo(data);
    await this.write(Reg.Command, Cmd.CalcCRC);
    await this.waitFor('CalcCRC', Reg.DivIrq, (v) => (v & DivIrq.CRC) !== 0);
    const [lsb, msb] = (await this.readMany([Reg.CRCResultLSB, Reg.CRCResultMSB])) as [number, number];
    await this.write(Reg.Command, Cmd.Idle); // CalcCRC runs until stopped
    return Uint8Array.of(lsb, msb);
  }

  /** Polls `reg` until `done`, yielding to the event loop before each read; throws ChipHungError past the limits. */
  private async waitFor(what: string, reg: number, done: (value: number) => boolean): Promise<number> {
    const clock = this.opts.clock;
    const deadlineMs = clock ? clock.nowMs() + this.timeoutMs : Infinity;
    for (let i = 0; i < this.pollLimit; i++) {
      await this.yieldToLoop();
      this.polls++;
      const value = await this.read(reg);
      if (done(value)) return value;
      if (clock && clock.nowMs() > deadlineMs) break;
    }
    throw new ChipHungError(what);
  }
}
