import type { BillEntry } from '../../drivers/cash/index.ts';
import type { PolicyContext } from '../policy/policy.ts';
import { acceptableBills } from './bills.ts';
import type { KioskScreen } from './screen.ts';

/**
 * The kiosk's decisions as one pure function: next(memory, event, facts) →
 * { memory, effects }. The acceptor, the journal, the card write and the
 * printer are effects KioskApp performs at the edge; their results come back
 * as events. Money rule: a bill is credited only after the acceptor reported
 * it stacked and KioskApp journaled it (the `stacked` event comes after both).
 */
export type CardContext = Pick<PolicyContext, 'purse' | 'identity' | 'rules'>;

/** One bill's life past the slot: escrow (deciding) → stacking → crediting (stacked, journaled, being written). */
export interface BillInHand {
  phase: 'stacking' | 'crediting';
  billType: number;
  valueCents: number;
}

export type KioskState =
  | { kind: 'idle' }
  | { kind: 'topup'; card: CardContext; insertedCents: number; bill: BillInHand | null; cardGone: boolean }
  | { kind: 'operator'; cardNumber: number };

export interface KioskMemory {
  state: KioskState;
  /** The acceptor's alarm in force (jammed, cassette-removed …), or null. */
  alarm: string | null;
  /** Switched off from the backend (config kiosk.acceptorEnabled false): no bill type is enabled. */
  disabled: boolean;
  /** The printer fault that left a receipt owed (paper out …), until a receipt prints again. */
  printerFault: string | null;
}

export const initialMemory = (disabled = false): KioskMemory => ({
  state: { kind: 'idle' },
  alarm: null,
  disabled,
  printerFault: null,
});

export type KioskEvent =
  /** A customer card read, settled, its pending credits and what it was owed written. */
  | { kind: 'card'; card: CardContext }
  | { kind: 'operator-card'; cardNumber: number }
  | { kind: 'card-refused'; reason: string }
  | { kind: 'card-gone' }
  | { kind: 'finish' }
  | { kind: 'escrow'; billType: number; valueCents: number | undefined }
  /** The acceptor stacked the bill and the kiosk journaled it (cash.stacked): the card is owed it. */
  | { kind: 'stacked'; valueCents: number }
  /** notTaken: the validator refused the note as one the kiosk did not enable (its type is over a limit now). */
  | { kind: 'bill-back'; reason: string; notTaken?: boolean }
  /** What the card was owed was written: the card as it is now; receiptFault: why its receipt did not print. */
  | { kind: 'credited'; card: CardContext; amountCents: number; receiptFault: string | null }
  /** Receipts owed since a printer fault came out (reprinted as COPY): the printer is back. */
  | { kind: 'printer-back' }
  /**
   * The write did not land (card taken away): the card keeps what it is owed, journaled.
   * handOver: the shell found nothing in the way of handing it to the backend (kiosk.ts payOwed).
   */
  | { kind: 'credit-cut'; cardNumber: number; owedCents: number; handOver: boolean }
  /** The backend switched the acceptor off or on again (set-config kiosk.acceptorEnabled). */
  | { kind: 'remote'; enabled: boolean }
  | { kind: 'alarm'; alarm: string; detail: string }
  | { kind: 'alarm-cleared' }
  /** The acceptor's bill table was read (this run's first, or after its power-up): what to accept can be said now. */
  | { kind: 'bill-table' };

export type KioskEffect =
  | { kind: 'enable'; billTypes: number[] }
  | { kind: 'stack'; cardNumber: number; billType: number; valueCents: number }
  | { kind: 'return' }
  | { kind: 'credit'; cardNumber: number }
  /** What the card is owed here becomes the backend's (cash.handover): any terminal pays it, this one never. */
  | { kind: 'hand-over'; cardNumber: number }
  | { kind: 'journal-alarm'; alarm: string; detail: string }
  | { kind: 'show'; screen: KioskScreen }
  | { kind: 'show-cashbox' };

