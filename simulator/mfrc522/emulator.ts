/**
 * A register-level MFRC522 behind the `SpiBus` interface, so the real driver
 * (and a third-party one, see the cross-check test) runs against it unchanged.
 *
 * Modelled: the register file with reset values, SPI address bytes (burst
 * reads of mixed registers, burst writes into one register), the 64-byte FIFO,
 * ComIrqReg/DivIrqReg with Set1/Set2 write semantics, ErrorReg, Status1/2
 * (MFCrypto1On), BitFramingReg StartSend/TxLastBits, ControlReg RxLastBits,
 * CollReg, the CRC coprocessor, the commands Idle, Mem, GenerateRandomID,
 * CalcCRC, Transmit, Receive, Transceive, MFAuthent and SoftReset, the timer
 * (TimerIRq when nobody answers and TAuto is set), the antenna, VersionReg.
 *
 * Time does not pass inside the emulator: a command that completes does so
 * within the SPI write that starts it, unless `irqLatencyPolls` holds its IRQ
 * bits back for that many IRQ-register reads, so polling loops are exercised.
 * Faults: `wedge()` (commands never complete until SoftReset) and the field's
 * removal and corruption knobs. Crypto1 is not modelled (see picc.ts).
 */
import type { SpiBus } from '../../drivers/spi/index.ts';
import {
  BIT_FRAMING_START_SEND,
  Cmd,
  COLL_POS_NOT_VALID,
  COLL_VALUES_AFTER_COLL,
  ComIrq,
  DivIrq,
  Err,
  FIFO_FLUSH,
  Reg,
  registerOfAddressByte,
  SPI_READ,
  STATUS2_MF_CRYPTO1_ON,
  TX_CONTROL_ANTENNA,
  VERSION_V2,
} from '../../drivers/card/mfrc522/registers.ts';
import type { VirtualClassicCard } from '../card/virtual-classic.ts';
import { ChipState, COM_IRQ_BITS, DIV_IRQ_BITS } from './chip-state.ts';
import { CommandUnit } from './commands.ts';
import { RfField } from './field.ts';

export interface Mfrc522EmulatorOptions {
  /** VersionReg: 0x92 genuine v2.0 (default), 0x91 v1.0, 0x88 FM17522 clone, anything else a counterfeit. */
  version?: number;
  /** IRQ-register reads before a finished command's IRQ bits show (0 = at once). */
  irqLatencyPolls?: number;
}

export interface SpiStats {
  /** Bus operations: a transfer, or a batch of them (one spidev ioctl). */
  transfers: number;
  /** Chip-select assertions: one per transfer, batched or not. */
  frames: number;
  bytes: number;
}

export class Mfrc522Emulator implements SpiBus {
  readonly field = new RfField();
  readonly stats: SpiStats = { transfers: 0, frames: 0, bytes: 0 };
  version: number;
  private readonly s: ChipState;
  private readonly commands: CommandUnit;
  private closed = false;

  constructor(opts: Mfrc522EmulatorOptions = {}) {
    this.version = opts.version ?? VERSION_V2;
    this.s = new ChipState(this.field, opts.irqLatencyPolls ?? 0);
    this.commands = new CommandUnit(this.s, this.field);
  }

  /** Puts a card into the field (it powers up fresh); removing it is `field.remove(card)`. */
  place(card: VirtualClassicCard): void {
    this.field.place(card);
  }
  /** Fault: from now on every command hangs (no IRQ, no RF) until a SoftReset. */
  wedge(): void {
    this.s.wedged = true;
  }
  get isWedged(): boolean {
    return this.s.wedged;
  }
  get crypto1On(): boolean {
    return this.s.crypto1;
  }
  get activeCommand(): number {
    return this.s.command;
  }
  /** The timer period the registers set, in µs. */
  timeoutUs(): number {
    return this.s.timeoutUs();
  }
  resetStats(): void {
    this.stats.transfers = 0;
    this.stats.frames = 0;
    this.stats.bytes = 0;
  }

  async transfer(tx: Uint8Array): Promise<Uint8Array> {
    return this.transferSync(tx);
  }

  /** In order, each its own chip select, counted as one bus operation (spidev's ioctl). */
  async transferBatch(txs: readonly Uint8Array[]): Promise<Uint8Array[]> {
    const out = txs.map((tx) => this.transferSync(tx));
    this.stats.transfers -= txs.length - 1;
    return out;
  }
  async close(): Promise<void> {
    this.closed = true;
  }

