/**
 * The kiosk's receipt port: a receipt module (templates, printer) implements
 * it. Printing comes after the card write, so a printer fault never costs money.
 */
export interface TopupReceipt {
  cardNumber: number;
  amountCents: number;
  balanceCents: number;
  /** The journal seq of the top-up's card.intent: the record reference a receipt carries. */
  intentSeq: number;
}

export interface TopupReceipts {
  topup(r: TopupReceipt): Promise<void>;
}
