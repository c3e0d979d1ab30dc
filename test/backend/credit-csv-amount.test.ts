import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRowAmount } from '../../backend/credit-csv-amount.ts';

test('a CSV amount is yuan with two decimals, parsed to integer cents', () => {
  assert.deepEqual(parseRowAmount('20.00'), { ok: true, amountCents: 2000 });
  assert.deepEqual(parseRowAmount(' 0.01 '), { ok: true, amountCents: 1 });
  assert.deepEqual(parseRowAmount('10000.00'), { ok: true, amountCents: 1_000_000 });
});

test('amounts a spreadsheet slip produces are refused with a reason', () => {
  for (const bad of ['0.1', '1.005', '-1', '-1.00', '1e3', '0.00', '', '1,00', '10000.01', 'NaN']) {
    const got = parseRowAmount(bad);
    assert.equal(got.ok, false, bad);
    if (!got.ok) assert.match(got.reason, /bad amount/);
  }
});
