/**
 * The simulator's Wiegand card reader: turns a (facility, card number) into
 * the frame's bits and the bits into timed D0/D1 pulses, with knobs for pulse
 * width, bit interval and flipped bits (line noise). The inverse of
 * drivers/card/wiegand/decoder.ts, written from the format description, not
 * from the decoder.
 */
import type { UidRead } from '../../drivers/card/index.ts';
import type { WiegandBit } from '../../drivers/card/wiegand/decoder.ts';

export type WiegandFormat = UidRead['format'];

const LAYOUT: Record<WiegandFormat, { facilityBits: number; numberBits: number }> = {
  wiegand26: { facilityBits: 8, numberBits: 16 },
  wiegand34: { facilityBits: 16, numberBits: 16 },
};

function toBits(value: number, width: number): WiegandBit[] {
  return Array.from({ length: width }, (_, i) => ((value >>> (width - 1 - i)) & 1) as WiegandBit);
}

/** The frame: even parity bit, facility, number, odd parity bit. */
export function wiegandBits(format: WiegandFormat, facility: number, cardNumber: number): WiegandBit[] {
  const { facilityBits, numberBits } = LAYOUT[format];
  if (!Number.isInteger(facility) || facility < 0 || facility >= 2 ** facilityBits)
    throw new RangeError(`facility ${facility} does not fit ${facilityBits} bits`);
  if (!Number.isInteger(cardNumber) || cardNumber < 0 || cardNumber >= 2 ** numberBits)
    throw new RangeError(`card number ${cardNumber} does not fit ${numberBits} bits`);
  const data = [...toBits(facility, facilityBits), ...toBits(cardNumber, numberBits)];
  const half = data.length / 2;
  const onesFirst = data.slice(0, half).filter((b) => b === 1).length;
  const onesSecond = data.slice(half).filter((b) => b === 1).length;
  return [(onesFirst % 2) as WiegandBit, ...data, ((onesSecond + 1) % 2) as WiegandBit];
}

export interface Pulse {
  line: 'd0' | 'd1';
  fallingUs: number;
  risingUs: number;
}

export interface PulseTrainOptions {
  startUs?: number;
  /** Low time of each pulse; readers use 20-100 µs. */
  pulseWidthUs?: number;
  /** Falling edge to falling edge; readers use 0.2-2 ms. */
  intervalUs?: number;
  /** Bit positions (0-based) sent inverted, as line noise would. */
  flipBits?: readonly number[];
}

export const PULSE_WIDTH_US_DEFAULT = 50;
export const BIT_INTERVAL_US_DEFAULT = 2000;

export function pulseTrain(bits: readonly WiegandBit[], opts: PulseTrainOptions = {}): Pulse[] {
  const start = opts.startUs ?? 0;
  const width = opts.pulseWidthUs ?? PULSE_WIDTH_US_DEFAULT;
  const interval = opts.intervalUs ?? BIT_INTERVAL_US_DEFAULT;
  if (width <= 0 || interval <= width)
    throw new RangeError(`need 0 < pulseWidthUs < intervalUs, got ${width} / ${interval}`);
  const flips = new Set(opts.flipBits ?? []);
  return bits.map((b, i) => {
    const bit = flips.has(i) ? 1 - b : b;
    const fallingUs = start + i * interval;
    return { line: bit === 0 ? 'd0' : 'd1', fallingUs, risingUs: fallingUs + width };
  });
}
