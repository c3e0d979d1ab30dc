import type { CardSession } from '../drivers/card/session.ts';
import type { PosApp, PosOutput } from '../firmware/pos/pos.ts';
import type { Face } from './face.ts';
import type { KeyRelay } from './registry.ts';

/**
 * The POS with its face: every output goes to the panel, the pole display
 * and the voice, and the keypad's keys come in as POS keys. The POS stays
 * pure of devices; this is the composition's glue, the one place a POS
 * output meets the face. `out` comes back before the face has its bytes
 * (`shown`), so the caller beeps at once.
 */
export interface Faced {
  out: PosOutput;
  shown: Promise<void>;
}

export class FacedPos {
  constructor(
    readonly pos: PosApp,
    readonly face: Face,
    /** Each keypad key's result, for the run loop's beeps; the face already has it. */
    onKeyed: (f: Faced) => void = () => {},
    keys?: KeyRelay,
  ) {
    keys?.to((k) => onKeyed(this.key(k)));
  }

  key(k: string): Faced {
    const out = this.pos.key(k);
    return { out, shown: this.face.present(out) };
  }

  /** A tap first silences the last sentence: this customer's result is the one to hear. */
  async tap(session: CardSession): Promise<Faced> {
    this.face.interrupt();
    const out = await this.pos.tap(session);
    return { out, shown: this.face.present(out) };
  }
}
