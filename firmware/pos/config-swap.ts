import type { TerminalConfig } from '../config/schema.ts';
import type { PolicyRules } from '../policy/policy.ts';
import type { PosState } from './state.ts';

/**
 * What the POS needs to take a new config (a CONFIG_PUSH, firmware/sync/
 * config-push.ts) between sales: the policy rules a config gives, the state
 * the POS rests in under it, and whether it rests now. PosApp swaps only
 * when it rests and no tap is in hand, so a sale is decided, written and
 * printed under one config from the first key to the receipt.
 */
export function rulesFor(config: TerminalConfig): PolicyRules {
  return {
    tenantId: config.terminal.tenantId,
    terminalId: config.terminal.id,
    classes: new Map(config.cardClasses.map((c) => [c.id, c])),
    allowedClasses: config.pos.allowedClasses,
    minSaleCents: config.pos.minSaleCents,
    maxSaleCents: config.pos.maxSaleCents,
    balanceCapCents: config.pos.balanceCapCents,
    usesPerSale: config.pos.usesPerSale,
    points: config.points,
  };
}

/** Idle, or in fixed-price mode waiting for any card at the fixed price. */
export function restingState(pos: TerminalConfig['pos']): PosState {
  return pos.entryMode === 'fixed'
    ? { mode: 'await-card', request: { kind: 'sale', amountCents: pos.fixedPriceCents, lines: [] }, pinFor: null }
    : { mode: 'idle' };
}

/** True when nothing is in hand: no amount typed, no PIN, no write to settle, no undo waiting. */
export function isResting(state: PosState, pos: TerminalConfig['pos']): boolean {
  if (state.mode === 'idle') return true;
  if (state.mode !== 'await-card' || state.pinFor !== null || state.request.kind !== 'sale') return false;
  const { request } = state;
  return pos.entryMode === 'fixed' && request.lines.length === 0 && request.amountCents === pos.fixedPriceCents;
}

/**
 * Settings the terminal reads only when it opens (clock offset of its stores, online floors, roles, a
 * kiosk's limit and operator cards): a push changes them at the next start.
 */
export const READ_AT_START = [
  'terminal.utcOffsetMinutes',
  'terminal.roles',
  'pos.online',
  'kiosk.topupMaxCents',
  'kiosk.operatorCards',
  'kiosk.handOverOwed',
] as const;

/** Which of those differ between the config the terminal opened with and a pushed one. */
export function restartNeeded(opened: TerminalConfig, next: TerminalConfig): string[] {
  const at = (c: TerminalConfig, path: string) =>
    // A section the config does not have (no kiosk on a POS) reads as undefined on both sides.
    path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], c);
  return READ_AT_START.filter((path) => JSON.stringify(at(opened, path)) !== JSON.stringify(at(next, path)));
}
