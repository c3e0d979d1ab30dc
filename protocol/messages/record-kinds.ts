import type { PurseEvidence } from '../settlement.ts';
import type { DeskCancelBody, DeskIssueBody, DeskPinBody } from './record-desk.ts';
import type {
  CashAlarmBody,
  CashEmptiedBody,
  CashHandoverBody,
  CashReturnedBody,
  CashStackBody,
  CashStackedBody,
  ReceiptReprintedBody,
  ReceiptUnprintedBody,
} from './cash-records.ts';

export type { DeskCancelBody, DeskIssueBody, DeskPinBody } from './record-desk.ts';
export type * from './cash-records.ts';

/**
 * The journal records a terminal keeps and uploads (PROTOCOL.md §5.4.3): their
 * kinds and bodies, defined here once because they travel. The terminal writes
 * them (firmware/store/journal), the backend reads them. Every card write is
 * bracketed: intent (before the first byte goes to the card) → commit | abort |
 * uncertain, and an uncertain write is later closed by a settle record.
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
  clockStep: 'clock.step',
  issued: 'card.issued',
  cashStack: 'cash.stack',
  cashStacked: 'cash.stacked',
  cashReturned: 'cash.returned',
  cashAlarm: 'cash.alarm',
  cashEmptied: 'cash.emptied',
  cashHandover: 'cash.handover',
  receiptUnprinted: 'receipt.unprinted',
  receiptReprinted: 'receipt.reprinted',
  doorGranted: 'door.granted',
  doorRefused: 'door.refused',
  doorAlarm: 'door.alarm',
  punch: 'punch',
  parkingEntry: 'parking.entry',
  parkingExit: 'parking.exit',
  invoicePrinted: 'invoice.printed',
  deskIssue: 'desk.issue',
  deskCancel: 'desk.cancel',
  deskPin: 'desk.pin',
  rekeyed: 'card.rekeyed',
} as const;

/**
 * What a card write is. `payout`: money leaves the card as cash handed to the holder (the desk's 退卡), never a
 * sale; it has no compact code (the item's two tx bits are taken) and travels as the generic item (PROTOCOL.md §6.6.2).
 */
export type TxType = 'sale' | 'topup' | 'undo' | 'credit' | 'payout';

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
  next: PurseEvidence;
  undoOf?: number;
  shift?: string;
  operator?: number;
  items?: { code: number; qty: number }[];
  /** tx 'credit': the pending credits this write applies (the card's lastCreditSeq becomes the last). */
  creditSeqs?: number[];
  /** tx 'credit': those of creditSeqs that had expired: used up with no money (§6.5). */
  forfeitedSeqs?: number[];
  /** Member points this write earns (+ sale, top-up) or gives back (− undo), whole; absent when 0 (§6.6.6). */
  points?: number;
  /** tx 'credit': a member level change among creditSeqs: the card's class from this write on (§6.5). */
  cardClass?: number;
}

/** card.commit: the write was read back as written. */
export interface CommitBody {
  intentSeq: number;
}

