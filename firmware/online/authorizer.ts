import type { OfflineReason } from '../../protocol/messages/record-kinds.ts';

/**
 * Online authorisation (docs/architecture.md, "Online mode"): for card classes whose money
 * lives in a backend account, the terminal asks the backend, and when the
 * backend is away it decides offline within floors and reports the sale later
 * as advice (ISO 8583 0220). Implemented by the sync client; the simulator
 * and tests give their own.
 *
 * Contract: `authorize` always settles by `deadlineMs` (epoch ms of the
 * terminal clock) — with 'unavailable' if no answer came — and never throws.
 * `stan` (the journal seq of the request record) identifies the request
 * end to end: the backend charges a STAN at most once, whether it arrives as
 * a request, an advice or both, and a reversal for a STAN undoes it.
 */
export interface OnlineAuthRequest {
  stan: number;
  cardNumber: number;
  /** The UID the card answered with at this tap (4, 7 or 10 bytes; empty when the reader gives none), so the backend can check it belongs to cardNumber. */
  uid: Uint8Array;
  amountCents: number;
}

/**
 * Why no answer came, in the words of the ADVICE reason (PROTOCOL.md §6.7):
 *   backend-unreachable — the request never left the terminal (no session,
 *                         send failed), so the backend cannot have seen it;
 *   timeout             — it left, but no usable answer came by the deadline
 *                         (none, too late, the session dropped meanwhile, or
 *                         the backend said retry).
 * The reference terminal always asks first, so it never has a below-floor sale.
 */
export type { OfflineReason };

export type OnlineAuthResult =
  | { kind: 'approved'; authCode: string; balanceCents: number }
  | { kind: 'declined'; reason: 'insufficient-balance' | 'blacklisted' | 'account-closed' | 'other' }
  | { kind: 'unavailable'; why: OfflineReason };

export interface OnlineAuthorizer {
  authorize(req: OnlineAuthRequest, deadlineMs: number): Promise<OnlineAuthResult>;
}

/** No backend configured (or link down): every request falls back to the offline floors. */
export const offlineOnly: OnlineAuthorizer = {
  async authorize() {
    return { kind: 'unavailable', why: 'backend-unreachable' };
  },
};
