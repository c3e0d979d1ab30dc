import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, discountOf, type PolicyContext, type PolicyRules } from '../../../firmware/policy/policy.ts';
import type { CardIdentity, PurseState } from '../../../firmware/card/layout.ts';

const rules: PolicyRules = {
  tenantId: 1,
  terminalId: 101,
  classes: new Map([
    [
      1,
      {
        id: 1,
        name: { zh: '员工', en: 'Staff' },
        discountPercent: 0,
        dailyLimitCents: 10_000,
        operator: false,
        account: 'purse' as const,
      },
    ],
    [
      2,
      {
        id: 2,
        name: { zh: '学生', en: 'Student' },
        discountPercent: 10,
        dailyLimitCents: 5_000,
        operator: false,
        account: 'purse' as const,
      },
    ],
    [
      3,
      {
        id: 3,
        name: { zh: '访客', en: 'Visitor' },
        discountPercent: 0,
        dailyLimitCents: 0,
        operator: false,
        account: 'purse' as const,
      },
    ],
  ]),
  allowedClasses: [],
  minSaleCents: 10,
  maxSaleCents: 20_000,
  balanceCapCents: 100_000,
  usesPerSale: 1,
};
const TODAY = 9823;
const identity = (over: Partial<CardIdentity> = {}): CardIdentity => ({
  tenantId: 1,
  cardNumber: 1001,
  cardClass: 1,
  expiryDay: TODAY + 100,
  issueDay: TODAY - 100,
  flags: { frozen: false, pinRequired: false, countPurse: false },
  pinVerifier: new Uint8Array([1, 2, 3, 4]),
  ...over,
});
const purse = (over: Partial<PurseState> = {}): PurseState => ({
  counter: 7,
  balance: 5_000,
  subsidy: 1_000,
  lastCreditSeq: 0,
  day: TODAY,
  spentToday: 0,
  writerTerminalId: 55,
  ...over,
});
const ctx = (over: Partial<PolicyContext> = {}): PolicyContext => ({
  identity: identity(),
  purse: purse(),
  blacklisted: false,
  lastSeenCounter: null,
  today: TODAY,
  rules,
  ...over,
});
const debit = (amountCents: number, pinOk = false) => ({ kind: 'debit' as const, amountCents, pinOk });

function reason(d: ReturnType<typeof decide>): string {
  return d.kind === 'refuse' ? d.reason : d.kind;
}

test('an ordinary sale spends the subsidy first and advances the counter by one', () => {
  const d = decide(ctx(), debit(1_500));
  assert.equal(d.kind, 'approve');
  if (d.kind !== 'approve') return;
  assert.deepEqual([d.fromSubsidy, d.fromBalance, d.chargedAmount], [1_000, 500, 1_500]);
  assert.deepEqual(d.next, {
    counter: 8,
    balance: 4_500,
    subsidy: 0,
    lastCreditSeq: 0,
    day: TODAY,
    spentToday: 1_500,
    writerTerminalId: 101,
  });
});

test('refusals: blacklist, frozen, expired, tenant, class, min, max, balance', () => {
  assert.equal(reason(decide(ctx({ blacklisted: true }), debit(100))), 'blacklisted');
  assert.equal(
    reason(
      decide(
        ctx({ identity: identity({ flags: { frozen: true, pinRequired: false, countPurse: false } }) }),
        debit(100),
      ),
    ),
    'frozen',
  );
  assert.equal(reason(decide(ctx({ identity: identity({ expiryDay: TODAY - 1 }) }), debit(100))), 'expired');
  assert.equal(
    reason(decide(ctx({ identity: identity({ expiryDay: TODAY }) }), debit(100))),
    'approve',
    'valid through its expiry day',
  );
  assert.equal(reason(decide(ctx({ identity: identity({ tenantId: 2 }) }), debit(100))), 'wrong-tenant');
  assert.equal(reason(decide(ctx({ identity: identity({ cardClass: 77 }) }), debit(100))), 'class-not-allowed');
  assert.equal(reason(decide(ctx({ rules: { ...rules, allowedClasses: [2] } }), debit(100))), 'class-not-allowed');
  assert.equal(reason(decide(ctx(), debit(9))), 'below-min');
  assert.equal(reason(decide(ctx(), debit(20_001))), 'above-max');
  assert.equal(
    reason(decide(ctx({ purse: purse({ balance: 50_000 }) }), debit(20_000))),
    'need-pin',
    'over the 100.00 daily limit',
  );
  assert.equal(
    reason(decide(ctx({ purse: purse({ balance: 100, subsidy: 50 }) }), debit(151))),
    'insufficient-balance',
  );
  assert.equal(reason(decide(ctx({ purse: purse({ balance: 100, subsidy: 50 }) }), debit(150))), 'approve');
});

test('counter rollback: a card below the counter this terminal last saw is refused', () => {
  assert.equal(reason(decide(ctx({ lastSeenCounter: 8 }), debit(100))), 'counter-rollback');
  assert.equal(reason(decide(ctx({ lastSeenCounter: 7 }), debit(100))), 'approve');
});

test('daily limit is kept on the card and asks for the PIN above it', () => {
  const spent = purse({ spentToday: 9_000 });
  assert.equal(reason(decide(ctx({ purse: spent }), debit(1_000))), 'approve', 'exactly at the limit');
  const over = decide(ctx({ purse: spent }), debit(1_001));
  assert.deepEqual(over, { kind: 'need-pin', reason: 'daily-limit' });
  const withPin = decide(ctx({ purse: spent }), debit(1_001, true));
  assert.equal(withPin.kind, 'approve');
  // Yesterday's spending does not count today.
  assert.equal(reason(decide(ctx({ purse: purse({ day: TODAY - 1, spentToday: 9_999 }) }), debit(1_001))), 'approve');
  const noPin = identity({ pinVerifier: new Uint8Array(4) });
  assert.equal(reason(decide(ctx({ identity: noPin, purse: spent }), debit(1_001))), 'daily-limit');
  const pinCard = identity({ flags: { frozen: false, pinRequired: true, countPurse: false } });
  assert.deepEqual(decide(ctx({ identity: pinCard }), debit(100)), { kind: 'need-pin', reason: 'card-pin' });
});