export interface KioskFacts {
  billTable: readonly BillEntry[];
  topupMaxCents: number;
}

export interface KioskStep {
  memory: KioskMemory;
  effects: KioskEffect[];
}

const holds = (c: CardContext) => c.purse.balance + c.purse.subsidy;
const disable: KioskEffect = { kind: 'enable', billTypes: [] };

type TopupState = Extract<KioskState, { kind: 'topup' }>;

/** What this top-up may still take: under both the session's limit and the card's balance cap. */
const roomCents = (s: TopupState, f: KioskFacts): number =>
  Math.max(0, Math.min(f.topupMaxCents - s.insertedCents, s.card.rules.balanceCapCents - holds(s.card)));

/** The notes the acceptor may not take now, by value: what a customer is told when one comes back. */
function notTaken(s: TopupState, f: KioskFacts): KioskScreen {
  const takes = acceptableBills(f.billTable, s.card, s.insertedCents, f.topupMaxCents);
  const notesCents = [...new Set(f.billTable.filter((b) => !takes.includes(b.billType)).map((b) => b.valueCents))];
  return { kind: 'not-taken', notesCents: notesCents.sort((a, b) => a - b), roomCents: roomCents(s, f) };
}

/** Resting in a top-up: the acceptor takes what fits, the screen shows the balance. */
function ready(memory: KioskMemory, s: TopupState, f: KioskFacts): KioskStep {
  const off = memory.alarm !== null || memory.disabled;
  const types = off ? [] : acceptableBills(f.billTable, s.card, s.insertedCents, f.topupMaxCents);
  const balance: KioskScreen = {
    kind: 'balance',
    balanceCents: holds(s.card),
    insertedCents: s.insertedCents,
    roomCents: roomCents(s, f),
    ...(memory.printerFault ? { receiptFault: memory.printerFault } : {}),
  };
  const screen: KioskScreen = memory.alarm
    ? { kind: 'alarm', alarm: memory.alarm }
    : memory.disabled
      ? { kind: 'disabled', balanceCents: holds(s.card) }
      : balance;
  return {
    memory: { ...memory, state: { ...s, bill: null } },
    effects: [
      { kind: 'enable', billTypes: types },
      { kind: 'show', screen },
    ],
  };
}

const then = (step: KioskStep, ...effects: KioskEffect[]): KioskStep => ({
  ...step,
  effects: [...step.effects, ...effects],
});

/** What the screen says at rest: switched off from the backend, or waiting for a card. */
const resting = (memory: KioskMemory): KioskScreen =>
  memory.disabled ? { kind: 'disabled', balanceCents: null } : { kind: 'idle' };

const idle = (memory: KioskMemory, screen: KioskScreen = resting(memory)): KioskStep => ({
  memory: { ...memory, state: { kind: 'idle' } },
  effects: [disable, { kind: 'show', screen }],
});

