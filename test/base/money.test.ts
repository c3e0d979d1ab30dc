import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AMOUNT_CENTS_MAX, formatCents, parseAmount, parseAmountText } from '../../base/money.ts';

test('an amount a person typed is integer cents, digit by digit', () => {
  const cents = (t: string) => parseAmountText(t);
  assert.deepEqual(cents('12'), { ok: true, amountCents: 1200 });
  assert.deepEqual(cents('12.5'), { ok: true, amountCents: 1250 });
  assert.deepEqual(cents(' 12.50 '), { ok: true, amountCents: 1250 });
  assert.deepEqual(cents('12.'), { ok: true, amountCents: 1200 }, 'a keypad buffer confirmed after its "."');
  assert.deepEqual(cents('0.07'), { ok: true, amountCents: 7 });
  assert.deepEqual(cents(formatCents(AMOUNT_CENTS_MAX)), { ok: true, amountCents: AMOUNT_CENTS_MAX });
  assert.deepEqual(parseAmountText('-3.05', { negative: true }), { ok: true, amountCents: -305 });
  assert.equal(parseAmount('0.30'), 30);
  assert.equal(parseAmount('1.005'), null, 'the loose form is the same rule');
});

test('each bad amount is refused with the reason, quoting what was typed', () => {
  const refusals: [string, string][] = [
    ['', 'no amount: write one like 12.50'],
    ['1.005', '"1.005": at most two decimals (cents)'],
    ['-5', '"-5": must not be negative'],
    ['1,000.00', '"1,000.00": no thousands separators: write 1234.50'],
    ['1 000', '"1 000": no thousands separators: write 1234.50'],
    ["1'000.50", `"1'000.50": no thousands separators: write 1234.50`],
    ['1e3', '"1e3": not an amount: digits with at most one ".", like 12.50'],
    ['.5', '".5": not an amount: digits with at most one ".", like 12.50'],
    ['12.5.0', '"12.5.0": not an amount: digits with at most one ".", like 12.50'],
    ['NaN', '"NaN": not an amount: digits with at most one ".", like 12.50'],
    ['+5', '"+5": not an amount: digits with at most one ".", like 12.50'],
    ['21474836.48', '"21474836.48": above 21474836.47'],
    ['99999999999999999999', '"99999999999999999999": above 21474836.47'],
  ];
  for (const [text, reason] of refusals) assert.deepEqual(parseAmountText(text), { ok: false, reason }, text);
});

test('what a caller asks for: zero refused, exactly two decimals, a lower ceiling', () => {
  assert.deepEqual(parseAmountText('0', { positive: true }), { ok: false, reason: '"0": must be above 0.00' });
  assert.deepEqual(parseAmountText('0'), { ok: true, amountCents: 0 });
  assert.deepEqual(parseAmountText('20', { twoDecimals: true }), {
    ok: false,
    reason: '"20": yuan with two decimals, e.g. 20.00',
  });
  assert.deepEqual(parseAmountText('100.01', { maxCents: 10_000 }), { ok: false, reason: '"100.01": above 100.00' });
  assert.deepEqual(parseAmountText('-21474836.47', { negative: true }), { ok: true, amountCents: -AMOUNT_CENTS_MAX });
});
