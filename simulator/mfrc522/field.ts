/**
 * The RF field of the emulated MFRC522: the cards in it, whether the antenna
 * is on, the exchanges that went over the air (for the RF-time model of the
 * benchmark) and the removal faults a test can arm at any frame.
 */
import type { VirtualClassicCard } from '../card/virtual-classic.ts';
import { PiccMachine, classify, type AuthRequest, type PiccOp, type RfAnswer, type RfFrame } from './picc.ts';

/** One exchange on the air, as the RF-time model needs it. */
export interface RfExchange {
  op: PiccOp;
  /** The block a READ, WRITE or AUTH addressed (what a sale's command list names). */
  block?: number;
  /** Bits the reader sent (all passes; MFAuthent sends 4 + 8 bytes). */
  txBits: number;
  /** Bits the card sent back (0 when nobody answered). */
  rxBits: number;
  /** The same as byte counts (a 7-bit short frame or a 4-bit ACK counts as one byte). */
  txBytes: number;
  rxBytes: number;
  /** Reader→card→reader round trips: 1, or 2 for the three-pass authentication. */
  roundTrips: number;
  answered: boolean;
  /** How long the reader waited for nothing (the timer's period), when nobody answered. */
  timeoutUs: number;
}

/** When an armed removal strikes: before the card hears the n-th frame, or after it acted on it (answer lost). */
export type RemovalPoint = 'before-card' | 'after-card';

/** The exchange log keeps this many entries (oldest dropped): a soak run must not grow without bound. */
export const RF_LOG_ENTRIES_MAX = 10_000;
const AUTH_TX_BYTES = 4 + 8; // 60/61 blk CRC, then nR + aR
const AUTH_RX_BYTES = 4 + 4; // nT, then aT

export class RfField {
  private readonly piccs: PiccMachine[] = [];
  private powered = false;
  private removal: { framesLeft: number; point: RemovalPoint } | null = null;
  private corruptions = 0;
  readonly exchanges: RfExchange[] = [];

  get antennaOn(): boolean {
    return this.powered;
  }
  get cards(): readonly VirtualClassicCard[] {
    return this.piccs.map((p) => p.card);
  }
  /** PICC state of a card in this field ('idle', 'ready', 'active', 'authenticated', 'write-data', 'halt'). */
  stateOf(card: VirtualClassicCard): string | null {
    return this.piccs.find((p) => p.card === card)?.stateName ?? null;
  }

  /** A card is brought into the field (again): it powers up fresh. */
  place(card: VirtualClassicCard): void {
    card.returnToField();
    if (!this.piccs.some((p) => p.card === card)) this.piccs.push(new PiccMachine(card));
  }

  /** The card is taken away. */
  remove(card: VirtualClassicCard): void {
    card.leaveField();
    const i = this.piccs.findIndex((p) => p.card === card);
    if (i >= 0) this.piccs.splice(i, 1);
  }

  /** Antenna drivers on/off. Off cuts every card's power: they come back in IDLE. */
  setPower(on: boolean): void {
    if (this.powered && !on) for (const p of this.piccs) p.powerCycle();
    this.powered = on;
  }

  /** The card leaves the field around the n-th next frame (0 = the next one), MFAuthent counting as one. */
  armRemoval(afterFrames: number, point: RemovalPoint): void {
    if (!Number.isInteger(afterFrames) || afterFrames < 0)
      throw new RangeError(`afterFrames must be a whole number >= 0, got ${afterFrames}`);
    this.removal = { framesLeft: afterFrames, point };
  }
  /** The next `n` answers get one bit flipped on the way back (noise): the reader sees a CRC error. */
  corruptAnswers(n: number): void {
    this.corruptions = n;
  }
  disarm(): void {
    this.removal = null;
    this.corruptions = 0;
  }

