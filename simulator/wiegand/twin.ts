/**
 * The Wiegand reader twin on the terminal's GPIO twin: a card number presented
 * becomes the reader's pulse train on the D0/D1 lines the config names, from
 * now on the twin's timeline, so `onecard run` decodes it with the real driver
 * (drivers/card/wiegand/reader.ts) exactly as on a device's header.
 */
import type { WiegandLines } from '../../drivers/card/wiegand/reader.ts';
import type { SimGpioLines } from '../gpio/sim-lines.ts';
import { type PulseTrainOptions, pulseTrain, type WiegandFormat, wiegandBits } from './transmitter.ts';
import { playPulses } from './sim-gpio.ts';

/** A reader ships with a facility code; 0 when a test does not care. */
const FACILITY_DEFAULT = 0;

export class WiegandTwin {
  constructor(
    private readonly pins: SimGpioLines,
    readonly lines: WiegandLines,
    private readonly nowUs: () => number,
  ) {}

  /** A card at the reader: its frame sent from now (each bit 2 ms apart by default). */
  present(
    cardNumber: number,
    o: { format?: WiegandFormat; facility?: number } & Omit<PulseTrainOptions, 'startUs'> = {},
  ): void {
    const bits = wiegandBits(o.format ?? 'wiegand26', o.facility ?? FACILITY_DEFAULT, cardNumber);
    playPulses(this.pins, this.lines, pulseTrain(bits, { ...o, startUs: this.nowUs() }));
  }
}
