import type { CardIdentity } from '../card/layout.ts';
import { checkCard, type CardRules } from './policy.ts';
import type { RefusalCode } from './reasons.ts';

/**
 * What a reader hands a door, a punch clock or a car-park gate: a card
 * application read and MAC-checked, or a bare number (a UID-only card, a
 * Wiegand reader) with nothing on the card to check but the lists.
 */
export type Credential = { kind: 'card'; identity: CardIdentity } | { kind: 'uid'; cardNumber: number };

/** The refusals a card can earn before any role's own rule: lost, frozen, expired, another issuer, unknown class. */
export type CardRefusal = Extract<
  RefusalCode,
  'blacklisted' | 'frozen' | 'expired' | 'wrong-tenant' | 'class-not-allowed' | 'counter-rollback'
>;

export function cardNumberOf(c: Credential): number {
  return c.kind === 'card' ? c.identity.cardNumber : c.cardNumber;
}

/**
 * The blacklist for every credential (offline: the local list); on a card
 * application also what checkCard holds. `today` is the local card day.
 */
export function checkCredential(
  c: Credential,
  f: { blacklisted: boolean; cardRules: CardRules; today: number },
): { reason: CardRefusal; detail: string } | null {
  if (c.kind === 'uid') {
    return f.blacklisted ? { reason: 'blacklisted', detail: `card ${c.cardNumber} is on the blacklist` } : null;
  }
  const d = checkCard({
    identity: c.identity,
    blacklisted: f.blacklisted,
    lastSeenCounter: null,
    today: f.today,
    rules: f.cardRules,
  });
  if (d === null) return null;
  if (d.kind !== 'refuse') throw new Error('bug: checkCard returned a non-refusal');
  return { reason: d.reason as CardRefusal, detail: d.detail };
}
