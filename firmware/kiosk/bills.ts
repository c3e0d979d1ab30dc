import type { BillEntry } from '../../drivers/cash/index.ts';
import { overCap, type PolicyContext } from '../policy/policy.ts';

/**
 * Which bill types the acceptor may take now: those that fit both under the
 * session's top-up limit and under the card's balance cap (policy overCap, the
 * one cap rule). The acceptor is told before the customer inserts anything, so
 * a bill that would pass the cap is never taken in and then refused.
 */
export function acceptableBills(
  table: readonly BillEntry[],
  card: Pick<PolicyContext, 'purse' | 'identity' | 'rules'>,
  insertedCents: number,
  topupMaxCents: number,
): number[] {
  return table
    .filter((b) => insertedCents + b.valueCents <= topupMaxCents && overCap(card, b.valueCents, 0) === null)
    .map((b) => b.billType);
}
