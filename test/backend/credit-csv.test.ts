import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCreditCsv } from '../../backend/credit-csv.ts';

const known = (card: number) => (card === 1001 || card === 1002 ? null : `card ${card} is not known`);
const TODAY = '2026-12-05';

test('a good file becomes rows in integer cents', () => {
  const csv = 'card,amount,wallet,expiry\n1001,20.00,subsidy,2026-12-31\n1002,5.50,balance,\n';
  assert.deepEqual(checkCreditCsv(csv, known, TODAY), {
    ok: true,
    rows: [
      { line: 2, card: 1001, amountCents: 2000, wallet: 'subsidy', expiry: '2026-12-31' },
      { line: 3, card: 1002, amountCents: 550, wallet: 'balance', expiry: null },
    ],
  });
});

test('every bad row is named with its line, and no row is returned', () => {
  const csv = [
    'card,amount,wallet,expiry',
    '1001,20.00,subsidy,',
    '9999,1.00,subsidy,',
    '1002,0.1,balance,',
    '1002,1.00,cash,',
    '1002,1.00,balance,2026-02-30',
    '1002,1.00,balance,2026-12-04',
    '1001,20.00,subsidy,',
  ].join('\n');
  const got = checkCreditCsv(csv, known, TODAY);
  assert.equal(got.ok, false);
  if (got.ok) return;
  assert.deepEqual(
    got.refusals.map((r) => r.line),
    [3, 4, 5, 6, 7, 8],
  );
  assert.match(got.refusals[0]?.reason ?? '', /not known/);
  assert.match(got.refusals[1]?.reason ?? '', /bad amount/);
  assert.match(got.refusals[2]?.reason ?? '', /bad wallet/);
  assert.match(got.refusals[3]?.reason ?? '', /bad expiry/);
  assert.match(got.refusals[4]?.reason ?? '', /before today/);
  assert.match(got.refusals[5]?.reason ?? '', /duplicate of line 2/);
});
