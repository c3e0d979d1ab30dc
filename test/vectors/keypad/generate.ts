/**
 * Generator of the USB keypad's golden bytes (sale-keys.json): the keys of a
 * 12.50 sale (1 2 . 5 0 Enter), with a held Backspace in the middle, as
 * `input_event` structs in the 64-bit (24-byte) and 32-bit ARM (16-byte)
 * layouts. Run by hand from the repository root only when the twin
 * deliberately changes, review, check in:
 *
 *   node --import tsx test/vectors/keypad/generate.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scriptBytes } from '../../../simulator/keypad/twin.ts';
import { SALE_PRESSES } from '../../drivers/keypad/sale.ts';

const out = fileURLToPath(new URL('sale-keys.json', import.meta.url));
const json = {
  presses: SALE_PRESSES,
  layout64Hex: scriptBytes(SALE_PRESSES, 64).toString('hex'),
  layout32Hex: scriptBytes(SALE_PRESSES, 32).toString('hex'),
};
writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