  /** One chip-select assertion. First byte read bit set: burst read of the addressed registers; else burst write. */
  transferSync(tx: Uint8Array): Uint8Array {
    if (this.closed) throw new Error('SPI bus is closed');
    this.stats.transfers++;
    this.stats.frames++;
    this.stats.bytes += tx.length;
    const rx = new Uint8Array(tx.length);
    if (tx.length === 0) return rx;
    if (tx[0]! & SPI_READ) {
      // MISO byte i+1 answers the address sent in byte i; the last MOSI byte (00) only clocks it out.
      for (let i = 0; i + 1 < tx.length; i++) rx[i + 1] = this.read(registerOfAddressByte(tx[i]!));
    } else {
      const reg = registerOfAddressByte(tx[0]!);
      for (let i = 1; i < tx.length; i++) this.write(reg, tx[i]!);
    }
    return rx;
  }

  private read(reg: number): number {
    const s = this.s;
    switch (reg) {
      case Reg.Command:
        return s.commandFlags | s.command;
      case Reg.ComIrq:
        s.poll();
        return s.comIrq;
      case Reg.DivIrq:
        s.poll();
        return s.divIrq;
      case Reg.Error:
        return s.error;
      case Reg.Status1:
        s.poll();
        return s.status1();
      case Reg.Status2: // ModemState 01 = waiting for StartSend, else idle
        return (
          (s.regs[Reg.Status2]! & 0xc0) |
          (s.crypto1 ? STATUS2_MF_CRYPTO1_ON : 0) |
          (s.command === Cmd.Transceive ? 0x01 : 0x00)
        );
      case Reg.FIFOData: {
        const byte = s.fifo.pop();
        s.fifoChanged();
        return byte;
      }
      case Reg.FIFOLevel:
        return s.fifo.level;
      case Reg.Control:
        return 0x10 | s.rxLastBits;
      case Reg.Version:
        return this.version;
      default:
        return s.regs[reg]!;
    }
  }

  private write(reg: number, value: number): void {
    const s = this.s;
    switch (reg) {
      case Reg.Command:
        return this.commands.start(value);
      case Reg.ComIrq:
        // Set1 (b7) chooses: 1 sets the marked bits, 0 clears them (datasheet §9.3.1.5).
        s.comIrq = value & ComIrq.Set1 ? s.comIrq | (value & COM_IRQ_BITS) : s.comIrq & ~value & COM_IRQ_BITS;
        return;
      case Reg.DivIrq:
        s.divIrq = value & DivIrq.Set2 ? s.divIrq | (value & DIV_IRQ_BITS) : s.divIrq & ~value & DIV_IRQ_BITS;
        return;
      case Reg.FIFOData:
        if (!s.fifo.push(value)) {
          s.error |= Err.BufferOvfl;
          s.comIrq |= ComIrq.Err;
        }
        s.fifoChanged();
        return this.commands.fifoWritten();
      case Reg.FIFOLevel:
        if (value & FIFO_FLUSH) {
          s.fifo.flush();
          s.error &= ~Err.BufferOvfl;
          s.fifoChanged();
        }
        return;
      case Reg.BitFraming:
        s.regs[reg] = value;
        if (value & BIT_FRAMING_START_SEND && s.command === Cmd.Transceive) this.commands.transceive();
        return;
      case Reg.Control:
        // TStartNow: time does not pass here, so a manually started timer has already run out.
        if (value & 0x40) s.finish(ComIrq.Timer, 0);
        return;
      case Reg.Status2:
        // MFCrypto1On can only be cleared by software, never set.
        if ((value & STATUS2_MF_CRYPTO1_ON) === 0) s.crypto1 = false;
        s.regs[reg] = value & 0xc0;
        return;
      case Reg.Coll:
        s.regs[reg] = (value & COLL_VALUES_AFTER_COLL) | COLL_POS_NOT_VALID;
        return;
      case Reg.TxControl:
        s.regs[reg] = value;
        this.field.setPower((value & TX_CONTROL_ANTENNA) !== 0);
        return;
      case Reg.Error:
      case Reg.Status1:
      case Reg.Version:
      case Reg.CRCResultMSB:
      case Reg.CRCResultLSB:
        return; // read-only
      default:
        s.regs[reg] = value;
    }
  }
}