export function next(memory: KioskMemory, event: KioskEvent, f: KioskFacts): KioskStep {
  const s = memory.state;
  const stay = (...effects: KioskEffect[]): KioskStep => ({ memory, effects });
  switch (event.kind) {
    case 'card':
      if (s.kind !== 'idle') return stay();
      return ready(memory, { kind: 'topup', card: event.card, insertedCents: 0, bill: null, cardGone: false }, f);
    case 'operator-card':
      if (s.kind === 'operator') return idle(memory);
      if (s.kind !== 'idle') return stay();
      return {
        memory: { ...memory, state: { kind: 'operator', cardNumber: event.cardNumber } },
        effects: [disable, { kind: 'show-cashbox' }],
      };
    case 'card-refused':
      return s.kind === 'idle' ? stay({ kind: 'show', screen: { kind: 'refused', reason: event.reason } }) : stay();
    case 'card-gone':
    case 'finish':
      if (s.kind !== 'topup') return s.kind === 'operator' && event.kind === 'finish' ? idle(memory) : stay();
      // A bill on its way in finishes its life first: its credit then finds the card gone and leaves it owed.
      if (s.bill) return { memory: { ...memory, state: { ...s, cardGone: true } }, effects: [disable] };
      return idle(memory);
    case 'escrow': {
      if (s.kind !== 'topup' || s.bill || s.cardGone) return stay({ kind: 'return' });
      const ok = acceptableBills(f.billTable, s.card, s.insertedCents, f.topupMaxCents).includes(event.billType);
      // Disabled types never reach escrow; one that does (a stale enable) goes back rather than past a limit.
      if (!ok || event.valueCents === undefined || memory.alarm || memory.disabled) return stay({ kind: 'return' });
      const bill: BillInHand = { phase: 'stacking', billType: event.billType, valueCents: event.valueCents };
      return {
        memory: { ...memory, state: { ...s, bill } },
        effects: [
          {
            kind: 'stack',
            cardNumber: s.card.identity.cardNumber,
            billType: event.billType,
            valueCents: event.valueCents,
          },
          { kind: 'show', screen: { kind: 'accepting', valueCents: event.valueCents } },
        ],
      };
    }
    case 'stacked':
      if (s.kind !== 'topup' || !s.bill) return stay();
      return {
        memory: { ...memory, state: { ...s, bill: { ...s.bill, phase: 'crediting' } } },
        effects: [{ kind: 'credit', cardNumber: s.card.identity.cardNumber }],
      };
    case 'bill-back': {
      if (s.kind !== 'topup') return stay();
      const screen = event.notTaken ? notTaken(s, f) : { kind: 'bill-back' as const, reason: event.reason };
      if (s.cardGone) return idle(memory, screen);
      return then(ready(memory, s, f), { kind: 'show', screen });
    }
    case 'credited': {
      // A write of 0 printed nothing: it says nothing of the printer.
      const printed = event.amountCents === 0 ? memory : { ...memory, printerFault: event.receiptFault };
      if (s.kind !== 'topup') return { memory: printed, effects: [] };
      const after = { ...s, card: event.card, insertedCents: s.insertedCents + event.amountCents };
      if (s.cardGone) return idle(printed);
      return ready(printed, after, f);
    }
    case 'printer-back': {
      const back = { ...memory, printerFault: null };
      return s.kind === 'topup' && !s.bill && !s.cardGone ? ready(back, s, f) : { memory: back, effects: [] };
    }
    case 'credit-cut': {
      const gone = idle(memory, { kind: 'card-gone', owedCents: event.owedCents, handedOver: event.handOver });
      return event.handOver ? then(gone, { kind: 'hand-over', cardNumber: event.cardNumber }) : gone;
    }
    case 'remote': {
      const switched = { ...memory, disabled: !event.enabled };
      if (s.kind === 'topup' && !s.bill && !s.cardGone) return ready(switched, s, f);
      // A bill on its way in finishes its life; the next ready() or idle() says what is enabled.
      if (s.kind !== 'idle' || memory.alarm) return { memory: switched, effects: [] };
      return { memory: switched, effects: [{ kind: 'show', screen: resting(switched) }] };
    }
    case 'alarm': {
      const raised = { ...memory, alarm: event.alarm };
      return {
        memory: raised,
        effects: [
          disable,
          { kind: 'journal-alarm', alarm: event.alarm, detail: event.detail },
          { kind: 'show', screen: { kind: 'alarm', alarm: event.alarm } },
        ],
      };
    }
    case 'bill-table':
      return s.kind === 'topup' && !s.bill && !s.cardGone ? ready(memory, s, f) : stay();
    case 'alarm-cleared': {
      const cleared = { ...memory, alarm: null };
      if (s.kind === 'topup' && !s.bill && !s.cardGone) return ready(cleared, s, f);
      return { memory: cleared, effects: s.kind === 'idle' ? [{ kind: 'show', screen: resting(cleared) }] : [] };
    }
  }
}
