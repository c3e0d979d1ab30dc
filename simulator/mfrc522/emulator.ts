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
import { CRC_A_PRESET, crcAUpdate } from '../../drivers/card/mfrc522/crc.ts';
import {
  BIT_FRAMING_START_SEND,
  BIT_FRAMING_TX_LAST_BITS_MASK,
  Cmd,
  COLL_POS_NOT_VALID,
  COLL_VALUES_AFTER_COLL,
  COMMAND_MASK,
  ComIrq,
  DivIrq,
  Err,
  FIFO_BYTES,
  FIFO_FLUSH,
  Picc,
  Reg,
  registerOfAddressByte,
  RESET_VALUES,
  SPI_READ,
  Status1,
  STATUS2_MF_CRYPTO1_ON,
  TIMER_CLOCK_HZ,
  TMODE_PRESCALER_HI_MASK,
  TMODE_TAUTO,
  TX_CONTROL_ANTENNA,
  VERSION_V2,
} from '../../drivers/card/mfrc522/registers.ts';
import type { VirtualClassicCard } from '../card/virtual-classic.ts';
import { Fifo } from './fifo.ts';
import { RfField } from './field.ts';

export interface Mfrc522EmulatorOptions {
  /** VersionReg: 0x92 genuine v2.0 (default), 0x91 v1.0, 0x88 FM17522 clone, anything else a counterfeit. */
  version?: number;
  /** IRQ-register reads before a finished command's IRQ bits show (0 = at once). */
  irqLatencyPolls?: number;
}

export interface SpiStats {
  transfers: number;
  bytes: number;
}

const CRC_PRESETS = [0x0000, CRC_A_PRESET, 0xa671, 0xffff] as const;
const MEM_BUFFER_BYTES = 25;
const RANDOM_ID_BYTES = 10;
const AUTH_FIFO_BYTES = 12;
const COM_IRQ_BITS = 0x7f;
const DIV_IRQ_BITS = DivIrq.MfinActIrq | DivIrq.CRC;
const REGISTERS = 64;

export class Mfrc522Emulator implements SpiBus {
  readonly field = new RfField();
  readonly stats: SpiStats = { transfers: 0, bytes: 0 };
  version: number;
  private readonly latencyPolls: number;
  private readonly regs = new Uint8Array(REGISTERS);
  private readonly fifo = new Fifo();
  private readonly memBuffer = new Uint8Array(MEM_BUFFER_BYTES);
  private comIrq = 0;
  private divIrq = 0;
  private error = 0;
  private command: number = Cmd.Idle;
  private commandFlags = 0;
  private crypto1 = false;
  private crc = CRC_A_PRESET;
  private rxLastBits = 0;
  private wedged = false;
  private closed = false;
  private randomState = 0x2545f491;
  private pending: { com: number; div: number; readsLeft: number } | null = null;
  private fifoAlerts = { hi: false, lo: true };

  constructor(opts: Mfrc522EmulatorOptions = {}) {
    this.version = opts.version ?? VERSION_V2;
    this.latencyPolls = opts.irqLatencyPolls ?? 0;
    this.softReset();
  }

  /** Puts a card into the field (it powers up fresh); removing it is `field.remove(card)`. */
  place(card: VirtualClassicCard): void {
    this.field.place(card);
  }
  /** Fault: from now on every command hangs (no IRQ, no RF) until a SoftReset. */
  wedge(): void {
    this.wedged = true;
  }
  get isWedged(): boolean {
    return this.wedged;
  }
  get crypto1On(): boolean {
    return this.crypto1;
  }
  get activeCommand(): number {
    return this.command;
  }
  resetStats(): void {
    this.stats.transfers = 0;
    this.stats.bytes = 0;
  }

  async transfer(tx: Uint8Array): Promise<Uint8Array> {
    return this.transferSync(tx);
  }
  async close(): Promise<void> {
    this.closed = true;
  }

