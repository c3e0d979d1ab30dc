import type { CardImage } from '../card/app.ts';
import type { RefusalCode } from '../policy/reasons.ts';
import type { IntentBody } from '../card-tx/records.ts';
import { type LaterReceipts, noReceipts } from './receipt.ts';
import type { Beep, Screen, TxLabel } from './screen.ts';
import type { PosMemory, PosState } from './state.ts';
import { restingState } from './config-swap.ts';
import type { PosEffect, PosFacts, PosStep } from './machine.ts';

/** The small pieces every step of the POS machine (firmware/pos/machine.ts) is built from. */
export const show = (screen: Screen, beep: Beep | null, receipts: LaterReceipts = noReceipts): PosEffect => ({
  kind: 'show',
  screen,
  beep,
  receipts,
});
export const shown = (
  memory: PosMemory,
  screen: Screen,
  beep: Beep | null,
  receipts: LaterReceipts = noReceipts,
): PosStep => ({
  memory,
  effects: [show(screen, beep, receipts)],
});
export const moved = (memory: PosMemory, state: PosState, screen: Screen, beep: Beep): PosStep =>
  shown({ ...memory, state }, screen, beep);
export const rested = (memory: PosMemory, f: PosFacts): PosMemory => ({ ...memory, state: restingState(f.config.pos) });
export const refused = (
  m: PosMemory,
  card: CardImage | null,
  reason: RefusalCode,
  detail: string,
  uid?: Uint8Array,
): PosStep => ({
  memory: m,
  effects: [
    {
      kind: 'refuse',
      cardNumber: card?.identity.cardNumber ?? null,
      uid: card?.uid ?? uid ?? new Uint8Array(),
      reason,
      detail,
    },
  ],
});
export const unitOf = (card: CardImage): 'cents' | 'uses' => (card.identity.flags.countPurse ? 'uses' : 'cents');
/** What the holder sees as the balance: uses on a count card, cash and subsidy together on a money card. */
export const balanceShown = (p: { balance: number; subsidy: number }, unit: 'cents' | 'uses'): number =>
  unit === 'uses' ? p.balance : p.balance + p.subsidy;
export const labelOf = (body: IntentBody): TxLabel => ({
  tx: body.tx,
  amount: Math.abs(body.chargedAmount),
  unit: body.unit,
});
