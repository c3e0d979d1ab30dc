/**
 * One card's ISO/IEC 14443-3 type A state machine (IDLE → READY → ACTIVE →
 * AUTHENTICATED, HALT) plus the MIFARE Classic commands, wrapped around a
 * VirtualClassicCard's PICC-level operations. It sees frames as the antenna
 * carries them: bytes, bit count, and whether the reader has Crypto1 on.
 *
 * Crypto1 is not modelled: frames travel in clear. What is modelled is its
 * consequence for the protocol: after authentication the card only understands
 * frames from a reader with MFCrypto1On set, and before it only clear ones; a
 * mismatch reads as noise, so the card falls silent and drops to IDLE. MFAuthent
 * succeeds when the key and the 4 UID bytes the reader fed Crypto1 are right.
 *
 * Simplifications (documented in the README): errors send the card to IDLE,
 * never back to HALT; bit-oriented anticollision (NVB other than 20/70) is not
 * answered; a bad CRC gets no answer.
 */
import { checkCrcA, withCrcA } from '../../drivers/card/mfrc522/crc.ts';
import { Picc, SAK_CASCADE_BIT, SHORT_FRAME_BITS } from '../../drivers/card/mfrc522/registers.ts';
import { BLOCK_BYTES, BLOCKS_1K, CardError, sectorOfBlock, type KeyType } from '../../firmware/card/session.ts';
import type { VirtualClassicCard } from '../card/virtual-classic.ts';

/** A frame on the air: `bits` counts the valid bits (7 for a short frame). */
export interface RfFrame {
  bytes: Uint8Array;
  bits: number;
}
/** A card's answer; `lastBits` = valid bits of the last byte, 0 meaning all 8 (ControlReg RxLastBits). */
export interface RfAnswer {
  bytes: Uint8Array;
  lastBits: number;
}
export type PiccOp =
  | 'REQA'
  | 'WUPA'
  | 'ANTICOLL'
  | 'SELECT'
  | 'AUTH'
  | 'READ'
  | 'WRITE'
  | 'WRITE-DATA'
  | 'HLTA'
  | 'OTHER';
export interface PiccReply {
  op: PiccOp;
  answer: RfAnswer | null;
}

export interface AuthRequest {
  keyType: KeyType;
  block: number;
  key: Uint8Array;
  /** The 4 UID bytes the reader fed into Crypto1. */
  uid4: Uint8Array;
}

type PiccState =
  | { kind: 'idle' }
  | { kind: 'ready'; level: number }
  | { kind: 'active' }
  | { kind: 'authenticated'; sector: number }
  | { kind: 'write-data'; sector: number; block: number }
  | { kind: 'halt' };

const NAK_NOT_ALLOWED = 0x04;
const ack = (): RfAnswer => ({ bytes: Uint8Array.of(Picc.ACK), lastBits: 4 });
const nak = (): RfAnswer => ({ bytes: Uint8Array.of(NAK_NOT_ALLOWED), lastBits: 4 });
const full = (bytes: Uint8Array): RfAnswer => ({ bytes, lastBits: 0 });
const SEL_BY_LEVEL = [Picc.SEL_CL1, Picc.SEL_CL2] as const;
const SELECT_FRAME_BYTES = 9; // SEL, NVB, 4 UID bytes, BCC, CRC_A
const WRITE_DATA_FRAME_BYTES = BLOCK_BYTES + 2;

/** The UID bytes a card sends at cascade level `level` (1-based), without BCC. */
export function cascadeBytes(uid: Uint8Array, level: number): Uint8Array {
  if (uid.length === 4) return uid.slice();
  return level === 1 ? Uint8Array.of(Picc.CASCADE_TAG, uid[0]!, uid[1]!, uid[2]!) : uid.slice(3, 7);
}
export const bcc = (bytes: Uint8Array): number => bytes.reduce((x, b) => x ^ b, 0);

