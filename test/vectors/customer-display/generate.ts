/**
 * Generator of the pole display's golden bytes (pole-sale.json): init, then
 * price / total / paid / change of a 12.50 sale paid with 20.00, as the real
 * driver sends them through `serialport` (mock binding). Run by hand from the
 * repository root only when the driver deliberately changes, review, check in:
 *
 *   node --import tsx test/vectors/customer-display/generate.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { POLE_BAUD_DEFAULT, PoleDisplay } from '../../../drivers/customer-display/pole.ts';
import { CustomerDisplayTwin } from '../../../simulator/customer-display/twin.ts';
import { SALE_STEPS } from '../../drivers/customer-display/sale.ts';

const hex = (b: number[]): string => Buffer.from(b).toString('hex');
const twin = await CustomerDisplayTwin.open('pole', POLE_BAUD_DEFAULT);
const opened = await PoleDisplay.open(twin.link);
if (!opened.ok) throw new Error(opened.error);
const steps: Record<string, unknown>[] = [{ step: 'open', hex: hex(twin.sent()) }];
for (const s of SALE_STEPS) {
  const before = twin.sent().length;
  await opened.display.show(s.lamp, s.amountCents);
  steps.push({ step: `${s.lamp} ${s.amountCents} cents`, hex: hex(twin.sent().slice(before)) });
}
const out = fileURLToPath(new URL('pole-sale.json', import.meta.url));
writeFileSync(out, `${JSON.stringify({ device: 'pole display, 8 digits, ESC s n lamps', steps }, null, 2)}\n`);
await opened.display.close();
