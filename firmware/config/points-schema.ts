import { z } from 'zod';

/**
 * Member points (积分) and top-up bonuses: the site's rules, pushed by the
 * backend with the rest of the config. The policy computes from them at the
 * terminal (firmware/policy/points.ts); 0 turns a ratio off.
 */
const CENTS_MAX = 0xffff_ffff; // a purse field is u32 cents on the card
/** A bonus table longer than this is a price list, not a promotion: refused so a typo is seen. */
export const TOPUP_BONUS_TIERS_MAX = 16;

const centsPerPoint = z.number().int().min(0).max(CENTS_MAX).default(0);

export const TopupBonusSchema = z
  .object({
    /** A top-up of at least this much cash earns the tier's bonus. */
    minTopupCents: z.number().int().min(1).max(CENTS_MAX),
    /** Goes into the subsidy wallet in the same card write as the top-up. */
    bonusSubsidyCents: z.number().int().min(1).max(CENTS_MAX),
  })
  .strict();

export const PointsSchema = z
  .object({
    /** One point per this many cents a sale charges (after discount); 0 = sales earn no points. */
    saleCentsPerPoint: centsPerPoint,
    /** One point per this many cents of cash topped up; 0 = top-ups earn no points. */
    topupCentsPerPoint: centsPerPoint,
    /** Tiers by minTopupCents, strictly ascending: the highest tier a top-up reaches applies, alone. */
    topupBonuses: z.array(TopupBonusSchema).max(TOPUP_BONUS_TIERS_MAX).default([]),
    /**
     * The site gives member levels: every tap reads the card's level slots, ~2.5 ms of card time.
     * The backend sets it (true once its `points levels` hold a level or a level credit was issued);
     * false (no levels, the default) spares that read, and a card that holds a level is then served
     * as its issue class, except at a tap that applies a level credit (it must read the slots to write one).
     */
    memberLevels: z.boolean().default(false),
  })
  .strict()
  .superRefine((p, ctx) => {
    p.topupBonuses.forEach((t, i) => {
      const before = p.topupBonuses[i - 1];
      if (before && t.minTopupCents <= before.minTopupCents)
        ctx.addIssue({
          code: 'custom',
          path: ['topupBonuses', i, 'minTopupCents'],
          message: `must be above the tier before it (${before.minTopupCents})`,
        });
    });
  });

export type PointsConfig = z.infer<typeof PointsSchema>;
/** No points, no bonuses, and every default above: the defaults live in the schema alone. */
export const POINTS_OFF: PointsConfig = PointsSchema.parse({});
