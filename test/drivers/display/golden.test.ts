import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { commandFrame, dataFrame, encodeGb2312 } from '../../../drivers/display/st7920.ts';
import { hdCommand, hdData } from '../../../drivers/display/hd44780.ts';
import { saleVectors } from './sale.ts';

const vector = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../vectors/display/${file}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

test('each panel receives exactly the golden bytes for the sale screen (init and show)', async () => {
  for (const v of await saleVectors()) assert.deepEqual(v.json, vector(v.file), v.file);
});

test('ST7920 frames by hand from the datasheet: sync F8/FA, then the high and the low nibble', () => {
  assert.deepEqual(commandFrame(0x80), [0xf8, 0x80, 0x00]);
  assert.deepEqual(dataFrame(0x31), [0xfa, 0x30, 0x10]);
  assert.deepEqual(encodeGb2312('应a'), [0xd3, 0xa6, 0x61]); // 应 = GB2312 D3A6
  const golden = vector('st7920-sale.json').showHex as string;
  // Row 1 starts with DDRAM 0x80 and '1' of "12:34"; row 2 (0x90) starts with 应 = D3 A6.
  assert.ok(golden.startsWith('f88000fa3010'));
  assert.ok(golden.includes('f89000fad030faa060'));
});

test('HD44780 over PCF8574 by hand: each nibble strobed E high then low, backlight on, RS on P0', () => {
  // 0x80 (DDRAM 0): high nibble 8 → 0x8C then 0x88; low nibble 0 → 0x0C then 0x08.
  assert.deepEqual(hdCommand(0x80), [0x8c, 0x88, 0x0c, 0x08]);
  // 'D' = 0x44 as data: RS set → 0x4D 0x49 0x4D 0x49.
  assert.deepEqual(hdData(0x44), [0x4d, 0x49, 0x4d, 0x49]);
});
