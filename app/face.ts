import type { Logger } from '../base/log.ts';
import type { CustomerDisplay } from '../drivers/customer-display/index.ts';
import type { Display, StatusFacts } from '../drivers/display/index.ts';
import { layout } from '../drivers/display/layout.ts';
import type { VoicePlayer } from '../drivers/voice/player.ts';
import type { Lang } from '../drivers/voice/sentences.ts';
import type { PosOutput } from '../firmware/pos/pos.ts';
import { poleShowFor, sentenceFor } from './face-plan.ts';

/** The face's output devices, each optional: a terminal sells with none of them. */
export interface FaceDevices {
  display?: Display;
  customerDisplay?: CustomerDisplay;
  voice?: { player: VoicePlayer; lang: Lang };
}

/** The face's parts, as its log and the terminal's STATUS name them. */
export type FacePart = 'display' | 'customer-display' | 'voice' | 'keypad';

/**
 * Puts every POS output on the face: the cashier's panel, the pole display's
 * amount and lamp, the spoken result. A dead device is logged once when it
 * fails and once when it comes back, and never stops a sale; the voice is
 * started once the panel has its bytes and is not waited for, so it delays
 * neither the beep nor the display, and a new tap (`interrupt`) cuts a
 * sentence still playing.
 */
export class Face {
  constructor(
    readonly devices: FaceDevices,
    private readonly status: () => StatusFacts,
    private readonly log: Logger,
    /** The parts failing now: shared with the registry, which reports them in STATUS (OpenedFace.failing). */
    private readonly failing = new Set<FacePart>(),
  ) {}

  /** Resolves when the panel and the pole display have their bytes; the sentence goes on playing. */
  async present(out: PosOutput): Promise<void> {
    const { display, customerDisplay, voice } = this.devices;
    const shown = display ? display.show(layout(out.screen, this.status(), display.panel)) : null;
    const pole = poleShowFor(out.screen.figure);
    const poled =
      !customerDisplay || pole === 'keep'
        ? null
        : pole === 'clear'
          ? customerDisplay.clear()
          : customerDisplay.show(pole.lamp, pole.amountCents);
    if (shown) this.outcome('display', errorOf(await shown));
    // Spoken once the panel has its bytes: spawning the player blocks the event loop for a millisecond or two,
    // which would hold back the panel's remaining writes (bench/face-composed.ts measured it).
    const sentence = voice ? sentenceFor(out.screen.figure, voice.lang) : null;
    if (voice && sentence) {
      void voice.player.say(sentence).then((r) => this.outcome('voice', typeof r === 'string' ? null : r.error));
    }
    if (poled) this.outcome('customer-display', errorOf(await poled));
  }

  /** A new tap: the last sentence stops at once (the next customer must not hear the last one's balance). */
  interrupt(): void {
    this.devices.voice?.player.stop();
  }

  private outcome(part: FacePart, error: string | null): void {
    if (error && !this.failing.has(part)) {
      this.failing.add(part);
      this.log.warn('face.failed', { part, error });
    } else if (!error && this.failing.delete(part)) this.log.info('face.recovered', { part });
  }

  async close(): Promise<void> {
    this.interrupt();
    await this.devices.display?.close();
    await this.devices.customerDisplay?.close();
  }
}

const errorOf = (r: { ok: true } | { ok: false; error: string }): string | null => (r.ok ? null : r.error);
