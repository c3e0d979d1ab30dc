import type { CustomerDisplay, CustomerDisplayResult, Lamp } from './index.ts';

/**
 * `onecard selftest customer-display`: each lamp in turn with an amount
 * lighting every segment (8s with the decimal point), then blank. The
 * caller paces the steps (`pause`) so a person can watch each lamp.
 */
const LAMPS: Lamp[] = ['price', 'total', 'paid', 'change'];
/** 888888.88: every segment of all eight digits and the decimal point. */
export const ALL_SEGMENTS_CENTS = 88_888_888;

export async function customerDisplaySelftest(
  d: CustomerDisplay,
  pause: () => Promise<void>,
): Promise<CustomerDisplayResult> {
  for (const lamp of LAMPS) {
    const r = await d.show(lamp, ALL_SEGMENTS_CENTS);
    if (!r.ok) return r;
    await pause();
  }
  return d.clear();
}
