/**
 * Wiegand 26/34 decoding as a pure state machine over timestamped pulses:
 * a falling edge on D0 is a 0, on D1 a 1. A frame ends when the gap since the
 * last pulse exceeds `frameGapUs` (readers send a bit every ~1-2 ms; 25 ms of
 * silence is far beyond any bit interval and far below two cards' taps). The
 * gap is judged from pulse timestamps only: when the next pulse arrives, or
 * when the caller says what time it is (`flush(nowUs)`). No clock, no timers.
 *
 * Formats (bit 1 = first on the wire):
 *   26 (H10301): P_even | 8-bit facility | 16-bit number | P_odd
 *   34 (H10306): P_even | 16-bit facility | 16-bit number | P_odd
 * The leading bit makes the first half of the data bits even, the trailing
 * one the second half odd (26: data bits 1-12 / 13-24; 34: 1-16 / 17-32).
 */
import type { UidRead } from '../index.ts';

export type WiegandBit = 0 | 1;
export type RejectReason = 'parity' | 'length' | 'overflow' | 'time-reversed';

export type WiegandEvent =
  | { kind: 'card'; read: UidRead }
  | { kind: 'rejected'; reason: RejectReason; bitCount: number; detail: string };

/** Silence that ends a frame. */
export const FRAME_GAP_US_DEFAULT = 25_000;
/** Longer than any format we know (37-bit HID is the usual maximum); beyond this it is noise. */
export const FRAME_BITS_MAX = 64;

type DecoderState = { kind: 'idle' } | { kind: 'receiving'; bits: WiegandBit[]; lastUs: number; overflow: boolean };

export interface DecoderCounters {
  frames: number;
  cards: number;
  rejected: Record<RejectReason, number>;
}

/** Parity, layout and value of one complete frame; pure. */
export function decodeFrame(
  bits: readonly WiegandBit[],
): { ok: true; read: UidRead } | { ok: false; reason: 'parity' | 'length'; detail: string } {
  const n = bits.length;
  if (n !== 26 && n !== 34) return { ok: false, reason: 'length', detail: `${n} bits is neither Wiegand 26 nor 34` };
  const half = (n - 2) / 2;
  const ones = (from: number, to: number) => bits.slice(from, to).reduce<number>((sum, b) => sum + b, 0);
  // Leading parity + first half even; second half + trailing parity odd.
  if (ones(0, 1 + half) % 2 !== 0)
    return { ok: false, reason: 'parity', detail: 'even parity over the first half fails' };
  if (ones(1 + half, n) % 2 !== 1)
    return { ok: false, reason: 'parity', detail: 'odd parity over the second half fails' };
  const value = (from: number, to: number) => bits.slice(from, to).reduce<number>((v, b) => v * 2 + b, 0);
  const facilityBits = n === 26 ? 8 : 16;
  return {
    ok: true,
    read: {
      format: n === 26 ? 'wiegand26' : 'wiegand34',
      facility: value(1, 1 + facilityBits),
      cardNumber: value(1 + facilityBits, n - 1),
    },
  };
}

export class WiegandDecoder {
  private state: DecoderState = { kind: 'idle' };
  readonly counters: DecoderCounters = {
    frames: 0,
    cards: 0,
    rejected: { parity: 0, length: 0, overflow: 0, 'time-reversed': 0 },
  };

  constructor(private readonly frameGapUs = FRAME_GAP_US_DEFAULT) {}

  /** One pulse; returns the frame that the pulse's gap ended, if any. */
  pulse(bit: WiegandBit, timestampUs: number): WiegandEvent[] {
    const s = this.state;
    const events: WiegandEvent[] = [];
    if (s.kind === 'receiving') {
      if (timestampUs < s.lastUs) {
        events.push(this.reject('time-reversed', s.bits.length, 'pulse timestamp went backwards'));
        this.state = { kind: 'idle' };
      } else if (timestampUs - s.lastUs > this.frameGapUs) {
        events.push(this.endFrame(s));
      }
    }
    this.append(bit, timestampUs);
    return events;
  }

  /** Ends the frame in progress if it has been silent for longer than the gap at `nowUs`. */
  flush(nowUs: number): WiegandEvent | null {
    const s = this.state;
    if (s.kind !== 'receiving' || nowUs - s.lastUs <= this.frameGapUs) return null;
    return this.endFrame(s);
  }

  get bitsPending(): number {
    return this.state.kind === 'receiving' ? this.state.bits.length : 0;
  }

  private append(bit: WiegandBit, timestampUs: number): void {
    if (this.state.kind === 'idle') this.state = { kind: 'receiving', bits: [], lastUs: timestampUs, overflow: false };
    const s = this.state;
    s.lastUs = timestampUs;
    if (s.bits.length < FRAME_BITS_MAX) s.bits.push(bit);
    else s.overflow = true;
  }

  private endFrame(s: Extract<DecoderState, { kind: 'receiving' }>): WiegandEvent {
    this.state = { kind: 'idle' };
    if (s.overflow) return this.reject('overflow', s.bits.length, `more than ${FRAME_BITS_MAX} bits without a gap`);
    const r = decodeFrame(s.bits);
    if (!r.ok) return this.reject(r.reason, s.bits.length, r.detail);
    this.counters.frames++;
    this.counters.cards++;
    return { kind: 'card', read: r.read };
  }

  private reject(reason: RejectReason, bitCount: number, detail: string): WiegandEvent {
    this.counters.frames++;
    this.counters.rejected[reason]++;
    return { kind: 'rejected', reason, bitCount, detail };
  }
}
