import type { TerminalConfig } from '../config/schema.ts';
import type { CardRules } from './policy.ts';

/**
 * The card checks of a role that takes every class the site knows (doors,
 * punch clocks, the car park): their own rules say who may do what, the
 * POS's allowedClasses do not apply.
 */
export function cardRulesForAnyClass(config: TerminalConfig): CardRules {
  return {
    tenantId: config.terminal.tenantId,
    classes: new Map(config.cardClasses.map((c) => [c.id, c])),
    allowedClasses: [],
  };
}
