/**
 * Generator of the panels' golden byte streams (test/vectors/display/*.json):
 * the sale screen (amount due 12.50, waiting for the card) and the item-entry
 * screen (item mode, "12*2+7" keyed: item 7's name and price) as the ST7920
 * (SPI) and the HD44780 behind a PCF8574 (I2C) receive it, init included.
 * Run by hand from the repository root only when a driver deliberately
 * changes, then review the diff and check it in:
 *
 *   node --import tsx test/vectors/display/generate.ts
 *
 * test/drivers/display/golden.test.ts checks the drivers against these files.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { itemEntryVectors, saleVectors } from '../../drivers/display/sale.ts';

const OUT = fileURLToPath(new URL('.', import.meta.url));
for (const v of [...(await saleVectors()), ...(await itemEntryVectors())])
  writeFileSync(`${OUT}${v.file}`, `${JSON.stringify(v.json, null, 2)}\n`);
