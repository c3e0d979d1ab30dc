import type { CardImage } from '../card/app.ts';
import type { CardKeys } from '../card/keys.ts';
import type { SaleLine } from './entry.ts';

/**
 * The POS states. One union, moved only by PosApp; each names what the
 * terminal is waiting for.
 */
export type PosState =
  | { mode: 'idle' }
  /** The cashier is typing a sale (or a top-up) amount. */
  | { mode: 'entry'; buffer: string; topup: boolean }
  /** An amount is due: waiting for a card. `pinFor` = the card whose PIN was just entered. */
  | { mode: 'await-card'; request: Request; pinFor: number | null }
  /** The holder is typing the PIN for this card. */
  | { mode: 'await-pin'; request: Request; buffer: string; card: CardImage; keys: CardKeys; attempts: number }
  /** A write was cut: the same card must come back to settle it. */
  | { mode: 'retap'; request: Request; cardNumber: number; intentSeq: number }
  /** Undo: waiting for the card of the last sale. */
  | { mode: 'await-undo'; sale: LastSale };

export interface Request {
  kind: 'sale' | 'topup' | 'undo';
  amountCents: number;
  lines: SaleLine[];
  /** Only for kind 'undo'. */
  undo?: LastSale;
}

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
