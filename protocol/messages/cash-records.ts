/**
 * The bodies of a top-up kiosk's records (PROTOCOL.md §6.6.6): each bill's
 * life, the acceptor's alarms, the cash box, the owed handed to the backend and
 * the receipts a printer fault left owed. record-kinds.ts lists them in RecordBodies.
 */

/**
 * cash.stack: a kiosk is about to tell its bill acceptor to stack a bill held in
 * escrow for this card; journaled (durable) before STACK goes out, so a restart
 * knows whose bill a later "stacked" (or a power-up "bill in stacker") is.
 */
export interface CashStackBody {
  cardNumber: number;
  billType: number;
  valueCents: number;
}

/** cash.stacked (ref: the cash.stack): the bill is in the cassette; the card is owed valueCents. */
export interface CashStackedBody {
  cardNumber: number;
  billType: number;
  valueCents: number;
}

/** cash.returned (ref: the cash.stack): the bill went back to the customer (or never left escrow): nothing owed. */
export interface CashReturnedBody {
  billType: number;
  reason: string;
}

/** cash.alarm: the bill acceptor stopped (jam, cassette removed or full, cheat, no reply, failure). */
export interface CashAlarmBody {
  alarm: string;
  detail: string;
}

/** cash.emptied: an operator took the cassette out and counted it; the cash-box count starts again from 0. */
export interface CashEmptiedBody {
  operator: number;
  count: number;
  amountCents: number;
}

/**
 * cash.handover: a kiosk hands what a card is owed (bills stacked, not yet
 * written to the card) to the backend, which books it as an ordinary pending
 * credit that any terminal pays once. The kiosk's owed drops by amountCents in
 * the same transaction: from this record on, only the backend's credit pays it.
 */
export interface CashHandoverBody {
  cardNumber: number;
  amountCents: number;
}

/**
 * receipt.unprinted (ref: the card.intent): the printer refused the receipt of
 * this write or cut it short (paper out, cover open). The money is on the card;
 * the receipt is owed and reprinted, marked COPY, when the printer is back.
 */
export interface ReceiptUnprintedBody {
  intentSeq: number;
  reason: string;
  detail: string;
}

/** receipt.reprinted (ref: the receipt.unprinted): the owed receipt came out, as a COPY. */
export interface ReceiptReprintedBody {
  intentSeq: number;
}
