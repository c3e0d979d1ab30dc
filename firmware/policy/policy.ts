import type { CardIdentity, PurseState } from '../card/layout.ts';
import { COUNTER_MAX, U24_MAX, U32_MAX } from '../card/layout.ts';
import type { CardClass } from '../config/schema.ts';
import { topupBonusCents, type PointsRules } from './points.ts';
import type { RefusalCode } from './reasons.ts';

/**
 * The offline decision: a pure function of the card, the terminal's lists and
 * rules, the day, and the request. No I/O, no clock: the runtime passes `today`.
 * Amounts are in the purse's unit (cents; uses on a count purse).
 */
export interface PolicyRules {
  tenantId: number;
  terminalId: number;
  classes: ReadonlyMap<number, CardClass>;
  /** Empty = every class. */
  allowedClasses: readonly number[];
  minSaleCents: number;
  maxSaleCents: number;
  balanceCapCents: number;
  usesPerSale: number;
  /** Member points and top-up bonuses (firmware/policy/points.ts); absent = none. */
  points?: PointsRules;
}

export type PolicyRequest =
  /** A sale of `amountCents` before discount; `pinOk` once the holder entered the right PIN. */
  | { kind: 'debit'; amountCents: number; pinOk: boolean }
  /** Money onto the card (cash top-up at the counter); a bonus tier of rules.points adds to the subsidy wallet. */
  | { kind: 'credit'; amountCents: number }
  /** Put back exactly what an earlier debit took. */
  | { kind: 'refund'; fromSubsidy: number; fromBalance: number; day: number }
  /** Pending credits (subsidy, online top-up) up to `uptoCreditSeq`, applied at most once: the card records the seq. */
  | { kind: 'apply-credits'; balance: number; subsidy: number; uptoCreditSeq: number };

export interface PolicyContext {
  identity: CardIdentity;
  purse: PurseState;
  blacklisted: boolean;
  /** Highest counter this terminal has seen on this card (committed), if any. */
  lastSeenCounter: number | null;
  today: number;
  rules: PolicyRules;
}

export type Decision =
  | {
      kind: 'approve';
      next: PurseState;
      chargedAmount: number;
      fromSubsidy: number;
      fromBalance: number;
      discountAmount: number;
    }
  | { kind: 'need-pin'; reason: 'daily-limit' | 'card-pin' }
  | { kind: 'refuse'; reason: RefusalCode; detail: string };

const refuse = (reason: RefusalCode, detail: string): Decision => ({ kind: 'refuse', reason, detail });

/** What checkCard reads of the rules: a door or a punch clock has no money rules. */
export type CardRules = Pick<PolicyRules, 'tenantId' | 'classes' | 'allowedClasses'>;

/** Checks that apply to any use of the card, money or not. */
export function checkCard(
  ctx: Omit<PolicyContext, 'purse' | 'rules'> & { purse?: PurseState; rules: CardRules },
): Decision | null {
  const { identity, rules } = ctx;
  if (identity.tenantId !== rules.tenantId) return refuse('wrong-tenant', `tenant ${identity.tenantId}`);
  if (ctx.blacklisted) return refuse('blacklisted', `card ${identity.cardNumber} is on the blacklist`);
  if (identity.flags.frozen) return refuse('frozen', 'card flagged frozen');
  if (ctx.today > identity.expiryDay) return refuse('expired', `expired on day ${identity.expiryDay}`);
  if (!rules.classes.has(identity.cardClass)) return refuse('class-not-allowed', `unknown class ${identity.cardClass}`);
  if (rules.allowedClasses.length > 0 && !rules.allowedClasses.includes(identity.cardClass)) {
    return refuse('class-not-allowed', `class ${identity.cardClass} not served here`);
  }
  if (ctx.purse && ctx.lastSeenCounter !== null && ctx.purse.counter < ctx.lastSeenCounter) {
    return refuse('counter-rollback', `card counter ${ctx.purse.counter} < last seen ${ctx.lastSeenCounter}`);
  }
  return null;
}

/**
 * The one balance-cap rule, for every path that puts value on a card (top-up,
 * pending credits, undo refund): the cap covers what the card holds, cash and
 * subsidy together, as card operators' manuals put it. A count purse holds
 * uses, not cents: only the purse fields' own width bounds it.
 */
