import type { PosKey } from './keymap.ts';

/**
 * A 4×4 membrane keypad on eight GPIO lines: drive one row at a time, read
 * the four columns, a pressed key connects its row to its column. The port
 * is the smallest thing a scanner needs (select a row, read the columns);
 * ./matrix-gpio.ts puts it on drivers/gpio's GpioPort. The decision is pure:
 * `scanRow(state, row, columns)`.
 *
 * Debounce: a key counts once it reads pressed on DEBOUNCE_SCANS consecutive
 * scans of its row, and again only after it reads released as long. At a
 * 5 ms row period (20 ms a full scan) that is 40 ms, past the 5–20 ms a
 * membrane contact bounces.
 */
export interface MatrixPort {
  selectRow(row: number): Promise<void>;
  /** Bit c set = column c reads pressed (the port hides whether lines are active low). */
  readColumns(): Promise<number>;
}

export const MATRIX_SIZE = 4;
export const DEBOUNCE_SCANS = 2;
/** The printed legend of the common 4×4 pad, row by row. */
export const MATRIX_LEGEND = ['123A', '456B', '789C', '*0#D'] as const;
export const DEFAULT_MATRIX_MAP: Record<string, PosKey> = {
  ...Object.fromEntries([...'0123456789*'].map((k) => [k, k as PosKey])),
  '#': '.',
  A: 'confirm',
  B: 'cancel',
  C: 'back',
  D: '+',
};

export interface MatrixState {
  /** Per key (row × 4 + column): consecutive scans in the state it is moving to, and its settled state. */
  count: readonly number[];
  pressed: readonly boolean[];
}

export const matrixStart = (): MatrixState => ({
  count: Array(MATRIX_SIZE * MATRIX_SIZE).fill(0),
  pressed: Array(MATRIX_SIZE * MATRIX_SIZE).fill(false),
});

/** One row's reading: the new state and the legends that have just settled pressed. */
export function scanRow(s: MatrixState, row: number, columns: number): { state: MatrixState; pressed: string[] } {
  const count = [...s.count];
  const pressed = [...s.pressed];
  const out: string[] = [];
  for (let c = 0; c < MATRIX_SIZE; c++) {
    const i = row * MATRIX_SIZE + c;
    const reads = (columns & (1 << c)) !== 0;
    count[i] = reads === pressed[i] ? 0 : count[i]! + 1;
    if (count[i]! < DEBOUNCE_SCANS) continue;
    count[i] = 0;
    pressed[i] = reads;
    if (reads) out.push(MATRIX_LEGEND[row]![c]!);
  }
  return { state: { count, pressed }, pressed: out };
}

/** One pass over the four rows through the port; the caller paces the passes (the runtime owns time). */
export async function scanOnce(
  port: MatrixPort,
  s: MatrixState,
  map: Partial<Record<string, PosKey>>,
): Promise<{ state: MatrixState; keys: PosKey[] }> {
  let state = s;
  const keys: PosKey[] = [];
  for (let row = 0; row < MATRIX_SIZE; row++) {
    await port.selectRow(row);
    const r = scanRow(state, row, await port.readColumns());
    state = r.state;
    for (const legend of r.pressed) {
      const key = map[legend];
      if (key) keys.push(key);
    }
  }
  return { state, keys };
}
