import { EV, type EventLayout, encodeEvent, type InputEvent, MSC_SCAN } from '../../drivers/keypad/input-event.ts';
import { LINUX_KEYS, type LinuxKey } from '../../drivers/keypad/keymap.ts';
import { MATRIX_LEGEND, MATRIX_SIZE, type MatrixPort } from '../../drivers/keypad/matrix.ts';

/**
 * Keypad twins. The USB one turns a script of key presses into the bytes a
 * real keyboard's event device yields, in the kernel's order for one press:
 * MSC_SCAN (the HID usage), KEY down, SYN; each auto-repeat KEY 2, SYN; on
 * release MSC_SCAN, KEY up, SYN. Times advance by a fixed step from a fixed
 * start, so the bytes are the same on every run.
 */
export interface ScriptedPress {
  key: LinuxKey;
  /** Auto-repeats while held (the kernel sends them after 250 ms, then every 33 ms). */
  repeats?: number;
}

/** HID usage page 7 (keyboard) usages, as MSC_SCAN reports them. */
const HID_USAGE: Record<LinuxKey, number> = {
  BACKSPACE: 0x2a,
  TAB: 0x2b,
  KPSLASH: 0x54,
  KPASTERISK: 0x55,
  KPMINUS: 0x56,
  KPPLUS: 0x57,
  KPENTER: 0x58,
  KP1: 0x59,
  KP2: 0x5a,
  KP3: 0x5b,
  KP4: 0x5c,
  KP5: 0x5d,
  KP6: 0x5e,
  KP7: 0x5f,
  KP8: 0x60,
  KP9: 0x61,
  KP0: 0x62,
  KPDOT: 0x63,
  NUMLOCK: 0x53,
};
const START_SEC = 1_700_000_000;
const STEP_US = 100_000;

export function scriptEvents(presses: readonly ScriptedPress[]): InputEvent[] {
  const out: InputEvent[] = [];
  let us = 0;
  const at = (type: number, code: number, value: number) =>
    out.push({ sec: START_SEC + Math.floor(us / 1_000_000), usec: us % 1_000_000, type, code, value });
  for (const p of presses) {
    const code = LINUX_KEYS[p.key];
    at(EV.MSC, MSC_SCAN, 0x70000 | HID_USAGE[p.key]);
    at(EV.KEY, code, 1);
    at(EV.SYN, 0, 0);
    for (let r = 0; r < (p.repeats ?? 0); r++) {
      us += STEP_US;
      at(EV.KEY, code, 2);
      at(EV.SYN, 0, 0);
    }
    us += STEP_US;
    at(EV.MSC, MSC_SCAN, 0x70000 | HID_USAGE[p.key]);
    at(EV.KEY, code, 0);
    at(EV.SYN, 0, 0);
    us += STEP_US;
  }
  return out;
}

export const scriptBytes = (presses: readonly ScriptedPress[], layout: EventLayout): Buffer =>
  Buffer.concat(scriptEvents(presses).map((e) => encodeEvent(e, layout)));

/** A 4×4 matrix with fingers on it: `hold` and `lift` keys by legend; the scanner reads rows through the port. */
export class MatrixTwin implements MatrixPort {
  private row = 0;
  private readonly held = new Set<string>();

  hold(legend: string): void {
    this.held.add(legend);
  }
  lift(legend: string): void {
    this.held.delete(legend);
  }
  async selectRow(row: number): Promise<void> {
    this.row = row;
  }
  async readColumns(): Promise<number> {
    let bits = 0;
    for (let c = 0; c < MATRIX_SIZE; c++) if (this.held.has(MATRIX_LEGEND[this.row]![c]!)) bits |= 1 << c;
    return bits;
  }
}
