import type { CardImage } from '../card/app.ts';
import type { CardKeys } from '../card/keys.ts';
import type { SaleLine } from './entry.ts';
import type { PinReason, TxLabel } from './screen.ts';

/**
 * The POS states. One union, moved only by PosApp.move() from what the pure
 * next() (firmware/pos/machine.ts) returns; each names what the terminal is
 * waiting for.
 */
export type PosState =
  | { mode: 'idle' }
  /** The cashier is typing a sale (or a top-up) amount. */
  | { mode: 'entry'; buffer: string; topup: boolean }
  /** An amount is due: waiting for a card. `pinFor` = the one card whose PIN was just entered, for this request only. */
  | { mode: 'await-card'; request: Request; pinFor: number | null }
  /** The holder of this card (and only this card) is typing its PIN for this request. */
  | {
      mode: 'await-pin';
      request: Request;
      why: PinReason;
      buffer: string;
      card: CardImage;
      keys: CardKeys;
      attempts: number;
    }
  /**
   * A write was cut: the same card must come back to settle it. `uncertain` =
   * the card may hold it (else the terminal knows it did not land); `label` says what, for the screens.
   */
  | { mode: 'retap'; request: Request; cardNumber: number; intentSeq: number; uncertain: boolean; label: TxLabel }
  /** Undo: waiting for the card of the last sale. */
  | { mode: 'await-undo'; sale: LastSale };

/** What the POS is asked to do with the next card: each kind carries what it needs, so nothing is optional. */
export type Request =
  | { kind: 'sale'; amountCents: number; lines: SaleLine[] }
  | { kind: 'topup'; amountCents: number }
  | { kind: 'undo'; undo: LastSale };

/** The last committed sale of this terminal, the one `undo` may take back. */
export interface LastSale {
  intentSeq: number;
  cardNumber: number;
  atMs: number;
  chargedAmount: number;
  fromSubsidy: number;
  fromBalance: number;
  day: number;
  unit: 'cents' | 'uses';
}

/** A write of this terminal whose card may hold it, left behind by a cancel or a restart: its card will tell. */
export interface Unsettled {
  intentSeq: number;
  cardNumber: number;
  label: TxLabel;
}

/**
 * Everything the POS holds between steps: the state it is in, the sale an undo
 * would take back, and the writes still waiting for their card (shown while it rests).
 */
export interface PosMemory {
  state: PosState;
  lastSale: LastSale | null;
  unsettled: Unsettled[];
}