/** card.abort (the card still holds the old state) and card.uncertain (only the card can tell). */
export interface WriteProblemBody {
  intentSeq: number;
  problem: string;
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

/** Why an online sale went offline, as the ADVICE reason (§6.7). */
export type OfflineReason = 'backend-unreachable' | 'timeout';

/**
 * approved          — the backend approved it (authCode).
 * declined          — the backend declined it.
 * offline-approved  — no answer by the deadline; approved within the offline floors: an advice to upload.
 * offline-declined  — no answer (or the terminal restarted while waiting); refused: a reversal of any late approval.
 * offlineReason (offline-* from an answer that did not come) says why;
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

/** operator.signin: the shift is the terminal id and this record's seq. */
export interface SignInBody {
  cardNumber: number;
  name: string;
  shift: string;
  signInSeq: number;
  atMs: number;
}

/** operator.signout, referencing its sign-in: the shift's sales. */
export interface SignOutBody {
  cardNumber: number;
  shift: string;
  count: number;
  amountCents: number;
}

/** clock.step: the terminal set its clock from the backend's time. */
export interface ClockStepBody {
  fromMs: number;
  toMs: number;
  offsetMs: number;
}

/**
 * card.issued: a card this terminal (an issuing desk; the simulator standing in
 * for one) gave out. The backend learns from it which cards exist, so its admin
 * refuses credits and list changes for a number nobody holds. Travels as the
 * generic item.
 */
export interface CardIssuedBody {
  cardNumber: number;
}

/** door.granted: a door released. cardNumber null for the exit button, a remote open, free passage. */
export interface DoorGrantedBody {
  doorId: number;
  /** 'schedule' | 'grant' | 'free-passage' | 'exit-button' | 'remote' */
  cause: string;
  cardNumber: number | null;
  /** The paired reader's side; null on a door without anti-passback readers. */
  direction: 'in' | 'out' | null;
  /** Soft anti-passback: let through, but the card was already on this side. */
  passbackViolation: boolean;
}

/** door.refused: a door stayed shut, and why (a card refusal code or the door's own: no-access, passback, …). */
export interface DoorRefusedBody {
  doorId: number;
  reason: string;
  detail: string;
  cardNumber: number | null;
}

/** door.alarm: a door's alarm started (on) or ended. */
export interface DoorAlarmBody {
  doorId: number;
  alarm: 'held-open' | 'forced';
  on: boolean;
}

/** punch: one attendance punch (a duplicate within the window is not journaled). */
export interface PunchBody {
  cardNumber: number;
  type: 'in' | 'out' | 'break';
  /** Chosen by a key before the tap, or by the reader's own type. */
  via: 'key' | 'reader';
  /** A UID-only card or a Wiegand number: no card application was read. */
  uidOnly: boolean;
  /** The local card day the punch belongs to. */
  day: number;
}

/** parking.entry: the entry gate opened. operator: the operator's card on an override, else null. */
export interface ParkingEntryBody {
  cardNumber: number | null;
  pass: boolean;
  operator: number | null;
}

/** parking.exit: the exit gate opened, what the stay cost and why (the charge itself is a card.intent). */
export interface ParkingExitBody {
  cardNumber: number | null;
  entryMs: number | null;
  feeCents: number;
  pass: boolean;
  lostTicket: boolean;
  operator: number | null;
}

/**
 * invoice.printed: a sale's print-once invoice went to the printer. Journaled
 * before the bytes go, so a power cut cannot yield a second original: every
 * print after the first (copy true) says COPY.
 */
export interface InvoicePrintedBody {
  intentSeq: number;
  copy: boolean;
}

/**
 * card.rekeyed: a card tapped during a key rollover was re-keyed in place (洗卡): the trailers of
 * `sectors` were rewritten from key version fromKeyVersion to toKeyVersion. Written when the re-key
 * finished at this tap (one cut short is finished, and journaled, at the card's next tap anywhere).
 * No money moves: data blocks are never written by a re-key. Travels as the generic item.
 */
export interface CardRekeyedBody {
  /** The card read after the re-key; null when it left before it could be read. */
  cardNumber: number | null;
  uid: string;
  fromKeyVersion: number;
  toKeyVersion: number;
  sectors: number[];
}

/** The body each record kind carries: what the journal's append is checked against. */
export interface RecordBodies {
  [KIND.intent]: IntentBody;
  [KIND.commit]: CommitBody;
  [KIND.abort]: WriteProblemBody;
  [KIND.uncertain]: WriteProblemBody;
  [KIND.settle]: SettleBody;
  [KIND.refused]: RefusedBody;
  [KIND.signIn]: SignInBody;
  [KIND.signOut]: SignOutBody;
  [KIND.onlineRequest]: OnlineRequestBody;
  [KIND.onlineResult]: OnlineResultBody;
  [KIND.clockStep]: ClockStepBody;
  [KIND.issued]: CardIssuedBody;
  [KIND.cashStack]: CashStackBody;
  [KIND.cashStacked]: CashStackedBody;
  [KIND.cashReturned]: CashReturnedBody;
  [KIND.cashAlarm]: CashAlarmBody;
  [KIND.cashEmptied]: CashEmptiedBody;
  [KIND.cashHandover]: CashHandoverBody;
  [KIND.receiptUnprinted]: ReceiptUnprintedBody;
  [KIND.receiptReprinted]: ReceiptReprintedBody;
  [KIND.doorGranted]: DoorGrantedBody;
  [KIND.doorRefused]: DoorRefusedBody;
  [KIND.doorAlarm]: DoorAlarmBody;
  [KIND.punch]: PunchBody;
  [KIND.parkingEntry]: ParkingEntryBody;
  [KIND.parkingExit]: ParkingExitBody;
  [KIND.invoicePrinted]: InvoicePrintedBody;
  [KIND.deskIssue]: DeskIssueBody;
  [KIND.deskCancel]: DeskCancelBody;
  [KIND.deskPin]: DeskPinBody;
  [KIND.rekeyed]: CardRekeyedBody;
}

export type RecordKind = keyof RecordBodies;
