/** The card office's record bodies (PROTOCOL.md §6.6.6; record-kinds.ts names their kinds). */

/**
 * desk.issue: the card office is about to issue a blank card (开户, or 补卡 when
 * `replaces` names the card it replaces). Journaled before the first card byte;
 * a `card.issued` referring to it follows once the card reads back as issued.
 * The holder's name stays at the backend: the card carries only its number.
 */
export interface DeskIssueBody {
  cardNumber: number;
  uid: string;
  holder: string;
  cardClass: number;
  expiryDay: number;
  pinSet: boolean;
  /** 补卡: the lost card this one replaces (the backend carries its provable balance over); else null. */
  replaces: number | null;
}

/**
 * desk.cancel (ref: the payout's card.intent, or null when the card held nothing):
 * 销户/退卡. The card's balance was paid out in cash and its subsidy forfeited by
 * that write; the backend lists the number so the card is refused everywhere.
 */
export interface DeskCancelBody {
  cardNumber: number;
  paidOutCents: number;
  forfeitedSubsidyCents: number;
}

/**
 * desk.pin: the card office is about to set, change or remove a card's PIN (the holder's identity checked
 * at the counter, no old PIN asked: a forgotten PIN is the usual reason). Journaled before the card's
 * identity block B is written; the PIN itself is never journaled.
 */
export interface DeskPinBody {
  cardNumber: number;
  uid: string;
  /** A PIN is set (false: the PIN is removed). */
  pinSet: boolean;
}