  /** One chip-select assertion. First byte read bit set: burst read of the addressed registers; else burst write. */
  transferSync(tx: Uint8Array): Uint8Array {
    if (this.closed) throw new Error('SPI bus is closed');
    this.stats.transfers++;
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
    switch (reg) {
      case Reg.Command:
        return this.commandFlags | this.command;
      case Reg.ComIrq:
        this.poll();
        return this.comIrq;
      case Reg.DivIrq:
        this.poll();
        return this.divIrq;
      case Reg.Error:
        return this.error;
      case Reg.Status1:
        this.poll();
        return this.status1();
      case Reg.Status2:
        return (this.regs[Reg.Status2]! & 0xc0) | (this.crypto1 ? STATUS2_MF_CRYPTO1_ON : 0) | (this.command === Cmd.Transceive ? 0x01 : 0x00);
      case Reg.FIFOData: {
        const byte = this.fifo.pop();
        this.fifoChanged();
        return byte;
      }
      case Reg.FIFOLevel:
        return this.fifo.level;
      case Reg.Control:
        return 0x10 | this.rxLastBits;
      case Reg.Version:
        return this.version;
      default:
        return this.regs[reg]!;
    }
  }

  private write(reg: number, value: number): void {
    switch (reg) {
      case Reg.Command:
        return this.startCommand(value);
      case Reg.ComIrq:
        // Set1 (b7) chooses: 1 sets the marked bits, 0 clears them (datasheet §9.3.1.5).
        this.comIrq = value & ComIrq.Set1 ? this.comIrq | (value & COM_IRQ_BITS) : this.comIrq & ~value & COM_IRQ_BITS;
        return;
      case Reg.DivIrq:
        this.divIrq = value & DivIrq.Set2 ? this.divIrq | (value & DIV_IRQ_BITS) : this.divIrq & ~value & DIV_IRQ_BITS;
        return;
      case Reg.FIFOData:
        return this.fifoWrite(value);
      case Reg.FIFOLevel:
        if (value & FIFO_FLUSH) {
          this.fifo.flush();
          this.error &= ~Err.BufferOvfl;
          this.fifoChanged();
        }
        return;
      case Reg.BitFraming:
        this.regs[reg] = value;
        if (value & BIT_FRAMING_START_SEND && this.command === Cmd.Transceive && !this.wedged) this.transceive();
        return;
      case Reg.Control:
        // TStartNow: time does not pass here, so a manually started timer has already run out.
        if (value & 0x40) this.finish(ComIrq.Timer, 0);
        return;
      case Reg.Status2:
        // MFCrypto1On can only be cleared by software, never set.
        if ((value & STATUS2_MF_CRYPTO1_ON) === 0) this.crypto1 = false;
        this.regs[reg] = value & 0xc0;
        return;
      case Reg.Coll:
        this.regs[reg] = (value & COLL_VALUES_AFTER_COLL) | COLL_POS_NOT_VALID;
        return;
      case Reg.TxControl:
        this.regs[reg] = value;
        this.field.setPower((value & TX_CONTROL_ANTENNA) !== 0);
        return;
      case Reg.Error:
      case Reg.Status1:
      case Reg.Version:
      case Reg.CRCResultMSB:
      case Reg.CRCResultLSB:
        return; // read-only
      default:
        this.regs[reg] = value;
    }
  }

