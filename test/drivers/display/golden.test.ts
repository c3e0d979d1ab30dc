import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { commandFrame, dataFrame, encodeGb2312 } from '../../../drivers/display/st7920.ts';
import { hdCommand, hdData } from '../../../drivers/display/hd44780.ts';
import { PANELS } from '../../../drivers/display/index.ts';
import { layout } from '../../../drivers/display/layout.ts';
import { itemEntryScreen, itemEntryVectors, SALE_STATUS, saleVectors } from './sale.ts';

const vector = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../vectors/display/${file}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

test('each panel receives exactly the golden bytes for the sale screen (init and show)', async () => {
  for (const v of await saleVectors()) assert.deepEqual(v.json, vector(v.file), v.file);
});

test("item mode: each panel shows the codes keyed and the current item's name and price (golden bytes)", async () => {
  for (const v of await itemEntryVectors()) assert.deepEqual(v.json, vector(v.file), v.file);
  const lines = (panel: string) => vector(`${panel}-item-entry.json`).lines as string[];
  assert.deepEqual(lines('st7920'), ['12:34       在线', '菜品: 12*2+7    ', '红烧肉 12.50元  ', ' '.repeat(16)]);
  // A 16×2 has one row for the item: the price leads, the name is cut at the panel's edge.
  assert.deepEqual(lines('hd44780-16x2'), ['Item: 12*2+7    ', '12.50 Braised   ']);
  assert.deepEqual(layout(itemEntryScreen(), SALE_STATUS, PANELS.console), [
    `12:34${' '.repeat(31)}在线`,
    `菜品: 12*2+7${' '.repeat(28)}`,
    `红烧肉 12.50元${' '.repeat(26)}`,
    ' '.repeat(40),
  ]);
  // A code naming no item (yet): the codes alone; "1" of "12" names none on this menu.
  assert.deepEqual(itemEntryScreen(['1']).customer, { zh: '1', en: '1' });
  assert.equal(itemEntryScreen(['1', '2']).customer.en, '1.50 Rice');
  assert.equal(itemEntryScreen(['1', '2', 'back']).customer.en, '1', 'back re-reads the code left');
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
