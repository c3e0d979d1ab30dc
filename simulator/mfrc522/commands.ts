/**
 * The emulated chip's commands (datasheet §10.3): what happens when the host
 * writes CommandReg, or sets StartSend during Transceive. A command that
 * finishes does so at once (time does not pass in the emulator); a wedged
 * chip starts commands but never finishes them.
 */
import { CRC_A_PRESET, crcAUpdate } from '../../drivers/card/mfrc522/crc.ts';
import {
  BIT_FRAMING_START_SEND,
  BIT_FRAMING_TX_LAST_BITS_MASK,
  Cmd,
  COMMAND_MASK,
  ComIrq,
  DivIrq,
  Err,
  Picc,
  Reg,
} from '../../drivers/card/mfrc522/registers.ts';
import { MEM_BUFFER_BYTES, type ChipState } from './chip-state.ts';
import type { RfField } from './field.ts';
import type { RfFrame } from './picc.ts';

/** CRC preset by ModeReg b1..0 (§9.3.2.2). */
const CRC_PRESETS = [0x0000, CRC_A_PRESET, 0xa671, 0xffff] as const;
const RANDOM_ID_BYTES = 10;
const AUTH_FIFO_BYTES = 12;

export class CommandUnit {
  constructor(
    private readonly s: ChipState,
    private readonly field: RfField,
  ) {}

  /** A write to CommandReg. */
  start(value: number): void {
    const s = this.s;
    const cmd = value & COMMAND_MASK;
    s.commandFlags = value & 0x30;
    if (cmd === Cmd.NoCmdChange) return;
    if (cmd === Cmd.SoftReset) return s.softReset();
    s.applyPending();
    s.command = cmd;
    // The host stopping a command is not a command terminating by itself: no IdleIRq.
    if (cmd === Cmd.Idle || s.wedged) return;
    s.error = 0;
    switch (cmd) {
      case Cmd.Mem:
        return this.mem();
      case Cmd.GenerateRandomId:
        return this.generateRandomId();
      case Cmd.CalcCRC:
        s.crc = CRC_PRESETS[s.regs[Reg.Mode]! & 0x03]!;
        return this.feedCrc();
      case Cmd.Transmit:
        this.field.transmit(this.takeFrame(), s.crypto1);
        s.command = Cmd.Idle;
        return s.finish(ComIrq.Tx | ComIrq.Idle, 0);
      case Cmd.Transceive:
        if (s.regs[Reg.BitFraming]! & BIT_FRAMING_START_SEND) this.transceive();
        return;
      case Cmd.MFAuthent:
        return this.mfAuthent();
      case Cmd.Receive:
        return; // no card transmits unasked, and the timer only starts after a transmission
      default:
        s.command = Cmd.Idle; // reserved codes do nothing
    }
  }

  /** StartSend during Transceive: send the FIFO, put the answer into it. Transceive stays active afterwards. */
  transceive(): void {
    const s = this.s;
    if (s.wedged) return;
    const frame = this.takeFrame();
    s.rxLastBits = 0;
    const answer = this.field.transceive(frame, s.crypto1, s.timeoutUs());
    if (answer === null) return s.finish(ComIrq.Tx | s.timerIrq(), 0);
    for (const b of answer.bytes) if (!s.fifo.push(b)) s.error |= Err.BufferOvfl;
    s.fifoChanged();
    s.rxLastBits = answer.lastBits;
    s.finish(ComIrq.Tx | ComIrq.Rx, 0);
  }

  /** A byte written to the FIFO while CalcCRC runs goes straight into the CRC (the command does not end by itself). */
  fifoWritten(): void {
    if (this.s.command === Cmd.CalcCRC && !this.s.wedged) this.feedCrc();
  }

  /** FIFO `[60|61, block, key×6, uid×4]`; success sets MFCrypto1On and ends the command, failure only times out. */
  private mfAuthent(): void {
    const s = this.s;
    const fifo = s.fifo.takeAll();
    s.fifoChanged();
    const wellFormed = fifo.length >= AUTH_FIFO_BYTES && (fifo[0] === Picc.AUTH_A || fifo[0] === Picc.AUTH_B);
    const ok =
      wellFormed &&
      this.field.authenticate(
        {
          keyType: fifo[0] === Picc.AUTH_A ? 'A' : 'B',
          block: fifo[1]!,
          key: fifo.slice(2, 8),
          uid4: fifo.slice(8, 12),
        },
        s.crypto1,
        s.timeoutUs(),
      );
    fifo.fill(0);
    // MFAuthent does not end when the card stays silent (§10.3.1.9): only the timer tells.
    if (!ok) return s.finish(ComIrq.Tx | s.timerIrq(), 0);
    s.crypto1 = true;
    s.command = Cmd.Idle;
    s.finish(ComIrq.Tx | ComIrq.Idle, 0);
  }

  private takeFrame(): RfFrame {
    const s = this.s;
    const bytes = s.fifo.takeAll();
    s.fifoChanged();
    const lastBits = s.regs[Reg.BitFraming]! & BIT_FRAMING_TX_LAST_BITS_MASK;
    return { bytes, bits: bytes.length === 0 ? 0 : (bytes.length - 1) * 8 + (lastBits || 8) };
  }

  /** Mem: 25 bytes FIFO → internal buffer, or (FIFO empty) internal buffer → FIFO. */
  private mem(): void {
    const s = this.s;
    if (s.fifo.level >= MEM_BUFFER_BYTES) s.memBuffer.set(s.fifo.takeAll().subarray(0, MEM_BUFFER_BYTES));
    else if (s.fifo.level === 0) for (const b of s.memBuffer) s.fifo.push(b);
    s.fifoChanged();
    s.command = Cmd.Idle;
    s.finish(ComIrq.Idle, 0);
  }

  /** Deterministic stand-in for the chip's random ID (xorshift32): simulation runs must replay. */
  private generateRandomId(): void {
    const s = this.s;
    for (let i = 0; i < RANDOM_ID_BYTES; i++) {
      let x = s.randomState;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      s.randomState = x >>> 0;
      s.memBuffer[i] = s.randomState & 0xff;
    }
    s.command = Cmd.Idle;
    s.finish(ComIrq.Idle, 0);
  }

  /** The coprocessor takes what is in the FIFO and publishes the running CRC in CRCResultReg. */
  private feedCrc(): void {
    const s = this.s;
    s.crc = crcAUpdate(s.crc, s.fifo.takeAll());
    s.fifoChanged();
    s.regs[Reg.CRCResultMSB] = s.crc >>> 8;
    s.regs[Reg.CRCResultLSB] = s.crc & 0xff;
    s.finish(0, DivIrq.CRC);
  }
}
