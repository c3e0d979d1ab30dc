import type { PurseState } from '../card/layout.ts';
import type { OfflineReason } from '../online/authorizer.ts';

/**
 * What the terminal writes to its journal. Every card write is bracketed:
 * intent (before the first byte goes to the card) → commit | abort | uncertain,
 * and an uncertain write is later closed by a settle record.
 */
export const KIND = {
  intent: 'card.intent',
  commit: 'card.commit',
  abort: 'card.abort',
  uncertain: 'card.uncertain',
  settle: 'card.settle',
  refused: 'tap.refused',
  signIn: 'operator.signin',
  onlineRequest: 'online.request',
  onlineResult: 'online.result',
  signOut: 'operator.signout',
} as const;

/** Records that close an intent for good. `uncertain` does not: the card still has to tell. */
export const CLOSING_KINDS = [KIND.commit, KIND.abort, KIND.settle];

export type TxType = 'sale' | 'topup' | 'undo' | 'credit';

export interface IntentBody {
  tx: TxType;
  cardNumber: number;
  uid: string;
  unit: 'cents' | 'uses';
  /** Signed, in the purse unit: positive leaves the card, negative goes onto it. */
  chargedAmount: number;
  fromSubsidy: number;
  fromBalance: number;
  /** Price before the class discount, for receipts and totals. */
  listAmountCents: number;
  discountAmount: number;
  counterBefore: number;
  counterAfter: number;
  /** Who wrote the state we read, and the other slot as we saw it: evidence for settling others' uncertain writes. */
  writerBefore: number;
  otherSlot: { counter: number; writer: number } | null;
  next: PurseState;
  undoOf?: number;
  shift?: string;
  operator?: number;
  items?: { code: number; qty: number }[];
  /** tx 'credit': the pending credits this write applies (the card's lastCreditSeq becomes the last). */
  creditSeqs?: number[];
  /** tx 'credit': those of creditSeqs that had expired: used up with no money (§6.5). */
  forfeitedSeqs?: number[];
}

export interface SettleBody {
  intentSeq: number;
  outcome: 'landed' | 'not-landed';
  counterSeen: number;
}

/** Asked of the backend (the STAN is this record's seq); journaled before the question leaves. */
export interface OnlineRequestBody {
  cardNumber: number;
  amountCents: number;
  listAmountCents: number;
  shift?: string;
}

/**
 * approved          — the backend approved it (authCode).
 * declined          — the backend declined it.
 * offline-approved  — no answer by the deadline; approved within the offline floors: an advice to upload.
 * offline-declined  — no answer (or the terminal restarted while waiting); refused: a reversal of any late approval.
 * offlineReason (offline-* from an answer that did not come) says why, as the ADVICE reason (§6.7);
 * absent in records journaled before it was kept, and after a restart.
 */
export interface OnlineResultBody {
  stan: number;
  outcome: 'approved' | 'declined' | 'offline-approved' | 'offline-declined';
  authCode?: string;
  reason?: string;
  offlineReason?: OfflineReason;
}

export interface RefusedBody {
  cardNumber: number | null;
  uid: string;
  reason: string;
  detail: string;
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