  private startCommand(value: number): void {
    const cmd = value & COMMAND_MASK;
    this.commandFlags = value & 0x30;
    if (cmd === Cmd.NoCmdChange) return;
    if (cmd === Cmd.SoftReset) return this.softReset();
    this.applyPending();
    this.command = cmd;
    // The host stopping a command is not a command terminating by itself: no IdleIRq.
    if (cmd === Cmd.Idle || this.wedged) return;
    this.error = 0;
    switch (cmd) {
      case Cmd.Mem:
        return this.mem();
      case Cmd.GenerateRandomId:
        return this.generateRandomId();
      case Cmd.CalcCRC:
        this.crc = CRC_PRESETS[this.regs[Reg.Mode]! & 0x03]!;
        return this.feedCrc();
      case Cmd.Transmit:
        this.field.transmit(this.takeFrame(), this.crypto1);
        this.command = Cmd.Idle;
        return this.finish(ComIrq.Tx | ComIrq.Idle, 0);
      case Cmd.Transceive:
        if (this.regs[Reg.BitFraming]! & BIT_FRAMING_START_SEND) this.transceive();
        return;
      case Cmd.MFAuthent:
        return this.mfAuthent();
      case Cmd.Receive:
        return; // no card ever transmits unasked, and the timer only starts after a transmission
      default:
        this.command = Cmd.Idle; // reserved codes do nothing
    }
  }

  private transceive(): void {
    const frame = this.takeFrame();
    this.rxLastBits = 0;
    const answer = this.field.transceive(frame, this.crypto1, this.timeoutUs());
    if (answer === null) return this.finish(ComIrq.Tx | this.timerIrq(), 0);
    for (const b of answer.bytes) if (!this.fifo.push(b)) this.error |= Err.BufferOvfl;
    this.fifoChanged();
    this.rxLastBits = answer.lastBits;
    this.finish(ComIrq.Tx | ComIrq.Rx, 0);
  }

  /** FIFO `[60|61, block, key×6, uid×4]`; success sets MFCrypto1On and ends the command, failure only times out. */
  private mfAuthent(): void {
    const fifo = this.fifo.takeAll();
    this.fifoChanged();
    const wellFormed = fifo.length >= AUTH_FIFO_BYTES && (fifo[0] === Picc.AUTH_A || fifo[0] === Picc.AUTH_B);
    const ok =
      wellFormed &&
      this.field.authenticate(
        { keyType: fifo[0] === Picc.AUTH_A ? 'A' : 'B', block: fifo[1]!, key: fifo.slice(2, 8), uid4: fifo.slice(8, 12) },
        this.crypto1,
        this.timeoutUs(),
      );
    if (!ok) return this.finish(ComIrq.Tx | this.timerIrq(), 0);
    this.crypto1 = true;
    this.command = Cmd.Idle;
    this.finish(ComIrq.Tx | ComIrq.Idle, 0);
  }

  private takeFrame(): { bytes: Uint8Array; bits: number } {
    const bytes = this.fifo.takeAll();
    this.fifoChanged();
    const lastBits = this.regs[Reg.BitFraming]! & BIT_FRAMING_TX_LAST_BITS_MASK;
    return { bytes, bits: bytes.length === 0 ? 0 : (bytes.length - 1) * 8 + (lastBits || 8) };
  }

  private mem(): void {
    if (this.fifo.level >= MEM_BUFFER_BYTES) this.memBuffer.set(this.fifo.takeAll().subarray(0, MEM_BUFFER_BYTES));
    else if (this.fifo.level === 0) for (const b of this.memBuffer) this.fifo.push(b);
    this.fifoChanged();
    this.command = Cmd.Idle;
    this.finish(ComIrq.Idle, 0);
  }

  /** Deterministic stand-in for the chip's random ID (xorshift32): simulation runs must replay. */
  private generateRandomId(): void {
    for (let i = 0; i < RANDOM_ID_BYTES; i++) {
      let x = this.randomState;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.randomState = x >>> 0;
      this.memBuffer[i] = this.randomState & 0xff;
    }
    this.command = Cmd.Idle;
    this.finish(ComIrq.Idle, 0);
  }

  private fifoWrite(value: number): void {
    if (!this.fifo.push(value)) {
      this.error |= Err.BufferOvfl;
      this.comIrq |= ComIrq.Err;
    }
    this.fifoChanged();
    if (this.command === Cmd.CalcCRC && !this.wedged) this.feedCrc();
  }

