import { READER_SLOTS, type ReaderSlot } from './reader-slots.ts';

/** Where each reader slot's Wiegand lines are: peripherals.gpio.wiegand for reader, .wiegand2 for reader2. */
export const WIEGAND_LINES_OF = { reader: 'wiegand', reader2: 'wiegand2' } as const satisfies Record<
  ReaderSlot,
  string
>;

/** The roles that work on the card itself (a purse, an issue, a top-up): a card number is not enough. */
const CARD_SESSION_ROLES = ['pos', 'desk', 'kiosk'] as const;

/** A Wiegand reader yields card numbers only: doors, punch clocks and car parks take them, the others cannot. */
export function wiegandRoleIssues(cfg: {
  terminal: { roles: readonly string[] };
  peripherals?: Partial<Record<(typeof READER_SLOTS)[number], { kind: string }>> | undefined;
}): { path: (string | number)[]; message: string }[] {
  const role = CARD_SESSION_ROLES.find((r) => cfg.terminal.roles.includes(r));
  if (role === undefined) return [];
  return READER_SLOTS.filter((slot) => cfg.peripherals?.[slot]?.kind === 'wiegand').map((slot) => ({
    path: ['peripherals', slot, 'kind'],
    message: `wiegand yields card numbers only; the ${role} role needs an mfrc522`,
  }));
}
