/**
 * A Wiegand reader on two inputs of a GpioPort (D0, D1; idle high, a bit is a
 * low pulse; no debouncing: pulses are 50 µs) as a UidReader. Edges go
 * straight into the pure decoder with their own timestamps. The last frame of a burst has no "next pulse" to end it, so
 * the runtime calls `flush(nowUs)` from its loop with its clock (the driver
 * keeps no timers: habit 18, run at your own pace).
 */
import { silentLogger, type Logger } from '../../../base/log.ts';
import type { GpioInput } from '../../gpio/index.ts';
import type { UidRead, UidReader } from '../index.ts';
import { FRAME_GAP_US_DEFAULT, WiegandDecoder, type DecoderCounters, type WiegandEvent } from './decoder.ts';

export interface WiegandLines {
  d0: number;
  d1: number;
}

export interface WiegandReaderOptions {
  log?: Logger;
  frameGapUs?: number;
}

export class WiegandReader implements UidReader {
  private readonly decoder: WiegandDecoder;
  private readonly handlers: ((read: UidRead) => void)[] = [];
  private readonly unwatch: (() => void)[];
  private readonly log: Logger;

  constructor(gpio: GpioInput, lines: WiegandLines, opts: WiegandReaderOptions = {}) {
    this.log = opts.log ?? silentLogger;
    this.decoder = new WiegandDecoder(opts.frameGapUs ?? FRAME_GAP_US_DEFAULT);
    this.unwatch = [
      gpio.watch(lines.d0, 'falling', (t) => this.deliver(this.decoder.pulse(0, t))),
      gpio.watch(lines.d1, 'falling', (t) => this.deliver(this.decoder.pulse(1, t))),
    ];
  }

  get counters(): DecoderCounters {
    return this.decoder.counters;
  }

  onCard(handler: (read: UidRead) => void): void {
    this.handlers.push(handler);
  }

  /** Ends a frame that has been silent for the frame gap at `nowUs` (same clock as the edge timestamps). */
  flush(nowUs: number): void {
    const e = this.decoder.flush(nowUs);
    if (e) this.deliver([e]);
  }

  /** Stops watching D0/D1; the GPIO port stays open (it is shared with the buzzer and LEDs, its owner closes it). */
  async close(): Promise<void> {
    for (const stop of this.unwatch) stop();
  }

  private deliver(events: WiegandEvent[]): void {
    for (const e of events) {
      if (e.kind === 'rejected') {
        // The card number of a bad frame is not logged: it is wrong anyway.
        this.log.info('wiegand.rejected', { reason: e.reason, bits: e.bitCount, detail: e.detail });
        continue;
      }
      for (const h of this.handlers) h(e.read);
    }
  }
}
