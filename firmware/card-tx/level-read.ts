import type { TerminalConfig } from '../config/schema.ts';

/**
 * Whether a tap reads the card's member level slots (LAYOUT.md §9): a READ,
 * ~2.5 ms of the tap. Always where the site gives levels (config
 * points.memberLevels, off by default and turned on by the backend where it
 * gives levels): the level is the card's class, and the class decides
 * allowed classes, discount, daily limit, doors. Elsewhere only when a level
 * credit is on file for the card, since the tap that applies it writes the
 * slot that is not current and must know which that is.
 */
export function readsLevels(
  config: Pick<TerminalConfig, 'points'>,
  credits: { levelPending(card: number): boolean },
  cardNumber: number,
): boolean {
  return config.points.memberLevels || credits.levelPending(cardNumber);
}
