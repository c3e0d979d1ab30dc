import { EV, type InputEvent } from './input-event.ts';
import { LINUX_KEYS, type LinuxKey, NUMLOCK_KEYS, type PosKey, type UsbKeypadConfig } from './keymap.ts';

/**
 * From key events to POS keys. Pure: `next(state, event)`. A key counts on
 * its press (value 1); its release (0) only ends the hold; its auto-repeat
 * (2) counts only for the keys the config lists and only while we saw it
 * go down (a key held when the program started repeats nothing). NumLock
 * either is ignored or, in 'track' mode, silences the digit keys while off.
 */
export interface KeyState {
  numLock: boolean;
  down: readonly number[];
}
export type KeyStep = { state: KeyState; key: PosKey | null; note: string | null };

/** The keypad's NumLock LED starts on at boot on a Pi (Raspberry Pi OS sets it), so we start on too. */
export const keyStart = (): KeyState => ({ numLock: true, down: [] });

const NAME_OF = new Map<number, LinuxKey>(Object.entries(LINUX_KEYS).map(([n, c]) => [c, n as LinuxKey]));
const VALUE = { up: 0, down: 1, repeat: 2 } as const;

export function nextKey(s: KeyState, e: InputEvent, config: UsbKeypadConfig): KeyStep {
  const none = (state: KeyState, note: string | null = null): KeyStep => ({ state, key: null, note });
  if (e.type !== EV.KEY) return none(s);
  const name = NAME_OF.get(e.code);
  if (e.value === VALUE.up) return none({ ...s, down: s.down.filter((c) => c !== e.code) });
  if (e.value !== VALUE.down && e.value !== VALUE.repeat) return none(s, `key ${e.code}: value ${e.value}`);
  const held = s.down.includes(e.code);
  if (e.value === VALUE.repeat && !held) return none(s);
  const state = held ? s : { ...s, down: [...s.down, e.code] };
  if (name === 'NUMLOCK' && config.numLock === 'track') {
    return e.value === VALUE.down
      ? none({ ...state, numLock: !s.numLock }, `numlock ${s.numLock ? 'off' : 'on'}`)
      : none(state);
  }
  const key = name === undefined ? undefined : config.map[name];
  if (key === undefined) return none(state, `key ${name ?? e.code} is not mapped`);
  if (config.numLock === 'track' && !s.numLock && NUMLOCK_KEYS.includes(name!)) return none(state, 'numlock is off');
  if (e.value === VALUE.repeat && !config.repeatKeys.includes(key)) return none(state);
  return { state, key, note: null };
}