export class PiccMachine {
  private state: PiccState = { kind: 'idle' };
  /** The card's selection count when we last moved it: any other change means it re-entered a field. */
  private epoch: number;
  private readonly levels: number;

  constructor(readonly card: VirtualClassicCard) {
    this.epoch = card.selectionCount;
    this.levels = card.uid.length === 4 ? 1 : 2;
  }

  get stateName(): PiccState['kind'] {
    this.sync();
    return this.state.kind;
  }

  /** The field went off: every card loses power and comes back in IDLE. */
  powerCycle(): void {
    this.state = { kind: 'idle' };
  }

  /** A card that left a field, or came back into one, starts over in IDLE. */
  private sync(): boolean {
    if (!this.card.inField) {
      this.state = { kind: 'idle' };
      return false;
    }
    if (this.card.selectionCount !== this.epoch) {
      this.epoch = this.card.selectionCount;
      this.state = { kind: 'idle' };
    }
    return true;
  }

  private to(state: PiccState): void {
    this.state = state;
  }

  receive(frame: RfFrame, crypto: boolean): PiccReply {
    const present = this.sync();
    const op = classify(frame, this.state);
    if (!present) return { op, answer: null };
    const expectsCrypto = this.state.kind === 'authenticated' || this.state.kind === 'write-data';
    if (crypto !== expectsCrypto) {
      // Noise to this card: it stops where it is (HALT stays HALT) or drops to IDLE.
      if (this.state.kind !== 'halt') this.to({ kind: 'idle' });
      return { op, answer: null };
    }
    return { op, answer: this.dispatch(op, frame) };
  }

  private dispatch(op: PiccOp, frame: RfFrame): RfAnswer | null {
    const s = this.state;
    if (op === 'REQA' || op === 'WUPA') return this.wakeUp(op);
    if (s.kind === 'ready') return this.anticollision(s.level, frame);
    const crcOk = checkCrcA(frame.bytes);
    if ((s.kind === 'active' || s.kind === 'authenticated') && op === 'HLTA' && crcOk) {
      this.card.halt();
      this.to({ kind: 'halt' });
      return null;
    }
    if (s.kind === 'active' && crcOk && (op === 'READ' || op === 'WRITE')) {
      this.to({ kind: 'idle' });
      return nak();
    }
    if (s.kind === 'authenticated' && crcOk && op === 'READ') return this.read(frame.bytes[1]!);
    if (s.kind === 'authenticated' && crcOk && op === 'WRITE') return this.writeCommand(s.sector, frame.bytes[1]!);
    if (s.kind === 'write-data' && crcOk && frame.bytes.length === WRITE_DATA_FRAME_BYTES)
      return this.writeData(s.sector, s.block, frame.bytes.subarray(0, BLOCK_BYTES));
    if (s.kind !== 'halt') this.to({ kind: 'idle' });
    return null;
  }

  private wakeUp(op: 'REQA' | 'WUPA'): RfAnswer | null {
    const s = this.state.kind;
    if (s === 'idle' || (s === 'halt' && op === 'WUPA')) {
      this.to({ kind: 'ready', level: 1 });
      return full(this.card.atqa);
    }
    // Unexpected in READY/ACTIVE/AUTHENTICATED (ISO 14443-3 §6.3): back to IDLE, silent.
    if (s !== 'halt') this.to({ kind: 'idle' });
    return null;
  }

  private anticollision(level: number, frame: RfFrame): RfAnswer | null {
    const [sel, nvb] = frame.bytes;
    const mine = cascadeBytes(this.card.uid, level);
    if (sel !== SEL_BY_LEVEL[level - 1]) return this.silentIdle();
    if (nvb === Picc.NVB_ANTICOLL && frame.bytes.length === 2) return full(Uint8Array.of(...mine, bcc(mine)));
    if (nvb !== Picc.NVB_SELECT || frame.bytes.length !== SELECT_FRAME_BYTES || !checkCrcA(frame.bytes))
      return this.silentIdle();
    const named = frame.bytes.subarray(2, 7);
    if (!mine.every((b, i) => named[i] === b) || named[4] !== bcc(mine)) return this.silentIdle();
    if (level < this.levels) {
      this.to({ kind: 'ready', level: level + 1 });
      return full(withCrcA([SAK_CASCADE_BIT]));
    }
    this.card.select();
    this.epoch = this.card.selectionCount;
    this.to({ kind: 'active' });
    return full(withCrcA([this.card.sak]));
  }

