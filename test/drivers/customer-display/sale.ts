import type { CustomerDisplay, Lamp } from '../../../drivers/customer-display/index.ts';

/** The golden sale on the customer display: 12.50 keyed, 12.50 due, 20.00 handed over, 7.50 back. */
export const SALE_STEPS: { lamp: Lamp; amountCents: number }[] = [
  { lamp: 'price', amountCents: 1250 },
  { lamp: 'total', amountCents: 1250 },
  { lamp: 'paid', amountCents: 2000 },
  { lamp: 'change', amountCents: 750 },
];

export async function runSale(d: CustomerDisplay): Promise<void> {
  for (const s of SALE_STEPS) {
    const r = await d.show(s.lamp, s.amountCents);
    if (!r.ok) throw new Error(r.error);
  }
}