export function overCap(
  ctx: Pick<PolicyContext, 'purse' | 'identity' | 'rules'>,
  addBalance: number,
  addSubsidy: number,
): Decision | null {
  const balance = ctx.purse.balance + addBalance;
  const subsidy = ctx.purse.subsidy + addSubsidy;
  if (balance > U32_MAX || subsidy > U32_MAX) return refuse('balance-cap', 'purse field overflow');
  if (ctx.identity.flags.countPurse || balance + subsidy <= ctx.rules.balanceCapCents) return null;
  return refuse('balance-cap', `card would hold ${balance + subsidy}, cap ${ctx.rules.balanceCapCents}`);
}

/**
 * Pending credits as purse moves. A pending debit (negative part) larger than
 * its own field takes the rest from the other field: the holder owes the
 * total, whichever field holds it. Null when the purse cannot cover the total:
 * the debit stays pending until it can (docs/cards.md).
 */
export function debitSplit(
  purse: Pick<PurseState, 'balance' | 'subsidy'>,
  addBalance: number,
  addSubsidy: number,
): { balance: number; subsidy: number } | null {
  let balance = addBalance;
  let subsidy = addSubsidy;
  if (purse.balance + balance < 0) {
    subsidy += purse.balance + balance;
    balance = -purse.balance;
  }
  if (purse.subsidy + subsidy < 0) {
    balance += purse.subsidy + subsidy;
    subsidy = -purse.subsidy;
  }
  if (purse.balance + balance < 0) return null;
  return { balance, subsidy };
}

/** The card's class, once checkCard has let the card through (it refuses unknown classes). */
function knownClass(rules: PolicyRules, id: number): CardClass {
  const cardClass = rules.classes.get(id);
  if (!cardClass) throw new Error(`bug: class ${id} reached a decision past checkCard`);
  return cardClass;
}

/** Integer discount, rounded half up, in the purse unit. */
export function discountOf(amount: number, percent: number): number {
  return Math.floor((amount * percent + 50) / 100);
}

export function decide(ctx: PolicyContext, req: PolicyRequest): Decision {
  const early = checkCard(ctx);
  if (early) return early;
  const { purse, identity, rules } = ctx;
  if (purse.counter >= COUNTER_MAX) return refuse('card-worn-out', 'purse counter exhausted');
  const spentToday = purse.day === ctx.today ? purse.spentToday : 0;
  const base = { ...purse, counter: purse.counter + 1, writerTerminalId: rules.terminalId };
  switch (req.kind) {
    case 'debit':
      return decideDebit(ctx, req, spentToday, base);
    case 'credit': {
      if (!Number.isInteger(req.amountCents) || req.amountCents <= 0)
        return refuse('below-min', 'top-up must be positive');
      if (identity.flags.countPurse) return refuse('class-not-allowed', 'count cards are not topped up with money');
      // The bonus rides in the same write: cash in balance, the promotion in subsidy (spent first, may expire).
      // The cap refuses cash, never for a promotion: a bonus with no room left under it is not given.
      const capped = overCap(ctx, req.amountCents, 0);
      if (capped) return capped;
      const tier = topupBonusCents(rules.points, req.amountCents);
      const bonus = overCap(ctx, req.amountCents, tier) ? 0 : tier;
      return approve(
        {
          ...base,
          balance: purse.balance + req.amountCents,
          subsidy: purse.subsidy + bonus,
          day: purse.day,
          spentToday: purse.spentToday,
        },
        -(req.amountCents + bonus),
        -bonus,
        -req.amountCents,
        0,
      );
    }
    case 'apply-credits': {
      if (req.uptoCreditSeq <= purse.lastCreditSeq)
        return refuse('credit-applied', `credits up to ${req.uptoCreditSeq} already on the card`);
      const parts = debitSplit(purse, req.balance, req.subsidy);
      if (!parts)
        return refuse(
          'insufficient-balance',
          `a pending debit of ${-(req.balance + req.subsidy)} waits for the card to hold it (docs/cards.md)`,
        );
      const capped = overCap(ctx, parts.balance, parts.subsidy);
      if (capped) return capped;
      const next = {
        ...base,
        balance: purse.balance + parts.balance,
        subsidy: purse.subsidy + parts.subsidy,
        lastCreditSeq: req.uptoCreditSeq,
      };
      return approve(next, -(parts.balance + parts.subsidy), -parts.subsidy, -parts.balance, 0);
    }
    case 'refund': {
      const amount = req.fromSubsidy + req.fromBalance;
      const capped = overCap(ctx, req.fromBalance, req.fromSubsidy);
      if (capped) return capped;
      // Give back today's spending only if the sale was today: yesterday's total is closed.
      const spent = req.day === ctx.today ? Math.max(0, spentToday - amount) : spentToday;
      return approve(
        {
          ...base,
          balance: purse.balance + req.fromBalance,
          subsidy: purse.subsidy + req.fromSubsidy,
          day: ctx.today,
          spentToday: spent,
        },
        -amount,
        -req.fromSubsidy,
        -req.fromBalance,
        0,
      );
    }
  }
}

