import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pointsFor, pointsOfWrite, topupBonusCents } from '../../../firmware/policy/points.ts';
import { PointsSchema } from '../../../firmware/config/points-schema.ts';

/** Issue 15 item 6: points are whole, the fraction dropped, in one rule; bonuses by the highest tier reached. */
const rules = PointsSchema.parse({
  saleCentsPerPoint: 100,
  topupCentsPerPoint: 1_000,
  topupBonuses: [
    { minTopupCents: 5_000, bonusSubsidyCents: 300 },
    { minTopupCents: 10_000, bonusSubsidyCents: 1_000 },
  ],
});

test('a point per 1.00: 12.99 earns 12, 0.99 earns none, the fraction is not carried', () => {
  assert.equal(pointsFor(1_299, 100), 12);
  assert.equal(pointsFor(99, 100), 0);
  assert.equal(pointsFor(100, 100), 1);
  assert.equal(pointsFor(1_299, 0), 0, 'a ratio of 0 is off');
});

test('an undo gives back exactly what its sale earned; credits and uses earn nothing', () => {
  const sale = pointsOfWrite(rules, 'sale', 'cents', 1_299, 0);
  assert.equal(sale, 12);
  assert.equal(pointsOfWrite(rules, 'undo', 'cents', -1_299, 0), -sale);
  assert.equal(pointsOfWrite(rules, 'credit', 'cents', -5_000, 0), 0);
  assert.equal(pointsOfWrite(rules, 'sale', 'uses', 1, 0), 0);
  assert.equal(pointsOfWrite(undefined, 'sale', 'cents', 1_299, 0), 0);
  assert.equal(pointsOfWrite(rules, 'topup', 'cents', -11_000, 10_000), 10, 'top-up points on the cash only');
});

test('the highest tier a top-up reaches gives its bonus, alone', () => {
  assert.equal(topupBonusCents(rules, 4_999), 0);
  assert.equal(topupBonusCents(rules, 5_000), 300);
  assert.equal(topupBonusCents(rules, 10_000), 1_000);
  assert.equal(topupBonusCents(rules, 99_999), 1_000);
  assert.equal(topupBonusCents(undefined, 99_999), 0);
});

test('tiers out of order are refused with the field', () => {
  const r = PointsSchema.safeParse({
    topupBonuses: [
      { minTopupCents: 10_000, bonusSubsidyCents: 1_000 },
      { minTopupCents: 5_000, bonusSubsidyCents: 300 },
    ],
  });
  assert.equal(r.success, false);
  assert.deepEqual(r.error?.issues[0]?.path, ['topupBonuses', 1, 'minTopupCents']);
});
