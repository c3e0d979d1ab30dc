import type { Clock } from '../../base/clock.ts';
import type { BillEntry, CashEvent } from '../../drivers/cash/index.ts';
import type { KioskScreenDisplay } from '../../drivers/kiosk-screen/index.ts';
import type { CardApp } from '../card/app.ts';
import type { CardTransactions } from '../card-tx/card-tx.ts';
import type { CreditSource } from '../card-tx/credits-at-tap.ts';
import type { Logger } from '../core/log.ts';
import type { PolicyRules } from '../policy/policy.ts';
import type { Journal } from '../store/journal/journal.ts';
import type { TopupReceipts } from './receipts.ts';

/** What the kiosk needs of a bill acceptor (drivers/cash/ccnet's CcnetDriver is one). */
export interface BillAcceptor {
  readonly billTable: readonly BillEntry[] | undefined;
  readonly device: { kind: string };
  enable(billTypes: readonly number[]): { ok: true } | { ok: false; error: string };
  stack(): { ok: true } | { ok: false; error: string };
  returnBill(): { ok: true } | { ok: false; error: string };
  acknowledge(stackedId: number): { ok: true } | { ok: false; error: string };
  takeEvents(): CashEvent[];
}

export interface KioskDeps {
  journal: Journal;
  tx: CardTransactions;
  cards: CardApp;
  acceptor: BillAcceptor;
  credits: CreditSource;
  receipts: TopupReceipts;
  log: Logger;
  clock: Clock;
  utcOffsetMinutes: number;
  rules: PolicyRules;
  /** One session's cash limit (a kiosk's anti-laundering and "wrong card" bound, set by the site). */
  topupMaxCents: number;
  operatorCards: ReadonlySet<number>;
  /** The acceptor takes bills (config kiosk.acceptorEnabled; the backend switches it with set-config). */
  acceptorEnabled: boolean;
  /** A card that leaves owing hands it to the backend as a pending credit (a kiosk with a backend link). */
  handOverOwed: boolean;
  blacklisted(cardNumber: number): boolean;
  /** Where the screen goes (the web page, the simulator's recorder); left out, it is only kept in `screen`. */
  screenDisplay?: KioskScreenDisplay;
}

/** The steps of a bill's life, logged as `kiosk.bill` (a power cut can fall after any of them). */
export type BillStep = 'escrowed' | 'stacking' | 'stacked' | 'journaled' | 'card-written' | 'receipt-printed';