  /** Transceive: the frame goes to every powered card; with several answering, the lowest UID wins. */
  transceive(frame: RfFrame, crypto: boolean, timeoutUs: number): RfAnswer | null {
    const struck = this.strike('before-card');
    let op: PiccOp = classify(frame);
    let answer: RfAnswer | null = null;
    let answerUid: Uint8Array | null = null;
    if (this.powered) {
      for (const p of this.piccs) {
        const reply = p.receive(frame, crypto);
        op = reply.op;
        if (reply.answer !== null && (answerUid === null || lowerUid(p.card.uid, answerUid))) {
          answer = reply.answer;
          answerUid = p.card.uid;
        }
      }
    }
    if (struck || this.strike('after-card')) answer = null;
    if (answer !== null && this.corruptions > 0) {
      this.corruptions--;
      answer = { bytes: flipBit(answer.bytes), lastBits: answer.lastBits };
    }
    const rxBits = answer === null ? 0 : answerBits(answer);
    this.log({
      op,
      ...(op === 'READ' || op === 'WRITE' ? { block: frame.bytes[1]! } : {}),
      txBits: frame.bits,
      rxBits,
      roundTrips: 1,
      answered: answer !== null,
      timeoutUs: answer === null ? timeoutUs : 0,
    });
    return answer;
  }

  /** Transmit only: the cards act on the frame, nobody listens to an answer. */
  transmit(frame: RfFrame, crypto: boolean): void {
    const op = classify(frame);
    const struck = this.strike('before-card');
    if (this.powered && !struck) for (const p of this.piccs) p.receive(frame, crypto);
    this.strike('after-card');
    this.log({ op, txBits: frame.bits, rxBits: 0, roundTrips: 1, answered: false, timeoutUs: 0 });
  }

  /** MFAuthent's three passes; true only when the one card in ACTIVE/AUTHENTICATED state accepted the key. */
  authenticate(req: AuthRequest, crypto: boolean, timeoutUs: number): boolean {
    const struck = this.strike('before-card');
    let ok = false;
    let answered = false;
    if (this.powered && !struck) {
      for (const p of this.piccs) {
        const r = p.authenticate(req, crypto);
        if (r !== null) answered = true;
        if (r === true) ok = true;
      }
    }
    if (this.strike('after-card')) ok = false;
    // A card that refuses the key still sent its nonce (pass 1); it stays silent on pass 3.
    const rxBits = ok ? AUTH_RX_BYTES * 8 : answered ? (AUTH_RX_BYTES / 2) * 8 : 0;
    this.log({
      op: 'AUTH',
      block: req.block,
      txBits: AUTH_TX_BYTES * 8,
      rxBits,
      roundTrips: 2,
      answered: ok,
      timeoutUs: ok ? 0 : timeoutUs,
    });
    return ok;
  }

  clearLog(): void {
    this.exchanges.length = 0;
  }

  /** Counts frames down to an armed removal; when it strikes, every card leaves the field. */
  private strike(point: RemovalPoint): boolean {
    const r = this.removal;
    if (r === null || r.point !== point) return false;
    if (point === 'after-card' && r.framesLeft > 0) {
      r.framesLeft--;
      return false;
    }
    if (point === 'before-card' && r.framesLeft-- > 0) return false;
    this.removal = null;
    for (const p of this.piccs) p.card.leaveField();
    return true;
  }

  private log(x: Omit<RfExchange, 'txBytes' | 'rxBytes'>): void {
    this.exchanges.push({ ...x, txBytes: Math.ceil(x.txBits / 8), rxBytes: Math.ceil(x.rxBits / 8) });
    if (this.exchanges.length > RF_LOG_ENTRIES_MAX) this.exchanges.shift();
  }
}

function lowerUid(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return a.length < b.length;
}
function answerBits(a: RfAnswer): number {
  return a.lastBits === 0 ? a.bytes.length * 8 : (a.bytes.length - 1) * 8 + a.lastBits;
}
function flipBit(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  out[0]! ^= 0x01;
  return out;
}
