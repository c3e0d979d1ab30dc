import type { CardIdentity, PurseState } from '../card/layout.ts';
import type { PolicyContext, PolicyRules } from './policy.ts';

/** The terminal state the policy reads about one card: its lists and its journal. */
export interface CardLookups {
  blacklisted(cardNumber: number): boolean;
  /** Highest counter this terminal has committed for the card, if any. */
  lastSeenCounter(cardNumber: number): number | null;
}

/**
 * The policy's view of a card that has been read: every role (POS, kiosk,
 * parking gate) builds it here, so a new input to the decision is added once.
 */
export function policyContextFor(
  card: { identity: CardIdentity; purse: PurseState },
  lookups: CardLookups,
  today: number,
  rules: PolicyRules,
): PolicyContext {
  const n = card.identity.cardNumber;
  return {
    identity: card.identity,
    purse: card.purse,
    blacklisted: lookups.blacklisted(n),
    lastSeenCounter: lookups.lastSeenCounter(n),
    today,
    rules,
  };
}
