import type { PointsConfig } from '../config/points-schema.ts';

/**
 * Member points (积分) and top-up bonuses, decided at the terminal. Points are
 * whole numbers: a sale of `amountCents` earns floor(amountCents / centsPerPoint)
 * — the fraction is dropped, never carried to the next sale — so two terminals
 * (or the backend re-deriving) get the same number from the same record.
 * Money stays in cents; points never turn into money here (the backend
 * redeems them).
 */
// Which slots a tap reads is not a pricing rule: the card reader decides that (firmware/card-tx/level-read.ts).
export type PointsRules = Omit<PointsConfig, 'memberLevels'>;

/** The one rounding rule of points: whole points, the fraction dropped. 0 cents per point = off. */
export function pointsFor(amountCents: number, centsPerPoint: number): number {
  if (centsPerPoint <= 0 || amountCents <= 0) return 0;
  return Math.floor(amountCents / centsPerPoint);
}

/**
 * What one card write earns, signed as the journal carries it: + for a sale
 * or a cash top-up, − for an undo (the undone sale's points back, the same
 * floor so the two cancel exactly). Credits and count-purse writes earn none:
 * a credit is money the backend booked, a use is not money.
 */
export function pointsOfWrite(
  rules: PointsRules | undefined,
  tx: 'sale' | 'topup' | 'undo' | 'credit',
  unit: 'cents' | 'uses',
  chargedAmount: number,
  cashCents: number,
): number {
  if (!rules || unit === 'uses') return 0;
  if (tx === 'sale') return pointsFor(chargedAmount, rules.saleCentsPerPoint);
  if (tx === 'undo') return -pointsFor(-chargedAmount, rules.saleCentsPerPoint);
  if (tx === 'topup') return pointsFor(cashCents, rules.topupCentsPerPoint);
  return 0;
}

/** The bonus a cash top-up earns in the subsidy wallet: the highest tier it reaches, 0 when none. */
export function topupBonusCents(rules: PointsRules | undefined, topupCents: number): number {
  let bonus = 0;
  for (const tier of rules?.topupBonuses ?? []) if (topupCents >= tier.minTopupCents) bonus = tier.bonusSubsidyCents;
  return bonus;
}
