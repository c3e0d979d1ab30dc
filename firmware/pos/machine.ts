import type { CardImage } from '../card/app.ts';
import type { CardKeys } from '../card/keys.ts';
import type { Decision, PolicyContext, PolicyRules } from '../policy/policy.ts';
import type { RefusalCode } from '../policy/reasons.ts';
import type { SettledIntent, TxMeta, TxOutcome } from '../card-tx/card-tx.ts';
import type { Key } from './entry.ts';
import type { OnlineSaleOutcome } from './online-sale.ts';
import type { Operator } from './operator.ts';
import type { LaterReceipts } from './receipt.ts';
import { screens, type Beep, type Screen } from './screen.ts';
import type { PosMemory, Request } from './state.ts';
import type { TerminalConfig } from '../config/schema.ts';
import { onKey } from './machine-keys.ts';
import { onCard, onWritten } from './machine-taps.ts';
import { refused, rested, shown } from './machine-steps.ts';

/**
 * The POS's decisions as one pure function: next(memory, event, facts) →
 * { memory, effects }. No I/O: the card read, the card write (CardTransactions),
 * the online sale and the journal are effects PosApp performs at the edge; a
 * write or an online sale comes back as the next event.
 */

/** What the POS reads to decide, looked up by PosApp for this step. */
export interface PosFacts {
  config: TerminalConfig;
  rules: PolicyRules;
  operator: Operator | null;
  nowMs: number;
  /** The card's policy context: lists and journal looked up, purse as read. */
  context(card: CardImage): PolicyContext;
}

export type PosEvent =
  | { kind: 'key'; key: Key }
  /** The backend locked the terminal: no card is read. */
  | { kind: 'locked' }
  | { kind: 'read-failed'; reason: 'unreadable' | 'forged' | 'foreign-card'; detail: string; uid: Uint8Array }
  /** The card's pending credits were being written when the card left. */
  | { kind: 'credit-cut' }
  /** A card read, its open writes settled, its pending credits applied (creditedAmount, in the purse unit). */
  | { kind: 'card'; card: CardImage; keys: CardKeys; settled: SettledIntent[]; creditedAmount: number }
  | { kind: 'written'; request: Request; card: CardImage; outcome: TxOutcome }
  | { kind: 'sold-online'; chargedCents: number; outcome: OnlineSaleOutcome };

export type PosEffect =
  | { kind: 'show'; screen: Screen; beep: Beep | null; receipts: LaterReceipts }
  /** The screen the POS rests on under the config in force once it has moved. */
  | { kind: 'show-resting'; beep: Beep | null }
  | { kind: 'show-totals' }
  /** Journal the refusal (a record of who was turned away and why), then show it. */
  | { kind: 'refuse'; cardNumber: number | null; uid: Uint8Array; reason: RefusalCode; detail: string }
  | { kind: 'toggle-operator'; cardNumber: number }
  | { kind: 'warn'; event: string; fields: Record<string, number | string> }
  | { kind: 'write'; request: Request; card: CardImage; keys: CardKeys; decision: Approval; meta: TxMeta }
  | { kind: 'sell-online'; card: CardImage; chargedCents: number; listAmountCents: number; shift: string | null };

export type Approval = Extract<Decision, { kind: 'approve' }>;

export interface PosStep {
  memory: PosMemory;
  effects: PosEffect[];
}

export function next(memory: PosMemory, event: PosEvent, f: PosFacts): PosStep {
  switch (event.kind) {
    case 'key':
      return onKey(memory, event.key, f);
    case 'locked':
      return shown(memory, screens.refused('terminal-locked'), 'error');
    case 'read-failed':
      if (event.reason === 'unreadable') return shown(memory, screens.refused('unreadable'), 'error');
      return refused(memory, null, event.reason, event.detail, event.uid);
    case 'credit-cut':
      return shown(memory, screens.tapAgain(), 'retry');
    case 'card':
      return onCard(memory, event, f);
    case 'written':
      return onWritten(memory, event, f);
    case 'sold-online':
      if (event.outcome.kind === 'refused') return shown(memory, screens.refused(event.outcome.reason), 'error');
      return shown(
        rested(memory, f),
        screens.paidOnline(event.chargedCents, event.outcome.balanceCents, event.outcome.offline),
        'ok',
      );
  }
}
