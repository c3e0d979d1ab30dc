import type { RefusalCode } from './reasons.ts';

/**
 * EMV-style floors for online-account cards when the backend cannot answer:
 * a sale up to the per-sale floor, and no more than the per-card daily floor
 * of such sales, is approved offline and reported later as advice
 * (docs/protocol-lessons.md, EMV; the POS side in docs/pos.md).
 * Pure: the runtime passes what this card has spent offline today.
 */
export interface OfflineFloors {
  perSaleCents: number;
  perCardDayCents: number;
}

export type FloorDecision = { kind: 'approve' } | { kind: 'refuse'; reason: RefusalCode; detail: string };

export function offlineFloorDecision(
  amountCents: number,
  spentOfflineTodayCents: number,
  floors: OfflineFloors,
): FloorDecision {
  if (amountCents > floors.perSaleCents)
    return {
      kind: 'refuse',
      reason: 'offline-floor',
      detail: `${amountCents} above the offline floor ${floors.perSaleCents} per sale`,
    };
  if (spentOfflineTodayCents + amountCents > floors.perCardDayCents) {
    return {
      kind: 'refuse',
      reason: 'offline-floor',
      detail: `offline today ${spentOfflineTodayCents} + ${amountCents} above ${floors.perCardDayCents}`,
    };
  }
  return { kind: 'approve' };
}
