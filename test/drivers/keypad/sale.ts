import type { ScriptedPress } from '../../../simulator/keypad/twin.ts';

/** 1 2, a 7 held down (its auto-repeats do not count: one 7), Backspace erases it, then . 5 0 Enter: 12.50. */
export const SALE_PRESSES: ScriptedPress[] = [
  { key: 'KP1' },
  { key: 'KP2' },
  { key: 'KP7', repeats: 3 },
  { key: 'BACKSPACE' },
  { key: 'KPDOT' },
  { key: 'KP5' },
  { key: 'KP0' },
  { key: 'KPENTER' },
];
