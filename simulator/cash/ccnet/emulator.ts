import { type BillEntry, encodeBillTable } from '../../../drivers/cash/ccnet/bill-table.ts';
import { CcnetDecoder } from '../../../drivers/cash/ccnet/decoder.ts';
import {
  ADR_BILL_VALIDATOR,
  CMD,
  encodeFrame,
  maskTypes,
  REPLY_ACK,
  REPLY_ILLEGAL_COMMAND,
} from '../../../drivers/cash/ccnet/frame.ts';

/**
 * A CashCode bill validator as the controller sees it over the wire: it
 * answers CCNET frames, moves a bill one step per POLL (so a test controls
 * time by polling), repeats 81/82 until ACKed, and jams, is cheated, loses
 * power and has its cassette taken on demand.
 */
export type EmuState =
  | 'off'
  | 'power-up'
  | 'initialising'
  | 'disabled'
  | 'idle'
  | 'accepting'
  | 'escrow'
  | 'stacking'
  | 'stacked'
  | 'returning'
  | 'returned'
  | 'rejecting'
  | 'jammed'
  | 'cassette-removed'
  | 'cassette-full'
  | 'cheated'
  | 'failure';

/** RMB notes 1..100 yuan as bill types 0..5. */
export const RMB_TABLE: readonly BillEntry[] = [1, 5, 10, 20, 50, 100].map((yuan, billType) => ({
  billType,
  valueCents: yuan * 100,
  currency: 'CHN',
}));

const POLL_CODE: Partial<Record<EmuState, number>> = {
  initialising: 0x13,
  idle: 0x14,
  accepting: 0x15,
  stacking: 0x17,
  returning: 0x18,
  disabled: 0x19,
  jammed: 0x43,
  'cassette-removed': 0x42,
  'cassette-full': 0x41,
  cheated: 0x45,
};

export class CcnetEmulator {
  state: EmuState = 'power-up';
  /** Bills in the drop cassette, by type: what a cash count would find. */
  readonly cassette: number[] = [];
  readonly received: number[][] = [];
  private readonly decoder = new CcnetDecoder();
  private enabled: number[] = [];
  private escrowEnabled: number[] = [];
  private bill: { type: number; forged: boolean } | undefined;
  private powerUpBill: 'none' | 'in-validator' | 'in-stacker' = 'none';
  private awaitingAck = false;
  /** Drop this many ACKs (a noisy line): the validator repeats its event. */
  dropAcks = 0;
  /** Corrupt the CRC of this many replies. */
  corruptReplies = 0;

  constructor(
    private readonly table: readonly BillEntry[] = RMB_TABLE,
    readonly capacity = 500,
  ) {}

  /** Bytes from the controller → bytes back (empty when off or when no answer is due). */
  receive(chunk: Uint8Array): Uint8Array {
    if (this.state === 'off') return new Uint8Array();
    const out: number[] = [];
    for (const d of this.decoder.feed(chunk)) {
      if (d.kind !== 'frame' || d.adr !== ADR_BILL_VALIDATOR) continue;
      this.received.push([...d.payload]);
      const reply = this.command(d.payload);
      if (!reply) continue;
      const frame = encodeFrame(reply);
      if (this.corruptReplies > 0) {
        this.corruptReplies -= 1;
        frame[frame.length - 1]! ^= 0xff;
      }
      out.push(...frame);
    }
    return new Uint8Array(out);
  }