/**
 * A sale on an online-account card: the card's identity is checked here (lists,
 * expiry, class, limits, discount); the money is the backend's to approve.
 */
export function decideOnlineSale(
  ctx: Omit<PolicyContext, 'purse' | 'lastSeenCounter'>,
  amountCents: number,
): { kind: 'ask'; chargedCents: number; discountCents: number } | Extract<Decision, { kind: 'refuse' }> {
  const early = checkCard({ ...ctx, lastSeenCounter: null });
  if (early) return early as Extract<Decision, { kind: 'refuse' }>;
  const { rules } = ctx;
  if (!Number.isInteger(amountCents) || amountCents < rules.minSaleCents)
    return { kind: 'refuse', reason: 'below-min', detail: `min ${rules.minSaleCents}` };
  if (amountCents > rules.maxSaleCents)
    return { kind: 'refuse', reason: 'above-max', detail: `max ${rules.maxSaleCents}` };
  const discountCents = discountOf(amountCents, knownClass(rules, ctx.identity.cardClass).discountPercent);
  return { kind: 'ask', chargedCents: amountCents - discountCents, discountCents };
}

function decideDebit(
  ctx: PolicyContext,
  req: { amountCents: number; pinOk: boolean },
  spentToday: number,
  base: PurseState,
): Decision {
  const { purse, identity, rules } = ctx;
  const cardClass = knownClass(rules, identity.cardClass);
  let charged: number;
  let discount = 0;
  if (identity.flags.countPurse) {
    charged = rules.usesPerSale; // a count card pays in uses, whatever the price
  } else {
    if (!Number.isInteger(req.amountCents) || req.amountCents < rules.minSaleCents)
      return refuse('below-min', `min ${rules.minSaleCents}`);
    if (req.amountCents > rules.maxSaleCents) return refuse('above-max', `max ${rules.maxSaleCents}`);
    discount = discountOf(req.amountCents, cardClass.discountPercent);
    charged = req.amountCents - discount;
  }
  const limit = identity.flags.countPurse ? 0 : cardClass.dailyLimitCents;
  const overLimit = limit > 0 && spentToday + charged > limit;
  const hasPin = identity.pinVerifier.some((b) => b !== 0);
  // A card that cannot pay is refused before any PIN: asking for it would only delay the same answer.
  if (purse.subsidy + purse.balance < charged)
    return refuse('insufficient-balance', `needs ${charged}, has ${purse.subsidy + purse.balance}`);
  if ((overLimit || identity.flags.pinRequired) && !req.pinOk) {
    if (!hasPin && overLimit)
      return refuse('daily-limit', `spent ${spentToday} + ${charged} > ${limit}, card has no PIN`);
    if (!hasPin) return refuse('pin-not-set', 'card requires a PIN but none is set');
    return { kind: 'need-pin', reason: overLimit ? 'daily-limit' : 'card-pin' };
  }
  if (spentToday + charged > U24_MAX) return refuse('daily-limit', 'daily total beyond what the card can record');
  const fromSubsidy = Math.min(purse.subsidy, charged); // subsidy first: it may expire, cash does not
  const fromBalance = charged - fromSubsidy;
  const next = {
    ...base,
    subsidy: purse.subsidy - fromSubsidy,
    balance: purse.balance - fromBalance,
    day: ctx.today,
    spentToday: spentToday + charged,
  };
  return approve(next, charged, fromSubsidy, fromBalance, discount);
}

function approve(
  next: PurseState,
  charged: number,
  fromSubsidy: number,
  fromBalance: number,
  discount: number,
): Decision {
  // Pair assertion: what leaves the purse is exactly what the decision says.
  if (fromSubsidy + fromBalance !== charged) throw new Error('bug: debit split does not add up');
  return { kind: 'approve', next, chargedAmount: charged, fromSubsidy, fromBalance, discountAmount: discount };
}
