import type { SignalName } from '../../drivers/signal/patterns.ts';
import type { PosOutput } from '../../firmware/pos/pos.ts';

/** The buzzer/LED pattern a tap's result plays; the last beep of the tap is its outcome. */
const SIGNAL_OF_BEEP = { ok: 'accepted', error: 'refused', retry: 'tap-again', key: null } as const;

export function signalOf(out: PosOutput): SignalName | null {
  const last = out.beeps.at(-1);
  return last === undefined ? null : SIGNAL_OF_BEEP[last];
}
