import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBackendDb } from '../../backend/schema.ts';
import { Accounts } from '../../backend/accounts.ts';
import type { AuthorizeRequest } from '../../protocol/index.ts';

const T = Date.parse('2026-11-23T03:30:00Z');
const TERMINAL = 101;
const CARD = 2002;

function request(stan: number, amountCents: number): AuthorizeRequest {
  const uid = new Uint8Array([4, 1, 2, 3]);
  const at = { terminalTimeMs: T, deadlineMs: 3_000 };
  return { type: 'authorizeRequest', stan, purpose: 'sale', cardNumber: CARD, uid, amountCents, ...at };
}

/** The terminal's answer was lost and it asks again with the same STAN: the account moves once. */
test('accounts: a repeated authorisation with the same STAN is booked once and answered the same', () => {
  const db = openBackendDb(':memory:');
  try {
    const accounts = new Accounts(db);
    accounts.setBalance(CARD, 10_000);
    const first = accounts.authorize(TERMINAL, request(7, 1_250), T, false);
    const retry = accounts.authorize(TERMINAL, request(7, 1_250), T + 2_000, false);
    assert.equal(first.result, 'approved');
    assert.deepEqual(retry, first, 'the stored answer, not a new one');
    assert.equal(accounts.balance(CARD), 10_000 - 1_250, 'charged once');
    assert.deepEqual(accounts.booking(TERMINAL, 7), { state: 'approved', chargedCents: 1_250 });
    // Another STAN is another sale; the same STAN from another terminal is too.
    accounts.authorize(TERMINAL, request(8, 1_250), T, false);
    accounts.authorize(TERMINAL + 1, request(7, 1_250), T, false);
    assert.equal(accounts.balance(CARD), 10_000 - 3 * 1_250);
  } finally {
    db.close();
  }
});

test('accounts: an advice after an approved request of the same STAN charges nothing more', () => {
  const db = openBackendDb(':memory:');
  try {
    const accounts = new Accounts(db);
    accounts.setBalance(CARD, 10_000);
    accounts.authorize(TERMINAL, request(9, 500), T, false);
    assert.equal(accounts.advice(TERMINAL, 9, CARD, 500, T), 'duplicate');
    accounts.fromJournal(TERMINAL, 9, 'offline-approved', CARD, 500, T);
    assert.equal(accounts.balance(CARD), 10_000 - 500);
  } finally {
    db.close();
  }
});
