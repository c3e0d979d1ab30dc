import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MATRIX_MAP, matrixStart, scanOnce, scanRow } from '../../../drivers/keypad/matrix.ts';
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
