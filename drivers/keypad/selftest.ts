import type { PosKey } from './keymap.ts';

/**
 * `onecard selftest keypad`: echoes each key as the POS will receive it,
 * until `cancel` (so every key but one can be tried, and the test ends from
 * the keypad itself). Hand `onKey` to the keypad driver as its handler.
 */
export function keyEcho(print: (line: string) => void): { onKey(key: PosKey): void; done: Promise<PosKey[]> } {
  const seen: PosKey[] = [];
  let finish: (keys: PosKey[]) => void = () => {};
  const done = new Promise<PosKey[]>((resolve) => {
    finish = resolve;
  });
  print('press keys; cancel ends the test');
  return {
    onKey(key) {
      seen.push(key);
      print(`key ${key}`);
      if (key === 'cancel') finish(seen);
    },
    done,
  };
}