test('discount by class is integer and rounds half up', () => {
  assert.equal(discountOf(1_005, 10), 101);
  assert.equal(discountOf(1_004, 10), 100);
  const d = decide(ctx({ identity: identity({ cardClass: 2 }) }), debit(1_005));
  assert.ok(d.kind === 'approve');
  assert.equal(d.chargedAmount, 904);
  assert.equal(d.discountAmount, 101);
});

test('count purse pays one use per sale whatever the amount', () => {
  const card = identity({ cardClass: 3, flags: { frozen: false, pinRequired: false, countPurse: true } });
  const d = decide(ctx({ identity: card, purse: purse({ balance: 3, subsidy: 0 }) }), debit(99_999));
  assert.ok(d.kind === 'approve');
  assert.equal(d.chargedAmount, 1);
  assert.equal(d.next.balance, 2);
  assert.equal(
    reason(decide(ctx({ identity: card, purse: purse({ balance: 0, subsidy: 0 }) }), debit(500))),
    'insufficient-balance',
  );
  assert.equal(reason(decide(ctx({ identity: card }), { kind: 'credit', amountCents: 100 })), 'class-not-allowed');
});

test('top-up respects the balance cap; refund restores exactly', () => {
  assert.equal(
    reason(decide(ctx(), { kind: 'credit', amountCents: 94_000 })),
    'approve',
    '50.00 cash + 10.00 subsidy + 940.00 = the cap',
  );
  assert.equal(reason(decide(ctx(), { kind: 'credit', amountCents: 94_001 })), 'balance-cap');
  const sale = decide(ctx({ purse: purse({ spentToday: 200 }) }), debit(1_500));
  assert.ok(sale.kind === 'approve');
  const refund = decide(ctx({ purse: sale.next }), {
    kind: 'refund',
    fromSubsidy: sale.fromSubsidy,
    fromBalance: sale.fromBalance,
    day: TODAY,
  });
  assert.ok(refund.kind === 'approve');
  assert.deepEqual(
    {
      balance: refund.next.balance,
      subsidy: refund.next.subsidy,
      spentToday: refund.next.spentToday,
      counter: refund.next.counter,
    },
    { balance: 5_000, subsidy: 1_000, spentToday: 200, counter: 9 },
  );
});

test('the balance cap covers what the card holds, cash and subsidy, on every credit path', () => {
  // Issue #9's card: 40.00 cash and 9.00 subsidy under a 50.00 cap.
  const capped = { ...rules, balanceCapCents: 5_000 };
  const at = (balance: number, subsidy: number) => ctx({ rules: capped, purse: purse({ balance, subsidy }) });
  assert.equal(reason(decide(at(4_000, 900), { kind: 'credit', amountCents: 100 })), 'approve', 'up to 50.00 held');
  assert.equal(
    reason(decide(at(4_100, 900), { kind: 'credit', amountCents: 1 })),
    'balance-cap',
    'top-up past the cap',
  );
  const credits = (balance: number, subsidy: number) => ({
    kind: 'apply-credits' as const,
    balance,
    subsidy,
    uptoCreditSeq: 1,
  });
  assert.equal(reason(decide(at(4_000, 900), credits(0, 100))), 'approve');
  assert.equal(reason(decide(at(4_000, 900), credits(0, 101))), 'balance-cap', 'a subsidy credit past the cap');
  assert.equal(reason(decide(at(4_000, 900), credits(101, 0))), 'balance-cap', 'a cash credit past the cap');
  const refund = (fromBalance: number, fromSubsidy: number) => ({
    kind: 'refund' as const,
    fromBalance,
    fromSubsidy,
    day: TODAY,
  });
  assert.equal(reason(decide(at(4_000, 900), refund(50, 50))), 'approve');
  assert.equal(reason(decide(at(4_000, 900), refund(51, 50))), 'balance-cap', 'an undo refund past the cap');
  const count = identity({ cardClass: 3, flags: { frozen: false, pinRequired: false, countPurse: true } });
  const uses = decide(
    ctx({ identity: count, rules: capped, purse: purse({ balance: 4_999, subsidy: 0 }) }),
    credits(10, 0),
  );
  assert.equal(reason(uses), 'approve', 'a count purse holds uses, not cents: the cap in cents does not bound it');
});

test('a sale the card cannot pay is refused at once, before any PIN is asked', () => {
  const short = purse({ balance: 500, subsidy: 0, spentToday: 9_900 });
  assert.deepEqual(
    reason(decide(ctx({ purse: short }), debit(600))),
    'insufficient-balance',
    'over the daily limit and short',
  );
  const pinCard = identity({ flags: { frozen: false, pinRequired: true, countPurse: false } });
  assert.equal(
    reason(decide(ctx({ identity: pinCard, purse: short }), debit(600))),
    'insufficient-balance',
    'PIN card and short',
  );
  assert.equal(reason(decide(ctx({ purse: short }), debit(500))), 'need-pin', 'payable: the PIN is asked as before');
});

test('policy is pure: same input, same decision, input untouched', () => {
  const c = ctx();
  const frozen = JSON.stringify({ ...c, rules: undefined });
  assert.deepEqual(decide(c, debit(700)), decide(c, debit(700)));
  assert.equal(JSON.stringify({ ...c, rules: undefined }), frozen);
});
