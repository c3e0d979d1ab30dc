/**
 * The emulated chip's internal state and the bookkeeping every part of it
 * shares: IRQ bits (with the optional completion latency), FIFO water-level
 * alerts, Status1, the timer period and SoftReset. The SPI side lives in
 * emulator.ts, the commands in commands.ts.
 */
import { CRC_A_PRESET } from '../../drivers/card/mfrc522/crc.ts';
import {
  Cmd,
  ComIrq,
  DivIrq,
  FIFO_BYTES,
  Reg,
  RESET_VALUES,
  Status1,
  TIMER_CLOCK_HZ,
  TMODE_PRESCALER_HI_MASK,
  TMODE_TAUTO,
  TX_CONTROL_ANTENNA,
} from '../../drivers/card/mfrc522/registers.ts';
import type { RfField } from './field.ts';
import { Fifo } from './fifo.ts';

export const COM_IRQ_BITS = 0x7f;
export const DIV_IRQ_BITS = DivIrq.MfinActIrq | DivIrq.CRC;
export const MEM_BUFFER_BYTES = 25;
const REGISTERS = 64;
/** Seed of the stand-in for GenerateRandomID: fixed, so simulation runs replay. */
const RANDOM_SEED = 0x2545f491;

export class ChipState {
  /** Plain register storage; registers with behaviour are kept in the fields below. */
  readonly regs = new Uint8Array(REGISTERS);
  readonly fifo = new Fifo();
  /** The 25-byte internal buffer of the Mem command; SoftReset keeps it (datasheet §10.3.1.2). */
  readonly memBuffer = new Uint8Array(MEM_BUFFER_BYTES);
  comIrq = 0;
  divIrq = 0;
  error = 0;
  command: number = Cmd.Idle;
  /** CommandReg RcvOff and PowerDown, stored as written. */
  commandFlags = 0;
  crypto1 = false;
  crc = CRC_A_PRESET;
  rxLastBits = 0;
  wedged = false;
  randomState = RANDOM_SEED;
  private pending: { com: number; div: number; readsLeft: number } | null = null;
  private fifoAlerts = { hi: false, lo: true };

  constructor(
    private readonly field: RfField,
    private readonly latencyPolls: number,
  ) {
    this.softReset();
  }

  /** A command finished: its IRQ bits show now, or after `latencyPolls` IRQ reads. ErrIRq follows ErrorReg. */
  finish(com: number, div: number): void {
    const withErr = this.error !== 0 ? com | ComIrq.Err : com;
    if (this.latencyPolls === 0) {
      this.comIrq |= withErr;
      this.divIrq |= div;
      return;
    }
    this.applyPending();
    this.pending = { com: withErr, div, readsLeft: this.latencyPolls };
  }

  /** Called on every read of an IRQ or status register. */
  poll(): void {
    if (this.pending !== null && --this.pending.readsLeft <= 0) this.applyPending();
  }

  /** A new command starts: whatever the last one finished is visible by now. */
  applyPending(): void {
    if (this.pending === null) return;
    this.comIrq |= this.pending.com;
    this.divIrq |= this.pending.div;
    this.pending = null;
  }

  /** HiAlertIRq/LoAlertIRq latch when the FIFO crosses the water level (§9.3.1.5). */
  fifoChanged(): void {
    const { hi, lo } = this.alerts();
    if (hi && !this.fifoAlerts.hi) this.comIrq |= ComIrq.HiAlert;
    if (lo && !this.fifoAlerts.lo) this.comIrq |= ComIrq.LoAlert;
    this.fifoAlerts = { hi, lo };
  }

  private alerts(): { hi: boolean; lo: boolean } {
    const water = this.regs[Reg.WaterLevel]!;
    return { hi: FIFO_BYTES - this.fifo.level <= water, lo: this.fifo.level <= water };
  }

  status1(): number {
    const { hi, lo } = this.alerts();
    const irq =
      (this.comIrq & this.regs[Reg.ComIEn]! & COM_IRQ_BITS) !== 0 ||
      (this.divIrq & this.regs[Reg.DivIEn]! & DIV_IRQ_BITS) !== 0;
    const crcReady = this.command !== Cmd.CalcCRC || (this.divIrq & DivIrq.CRC) !== 0;
    return (
      (this.crc === 0 ? Status1.CRCOk : 0) |
      (crcReady ? Status1.CRCReady : 0) |
      (irq ? Status1.IRq : 0) |
      (hi ? Status1.HiAlert : 0) |
      (lo ? Status1.LoAlert : 0)
    );
  }

  /** With TAuto the timer starts when a frame is sent, so silence ends in TimerIRq; without it, in nothing. */
  timerIrq(): number {
    return this.regs[Reg.TMode]! & TMODE_TAUTO ? ComIrq.Timer : 0;
  }

  /** Timer period from TModeReg/TPrescalerReg/TReloadReg (§8.5): (reload + 1)·(2·prescaler + 1) / 13.56 MHz. */
  timeoutUs(): number {
    const prescaler = ((this.regs[Reg.TMode]! & TMODE_PRESCALER_HI_MASK) << 8) | this.regs[Reg.TPrescaler]!;
    const reload = (this.regs[Reg.TReloadHi]! << 8) | this.regs[Reg.TReloadLo]!;
    return ((reload + 1) * (2 * prescaler + 1) * 1e6) / TIMER_CLOCK_HZ;
  }

  /** SoftReset: every register to its reset value, FIFO flushed, Crypto1 off, antenna off, faults cleared. */
  softReset(): void {
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