  private silentIdle(): null {
    this.to({ kind: 'idle' });
    return null;
  }

  /** MFAuthent: null = no answer at all (card gone or not in a state to authenticate). */
  authenticate(req: AuthRequest, crypto: boolean): boolean | null {
    if (!this.sync()) return null;
    const s = this.state;
    const nested = s.kind === 'authenticated' && crypto;
    if (!nested && !(s.kind === 'active' && !crypto)) {
      if (s.kind !== 'halt') this.to({ kind: 'idle' });
      return null;
    }
    const uid = this.card.uid;
    const uidOk = req.uid4.length === 4 && req.uid4.every((b, i) => b === uid[uid.length - 4 + i]);
    try {
      if (uidOk && this.card.authenticate(req.block, req.keyType, req.key)) {
        this.to({ kind: 'authenticated', sector: sectorOfBlock(req.block) });
        return true;
      }
    } catch (err) {
      if (!(err instanceof CardError)) throw err;
      if (err.code === 'removed') return null;
    }
    this.to({ kind: 'idle' });
    return false;
  }

  private read(block: number): RfAnswer | null {
    try {
      return full(withCrcA(this.card.read(block)));
    } catch (err) {
      return this.refused(err);
    }
  }

  /** Phase 1 of a write: the card checks the block belongs to the authenticated sector. */
  private writeCommand(sector: number, block: number): RfAnswer | null {
    if (block >= BLOCKS_1K || sectorOfBlock(block) !== sector) {
      this.to({ kind: 'idle' });
      return nak();
    }
    this.to({ kind: 'write-data', sector, block });
    return ack();
  }

  /** Phase 2: the 16 bytes go to EEPROM; the card may leave mid-way (VirtualClassicCard's tearing). */
  private writeData(sector: number, block: number, data: Uint8Array): RfAnswer | null {
    try {
      this.card.write(block, data.slice());
      this.to({ kind: 'authenticated', sector });
      return ack();
    } catch (err) {
      return this.refused(err);
    }
  }

  /** A card that left answers nothing; a refused command is a NAK and the card drops to IDLE. */
  private refused(err: unknown): RfAnswer | null {
    if (!(err instanceof CardError)) throw err;
    this.to({ kind: 'idle' });
    return err.code === 'removed' ? null : nak();
  }
}

/** What a frame is, for the RF log and the dispatcher; a write's data phase is known only from the state. */
export function classify(frame: RfFrame, state?: PiccState): PiccOp {
  const b0 = frame.bytes[0];
  if (frame.bits === SHORT_FRAME_BITS && frame.bytes.length === 1) {
    if ((b0! & 0x7f) === Picc.REQA) return 'REQA';
    if ((b0! & 0x7f) === Picc.WUPA) return 'WUPA';
    return 'OTHER';
  }
  if (state?.kind === 'write-data') return 'WRITE-DATA';
  if (b0 === Picc.SEL_CL1 || b0 === Picc.SEL_CL2 || b0 === Picc.SEL_CL3)
    return frame.bytes[1] === Picc.NVB_SELECT ? 'SELECT' : 'ANTICOLL';
  if (b0 === Picc.HLTA && frame.bytes[1] === 0x00) return 'HLTA';
  if (b0 === Picc.READ && frame.bytes.length === 4) return 'READ';
  if (b0 === Picc.WRITE && frame.bytes.length === 4) return 'WRITE';
  return 'OTHER';
}
