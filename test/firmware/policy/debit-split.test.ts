import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debitSplit } from '../../../firmware/policy/policy.ts';

/** A pending debit (docs/cards.md): taken from its field, the rest from the other; waits when the card is short. */
test('a pending debit takes its own field first, then the other, and waits when the purse cannot cover it', () => {
  assert.deepEqual(debitSplit({ balance: 1_000, subsidy: 500 }, 200, 0), { balance: 200, subsidy: 0 });
  assert.deepEqual(debitSplit({ balance: 1_000, subsidy: 500 }, -300, 0), { balance: -300, subsidy: 0 });
  assert.deepEqual(debitSplit({ balance: 100, subsidy: 500 }, -300, 0), { balance: -100, subsidy: -200 });
  assert.deepEqual(debitSplit({ balance: 1_000, subsidy: 100 }, 0, -300), { balance: -200, subsidy: -100 });
  assert.deepEqual(debitSplit({ balance: 100, subsidy: 100 }, -200, 0), { balance: -100, subsidy: -100 });
  assert.equal(debitSplit({ balance: 100, subsidy: 100 }, -201, 0), null);
  assert.equal(debitSplit({ balance: 0, subsidy: 0 }, 0, -1), null);
});
