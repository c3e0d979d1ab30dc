import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../../../base/log.ts';
import { openKeypad } from '../../../app/registry-face.ts';
import type { GpioLines } from '../../../drivers/gpio/index.ts';
import { Gpio } from '../../../drivers/gpio/port.ts';
import { KeypadConfigSchema } from '../../../drivers/keypad/config.ts';
import { DEFAULT_MATRIX_MAP, MATRIX_LEGEND, matrixStart, scanOnce, scanRow } from '../../../drivers/keypad/matrix.ts';
import { gpioMatrixPort } from '../../../drivers/keypad/matrix-gpio.ts';
import { SimGpioLines } from '../../../simulator/gpio/sim-lines.ts';
import type { PosKey } from '../../../drivers/keypad/keymap.ts';
import { MatrixTwin } from '../../../simulator/keypad/twin.ts';

test('a 4×4 key counts once after two steady scans, and again only after a steady release', async () => {
  const pad = new MatrixTwin();
  let state = matrixStart();
  const keys: PosKey[] = [];
  const pass = async () => {
    const r = await scanOnce(pad, state, DEFAULT_MATRIX_MAP);
    state = r.state;
    keys.push(...r.keys);
  };
  pad.hold('5');
  await pass();
  assert.deepEqual(keys, [], 'one scan is not enough (bounce)');
  await pass();
  await pass();
  await pass();
  assert.deepEqual(keys, ['5'], 'held: counted once');
  pad.lift('5');
  await pass();
  pad.hold('5');
  await pass();
  await pass();
  assert.deepEqual(keys, ['5'], 'a one-scan release is bounce, not a second press');
  pad.lift('5');
  await pass();
  await pass();
  pad.hold('A');
  await pass();
  await pass();
  assert.deepEqual(keys, ['5', 'confirm']);
});

test('the scan decision reads each column of the row it is given', () => {
  let s = matrixStart();
  s = scanRow(s, 3, 0b0110).state;
  assert.deepEqual(scanRow(s, 3, 0b0110).pressed, ['0', '#']);
});

test('on drivers/gpio: rows driven low one at a time, a held key pulls its column low', async () => {
  const pins = new SimGpioLines({ nowMs: () => 0 });
  const gpio = new Gpio(pins, { after: () => () => {} });
  const ROWS = [5, 6, 13, 19];
  const COLS = [12, 16, 20, 21];
  const port = gpioMatrixPort(gpio, ROWS, COLS);
  const held = new Set(['6']); // row 1, column 2
  // The keypad's wiring: a column reads low while a held key's row is low.
  const wired = {
    selectRow: async (row: number) => {
      await port.selectRow(row);
      COLS.forEach((line, c) => {
        const pressed = ROWS.some((r, i) => gpio.level(r) === 0 && held.has(MATRIX_LEGEND[i]![c]!));
        pins.drive(line, pressed ? 0 : 1);
      });
    },
    readColumns: () => port.readColumns(),
  };
  let state = matrixStart();
  const keys: PosKey[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await scanOnce(wired, state, DEFAULT_MATRIX_MAP);
    state = r.state;
    keys.push(...r.keys);
  }
  assert.deepEqual(keys, ['6']);
  assert.deepEqual(
    ROWS.map((r) => gpio.level(r)),
    [1, 1, 1, 0],
  );
  port.close();
  assert.deepEqual(
    ROWS.map((r) => gpio.level(r)),
    [1, 1, 1, 1],
  );
});

test("the config's matrix map: the registry scans the pad on GPIO and hands on the POS key the map names", async () => {
  const ROWS = [5, 6, 13, 19];
  const COLS = [12, 16, 20, 21];
  const clock = { nowMs: () => 0 };
  const sim = new SimGpioLines(clock);
  const held = new Set<string>();
  const rowLevel = new Map<number, number>();
  // A finger on the pad: whenever a row line changes, each column reads low if a held key joins it to a low row.
  const pad: GpioLines = {
    claimOutput: (line, initial) => sim.claimOutput(line, initial),
    claimInput: (line, onRaw) => sim.claimInput(line, onRaw),
    close: () => sim.close(),
    write: (line, level) => {
      sim.write(line, level);
      if (!ROWS.includes(line)) return;
      rowLevel.set(line, level);
      COLS.forEach((col, c) => {
        const pressed = ROWS.some((r, i) => rowLevel.get(r) === 0 && held.has(MATRIX_LEGEND[i]![c]!));
        sim.drive(col, pressed ? 0 : 1);
      });
    },
  };
  const gpio = new Gpio(pad, { after: () => () => {} });
  const parsed = KeypadConfigSchema.parse({ kind: 'matrix', rows: ROWS, columns: COLS, map: { A: 'topup' } });
  const keys: PosKey[] = [];
  let heard: () => void = () => {};
  const deps = { clock, scheduler: { after: () => () => {} }, nowUs: () => 0, log: silentLogger };
  const onKey = (k: PosKey) => {
    keys.push(k);
    heard();
  };
  const opened = await openKeypad(parsed, onKey, deps, gpio);
  assert.ok(opened.ok);
  try {
    held.add('A');
    await new Promise<void>((resolve) => (heard = resolve));
    // The map given replaces the default whole: A is top-up here (confirm by default).
    assert.deepEqual(keys, ['topup']);
  } finally {
    opened.value.close();
  }
  const defaults = KeypadConfigSchema.parse({ kind: 'matrix', rows: ROWS, columns: COLS });
  assert.deepEqual(defaults.kind === 'matrix' && defaults.map, DEFAULT_MATRIX_MAP);
});