  insert(billType: number, forged = false): void {
    if (this.state !== 'idle') throw new Error(`cannot insert a bill while ${this.state}`);
    this.bill = { type: billType, forged };
    this.state = 'accepting';
  }
  jam(): void {
    this.state = 'jammed';
  }
  clearJam(): void {
    this.bill = undefined;
    this.state = this.enabled.length > 0 ? 'idle' : 'disabled';
  }
  removeCassette(): void {
    this.state = 'cassette-removed';
  }
  insertCassette(emptied = true): void {
    if (emptied) this.cassette.length = 0;
    this.state = this.enabled.length > 0 ? 'idle' : 'disabled';
  }
  /** A motor or sensor failure (47 50: stack motor); only a power cycle clears it. */
  fail(): void {
    this.state = 'failure';
  }
  cheat(): void {
    this.state = 'cheated';
  }
  powerOff(): void {
    const where =
      this.state === 'escrow' || this.state === 'accepting' || this.state === 'returning' ? 'in-validator' : 'none';
    this.powerUpBill = this.state === 'stacking' ? 'in-stacker' : where;
    // A bill caught in the stacker at power loss lands in the cassette when the validator restarts.
    this.state = 'off';
  }
  powerOn(): void {
    if (this.powerUpBill === 'in-stacker' && this.bill) this.cassette.push(this.bill.type);
    this.bill = undefined;
    this.enabled = [];
    this.state = 'power-up';
  }

  private command(p: Uint8Array): number[] | undefined {
    const cmd = p[0]!;
    if (cmd === CMD.ack) {
      if (this.awaitingAck && this.dropAcks > 0) this.dropAcks -= 1;
      else if (this.awaitingAck) this.acked();
      return undefined;
    }
    if (cmd === CMD.nak) return undefined;
    if (cmd === CMD.poll) return this.poll();
    if (cmd === CMD.reset) {
      this.state = 'initialising';
      this.powerUpBill = 'none';
      return [REPLY_ACK];
    }
    if (cmd === CMD.getBillTable) return [...encodeBillTable(this.table)];
    if (cmd === CMD.enableBillTypes && p.length === 7) {
      this.enabled = maskTypes(p[1]!, p[2]!, p[3]!);
      this.escrowEnabled = maskTypes(p[4]!, p[5]!, p[6]!);
      if (this.state === 'idle' || this.state === 'disabled')
        this.state = this.enabled.length > 0 ? 'idle' : 'disabled';
      return [REPLY_ACK];
    }
    if ((cmd === CMD.stack || cmd === CMD.return || cmd === CMD.hold) && this.state === 'escrow') {
      if (cmd === CMD.stack) this.state = 'stacking';
      if (cmd === CMD.return) this.state = 'returning';
      return [REPLY_ACK];
    }
    return [REPLY_ILLEGAL_COMMAND];
  }

  /** Answers with the current state, then moves the bill one step. */
  private poll(): number[] {
    const s = this.state;
    const billType = this.bill?.type ?? 0;
    if (s === 'power-up') return [{ none: 0x10, 'in-validator': 0x11, 'in-stacker': 0x12 }[this.powerUpBill]];
    if (s === 'initialising') this.state = 'disabled';
    if (s === 'accepting') this.state = this.judge();
    if (s === 'stacking') {
      this.state = 'stacked';
      this.cassette.push(billType);
    }
    if (s === 'returning') this.state = 'returned';
    if (s === 'rejecting') this.state = 'idle';
    if (s === 'cheated') this.state = this.enabled.length > 0 ? 'idle' : 'disabled';
    if (s === 'escrow') return [0x80, billType];
    if (s === 'stacked' || s === 'returned') {
      this.awaitingAck = true;
      return [s === 'stacked' ? 0x81 : 0x82, billType];
    }
    // A forged bill fails verification (66); a type not enabled is refused as inhibited (68), as a CashCode does.
    if (s === 'rejecting') return [0x1c, this.bill?.forged === false ? 0x68 : 0x66];
    if (s === 'failure') return [0x47, 0x50];
    return [POLL_CODE[s]!];
  }

  private judge(): EmuState {
    const b = this.bill!;
    if (b.forged || !this.enabled.includes(b.type)) return 'rejecting';
    if (this.escrowEnabled.includes(b.type)) return 'escrow';
    return 'stacking';
  }

  private acked(): void {
    this.awaitingAck = false;
    if (this.state === 'stacked') {
      if (this.cassette.length >= this.capacity) this.state = 'cassette-full';
      else this.state = this.enabled.length > 0 ? 'idle' : 'disabled';
    } else if (this.state === 'returned') this.state = this.enabled.length > 0 ? 'idle' : 'disabled';
    this.bill = undefined;
  }
}