  /** The coprocessor takes what is in the FIFO; CalcCRC stays active and takes later bytes too. */
  private feedCrc(): void {
    this.crc = crcAUpdate(this.crc, this.fifo.takeAll());
    this.fifoChanged();
    this.regs[Reg.CRCResultMSB] = this.crc >>> 8;
    this.regs[Reg.CRCResultLSB] = this.crc & 0xff;
    this.finish(0, DivIrq.CRC);
  }

  /** With TAuto the timer starts when the frame is sent and expires when nobody answers. */
  private timerIrq(): number {
    return this.regs[Reg.TMode]! & TMODE_TAUTO ? ComIrq.Timer : 0;
  }

  /** Timer period from TModeReg/TPrescalerReg/TReloadReg (datasheet §8.5). */
  timeoutUs(): number {
    const prescaler = ((this.regs[Reg.TMode]! & TMODE_PRESCALER_HI_MASK) << 8) | this.regs[Reg.TPrescaler]!;
    const reload = (this.regs[Reg.TReloadHi]! << 8) | this.regs[Reg.TReloadLo]!;
    return ((reload + 1) * (2 * prescaler + 1) * 1e6) / TIMER_CLOCK_HZ;
  }

  private finish(com: number, div: number): void {
    const withErr = this.error !== 0 ? com | ComIrq.Err : com;
    if (this.latencyPolls === 0) {
      this.comIrq |= withErr;
      this.divIrq |= div;
      return;
    }
    this.applyPending();
    this.pending = { com: withErr, div, readsLeft: this.latencyPolls };
  }

  private poll(): void {
    if (this.pending !== null && --this.pending.readsLeft <= 0) this.applyPending();
  }

  private applyPending(): void {
    if (this.pending === null) return;
    this.comIrq |= this.pending.com;
    this.divIrq |= this.pending.div;
    this.pending = null;
  }

  /** HiAlertIRq/LoAlertIRq latch when the FIFO crosses the water level (§9.3.1.5). */
  private fifoChanged(): void {
    const water = this.regs[Reg.WaterLevel]!;
    const hi = FIFO_BYTES - this.fifo.level <= water;
    const lo = this.fifo.level <= water;
    if (hi && !this.fifoAlerts.hi) this.comIrq |= ComIrq.HiAlert;
    if (lo && !this.fifoAlerts.lo) this.comIrq |= ComIrq.LoAlert;
    this.fifoAlerts = { hi, lo };
  }

  private status1(): number {
    const water = this.regs[Reg.WaterLevel]!;
    const irq = (this.comIrq & this.regs[Reg.ComIEn]! & COM_IRQ_BITS) !== 0 || (this.divIrq & this.regs[Reg.DivIEn]! & DIV_IRQ_BITS) !== 0;
    return (
      (this.crc === 0 ? Status1.CRCOk : 0) |
      (this.command !== Cmd.CalcCRC || this.divIrq & DivIrq.CRC ? Status1.CRCReady : 0) |
      (irq ? Status1.IRq : 0) |
      (FIFO_BYTES - this.fifo.level <= water ? Status1.HiAlert : 0) |
      (this.fifo.level <= water ? Status1.LoAlert : 0)
    );
  }

  /** SoftReset: every register to its reset value, FIFO flushed, Crypto1 off, antenna off, faults cleared. */
  private softReset(): void {
    this.regs.fill(0);
    for (const [reg, value] of RESET_VALUES) this.regs[reg] = value;
    this.fifo.flush();
    this.fifoAlerts = { hi: false, lo: true };
    this.comIrq = ComIrq.Idle | ComIrq.LoAlert;
    this.divIrq = 0;
    this.error = 0;
    this.command = Cmd.Idle;
    this.commandFlags = RESET_VALUES.get(Reg.Command)! & 0x30;
    this.crypto1 = false;
    this.crc = 0xffff;
    this.rxLastBits = 0;
    this.wedged = false;
    this.pending = null;
    this.field.setPower((this.regs[Reg.TxControl]! & TX_CONTROL_ANTENNA) !== 0);
  }
}
